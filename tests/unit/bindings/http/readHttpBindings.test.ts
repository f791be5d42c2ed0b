// Startup validation of @source and @http: every mistake that can be seen
// without calling the upstream stops the server with a message naming the
// coordinate. Each snippet below has one mistake.
import { describe, expect, it } from 'vitest';
import { sourceConfigs } from '../../../../src/bindings/http/createHttpSources.ts';
import { BindingError } from '../../../../src/bindings/plan.ts';
import { createSchema, readSchemaFile } from '../../../../src/graphql/createSchema.ts';
import { resolvers } from '../../../../src/resolvers/index.ts';
import { loadDataModel } from '../../../../src/sources/prisma/datamodel.ts';

const datamodel = loadDataModel();

const sources = /* GraphQL */ `
  extend schema
    @source(name: "inventory", url: "http://127.0.0.1:1/api")
    @source(name: "fx", url: "env:FX_URL", format: XML, namespaces: [{ prefix: "g", uri: "urn:g" }])
  type Book @model {
    id: ID!
    isbn: String!
  }
  type Stock {
    isbn: String!
    available: Int!
  }
`;

function problemsOf(sdl: string): string[] {
  try {
    createSchema({ sdl: sources + sdl, datamodel, resolvers: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(BindingError);
    return (error as BindingError).problems;
  }
  throw new Error('expected a BindingError, but the schema was accepted');
}

describe('@http bindings at startup', () => {
  it('accepts the shipped schema: batched stock on Book, the XML feed on Query', () => {
    const { plan } = createSchema({ sdl: readSchemaFile('schema.graphql'), datamodel, resolvers });
    expect(plan.fields.get('Book.stock')).toMatchObject({
      kind: 'http',
      source: 'inventory',
      method: 'GET',
      batch: { param: 'isbn', separator: ',', maxSize: 100 },
      parentKeys: ['isbn'],
    });
    expect(plan.fields.get('Query.euroRates')).toMatchObject({ kind: 'http', source: 'fx', format: 'xml' });
    expect(plan.sources.get('inventory')).toMatchObject({ url: { env: 'INVENTORY_URL' }, timeoutMs: 1500 });
  });

  it('names an unknown source and lists the declared ones', () => {
    expect(problemsOf(`type Query { stock: Stock @http(source: "invntory", get: "/stock") }`)).toEqual([
      'Query.stock @http(source: "invntory"): no such source; sources: inventory, fx',
    ]);
  });

  it('names a placeholder that matches no argument, and a $parent on a root field', () => {
    expect(
      problemsOf(`type Query { stock(isbn: String!): Stock @http(source: "inventory", get: "/stock/{$args.isb}") }`),
    ).toEqual(['Query.stock path: {$args.isb} names no argument of Query.stock; arguments: isbn']);
    expect(problemsOf(`type Query { stock: Stock @http(source: "inventory", get: "/stock/{$parent.isbn}") }`)).toEqual([
      'Query.stock path: {$parent.isbn} names no field of Query (a root field has no parent)',
    ]);
  });

  it('names a parent placeholder the parent type does not have', () => {
    expect(
      problemsOf(`
        extend type Book { stock: Stock @http(source: "inventory", get: "/stock?isbn={$parent.ibsn}") }
        type Query { book(id: ID!): Book @find }`),
    ).toEqual(['Book.stock query parameter isbn: {$parent.ibsn} names no field of Book']);
  });

  it('refuses selections that cannot produce the declared type', () => {
    expect(
      problemsOf(`
        type Rate { currency: String! @from(path: "@currency") }
        type Rates { rates: [Rate!]! @from(path: "@rates") }
        type Query {
          a: Stock @http(source: "inventory", get: "/a", select: "@items")
          b: Rates @http(source: "fx", get: "/b")
          c: Rate @http(source: "fx", get: "/c", select: "x:Cube")
          d: Book @http(source: "inventory", get: "/d")
          e: Stock @http(source: "inventory", get: "/e", post: "/e")
        }`),
    ).toEqual([
      'Query.a @http(select:): "@items" in "@items": JSON has no attributes',
      'Rates.rates: the attribute @rates holds one text value, but the field is [Rate!]!',
      'Query.c @http(select:): "x:Cube" in "x:Cube" uses the prefix "x", which the source\'s namespaces do not declare',
      'Book is a @model type, so it cannot be built from an HTTP response; return a plain object type',
      'Query.e @http needs exactly one of get, post, put, patch, delete; found 2',
    ]);
  });

  it('needs a batch key placeholder and an object result to batch', () => {
    expect(
      problemsOf(`
        extend type Book {
          stock: Stock @http(source: "inventory", get: "/stock", batch: { param: "isbn", key: "isbn" })
          count: Int @http(source: "inventory", get: "/n?isbn={$parent.isbn}", batch: { param: "isbn", key: "isbn" })
        }
        type Query { book(id: ID!): Book @find }`),
    ).toEqual([
      'Book.stock @http(batch: {param: "isbn"}): the call needs isbn={$parent.<key>} in its query',
      'Book.count: a batched field must return an object type (or a list of them)',
    ]);
  });

  it('resolves env: references at startup, naming every missing variable and its source', () => {
    const { plan } = createSchema({ sdl: readSchemaFile('schema.graphql'), datamodel, resolvers });
    expect(() => sourceConfigs(plan.sources, { FX_URL: 'ftp://x' })).toThrow(
      'HTTP sources are misconfigured:\n' +
        '  - @source(name: "inventory") url reads INVENTORY_URL, which is not set\n' +
        '  - @source(name: "inventory") header x-api-key reads INVENTORY_API_KEY, which is not set\n' +
        '  - @source(name: "fx") url: "ftp://x" is not an absolute http(s) URL',
    );
    const configs = sourceConfigs(plan.sources, {
      INVENTORY_URL: 'http://127.0.0.1:9/',
      INVENTORY_API_KEY: 'k',
      FX_URL: 'http://127.0.0.1:9',
    });
    expect(configs[0]).toMatchObject({ name: 'inventory', headers: { 'x-api-key': 'k' }, timeoutMs: 1500 });
    expect(configs[1]).toMatchObject({ name: 'fx', format: 'xml', sharedCache: { maxBytes: 50_000_000 } });
  });
});
