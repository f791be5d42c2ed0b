// SQL metacharacters in every string argument of the example schema's root
// fields (and in every string inside their filter inputs), over a real
// socket: each comes back as data or a clean error, never a 500, and the
// database is intact afterwards. Values travel as variables and as literals.
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSchema, readSchemaFile } from '../../src/graphql/createSchema.ts';
import { resolvers } from '../../src/resolvers/index.ts';
import { loadDataModel } from '../../src/sources/prisma/datamodel.ts';
import { useLiveGateway } from './support.ts';

const payload = `x' OR '1'='1' --"; DROP TABLE "Book"; -- %_\\ ') UNION SELECT * FROM "Customer" /*`;
// Codes a bad value may earn; INTERNAL_SERVER_ERROR (a 500) is the failure this suite looks for.
const cleanCodes = ['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'OUT_OF_STOCK', 'UPSTREAM_FAILED'];

const { schema } = createSchema({ sdl: readSchemaFile('schema.graphql'), datamodel: loadDataModel(), resolvers });

/** A valid value for a required input of this type, so that only the payload is wrong. */
function filler(type: GraphQLInputType): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [filler(inner.ofType)];
  if (isEnumType(inner)) return inner.getValues()[0]!.value;
  if (isInputObjectType(inner))
    return Object.fromEntries(
      Object.values(inner.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, filler(f.type)]),
    );
  return { Int: 1, Float: 1, Boolean: false, DateTime: '2020-01-01T00:00:00Z', ID: '1' }[inner.name] ?? 'x';
}

/** Every way to put `payload` in a String or ID of this type: the value, and the path it took. */
function* withPayload(type: GraphQLInputType, path: string, depth: number): Generator<[unknown, string]> {
  const inner = getNullableType(type);
  if (isListType(inner)) {
    for (const [value, at] of withPayload(inner.ofType, `${path}[0]`, depth)) yield [[value], at];
  } else if (isScalarType(inner) && (inner.name === 'String' || inner.name === 'ID')) {
    yield [payload, path];
  } else if (isInputObjectType(inner) && depth < 3) {
    const base = filler(inner) as Record<string, unknown>;
    for (const field of Object.values(inner.getFields())) {
      // AND/OR/NOT repeat the same filters one level down.
      if (['AND', 'OR', 'NOT'].includes(field.name)) continue;
      for (const [value, at] of withPayload(field.type, `${path}.${field.name}`, depth + 1))
        yield [{ ...base, [field.name]: value }, at];
    }
  }
}

interface Case {
  at: string;
  query: string;
  variables: Record<string, unknown>;
}

function cases(): Case[] {
  const all: Case[] = [];
  for (const [keyword, root] of [
    ['query', schema.getQueryType()!],
    ['mutation', schema.getMutationType()!],
  ] as const) {
    for (const field of Object.values(root.getFields())) {
      const args: readonly GraphQLArgument[] = field.args;
      const selection = isScalarType(getNamedType(field.type)) ? '' : '{ __typename }';
      const declare = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
      const pass = args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const query = `${keyword}${declare ? ` (${declare})` : ''} { ${field.name}${pass ? `(${pass})` : ''} ${selection} }`;
      const required = Object.fromEntries(
        args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, filler(a.type)]),
      );
      for (const arg of args)
        for (const [value, at] of withPayload(arg.type, `${root.name}.${field.name}(${arg.name})`, 0))
          all.push({ at, query, variables: { ...required, [arg.name]: value } });
    }
  }
  return all;
}

describe('SQL metacharacters in string arguments', () => {
  const live = useLiveGateway();

  it('come back as data or a clean error from every string argument of every root field', async () => {
    const all = cases();
    expect(all.length).toBeGreaterThan(100); // the walk reached the filter inputs

    const failures: string[] = [];
    for (const { at, query, variables } of all) {
      const res = await live.query(query, variables, live.admin);
      const codes: string[] = (res.body.errors ?? []).map((e: any) => e.extensions?.code);
      if (res.status >= 500 || codes.some((c) => !cleanCodes.includes(c)))
        failures.push(`${at}: ${res.status} ${JSON.stringify(res.body.errors)}`);
    }

    expect(failures).toEqual([]);
    const tables = live.database.db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('Book', 'Customer', 'Author')`,
    );
    expect((await tables).map((t) => t.name).sort()).toEqual(['Author', 'Book', 'Customer']);
    expect(await live.database.db.book.count()).toBeGreaterThan(0);
  }, 180_000);

  it('stores and matches them as plain text, also as literals in the document', async () => {
    const literal = JSON.stringify(payload); // a GraphQL string literal is a JSON string

    const created = await live.query(`mutation { createAuthor(input: { name: ${literal} }) { name } }`, {}, live.admin);
    const found = await live.query(`{ authors(where: { name: { equals: ${literal} } }) { nodes { name } } }`);
    const contains = await live.query(
      'query ($s: String) { books(where: { title: { contains: $s } }) { totalCount } }',
      {
        s: '%',
      },
    );
    const underscore = await live.query(
      'query ($s: String) { books(where: { title: { startsWith: $s } }) { totalCount } }',
      {
        s: '_',
      },
    );

    expect(created.body).toEqual({ data: { createAuthor: { name: payload } } });
    // The suite above stored a few more authors with this name; only they match.
    expect(found.body.data.authors.nodes.length).toBeGreaterThan(0);
    expect(found.body.data.authors.nodes.every((a: { name: string }) => a.name === payload)).toBe(true);
    // LIKE wildcards match themselves, not every row (the suite above renamed a book to the payload).
    const titles = (await live.database.db.book.findMany({ select: { title: true } })).map((b) => b.title);
    expect(titles.filter((t) => t.includes('%')).length).toBeLessThan(titles.length);
    expect(contains.body).toEqual({ data: { books: { totalCount: titles.filter((t) => t.includes('%')).length } } });
    expect(underscore.body).toEqual({
      data: { books: { totalCount: titles.filter((t) => t.startsWith('_')).length } },
    });
  });

  it('reach nested string arguments cleanly: a price in an unknown currency, a stock lookup by a hostile ISBN', async () => {
    const res = await live.query(
      'query ($c: String!, $i: String!) { books(first: 2) { nodes { price(currency: $c) { amount } } } stock(isbn: $i) { available } }',
      { c: payload, i: `../../${payload}` },
    );

    expect(res.status).toBe(200);
    const codes = res.body.errors.map((e: any) => e.extensions.code);
    expect(codes.every((c: string) => cleanCodes.includes(c))).toBe(true);
  });
});
