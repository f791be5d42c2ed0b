// Startup validation: every binding in schema.graphql is checked against the
// Prisma data model, and each problem names its coordinate, what was expected
// and what exists. The SDL snippets below are small schemas with one mistake.
import { describe, expect, it } from 'vitest';
import { BindingError } from '../../../src/bindings/plan.ts';
import { createSchema, readSchemaFile } from '../../../src/graphql/createSchema.ts';
import { resolvers } from '../../../src/resolvers/index.ts';
import { loadDataModel } from '../../../src/sources/prisma/datamodel.ts';

const datamodel = loadDataModel();

const bookFields =
  'id, isbn, title, publishedAt, pages, priceCents, stockQuantity, authorId, author, reviews, orderLines, createdAt';
const bookColumns = 'id, isbn, title, publishedAt, pages, priceCents, stockQuantity, authorId, createdAt';

// A Book list with its connection types, so snippets can vary only the inputs.
const bookConnection = /* GraphQL */ `
  type Book @model {
    id: ID!
    title: String!
  }
  type BookConnection {
    edges: [BookEdge!]!
    nodes: [Book!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type BookEdge {
    cursor: String!
    node: Book!
  }
`;

/** The problems createSchema reports for `sdl`; fails the test if there are none. */
function problemsOf(sdl: string, handWritten: Record<string, Record<string, unknown>> = {}): string[] {
  try {
    createSchema({ sdl, datamodel, resolvers: handWritten });
  } catch (error) {
    expect(error).toBeInstanceOf(BindingError);
    return (error as BindingError).problems;
  }
  throw new Error('expected a BindingError, but the schema was accepted');
}

describe('readBindings', () => {
  it('accepts the shipped schema.graphql with its hand-written resolvers', () => {
    const { plan } = createSchema({ sdl: readSchemaFile('schema.graphql'), datamodel, resolvers });
    expect(plan.fields.get('Query.books')).toMatchObject({ kind: 'list', model: { name: 'Book' } });
    expect(plan.fields.get('Mutation.placeOrder')).toEqual({ kind: 'resolver' });
    expect([...plan.models.keys()].sort()).toEqual(['Author', 'Book', 'Customer', 'Order', 'OrderLine', 'Review']);
  });

  it('marks a to-one relation enforced only when the parent holds a foreign key the database has', () => {
    const sdl = readSchemaFile('schema.graphql');
    const { plan } = createSchema({ sdl, datamodel, resolvers });
    expect(plan.fields.get('Review.book')).toMatchObject({ kind: 'toOne', parentKey: 'bookId', enforced: true });
    // relationMode = "prisma": no foreign keys in the database, so the row may not be there.
    const noForeignKeys = createSchema({ sdl, datamodel: { ...datamodel, relationMode: 'prisma' }, resolvers });
    expect(noForeignKeys.plan.fields.get('Review.book')).toMatchObject({ kind: 'toOne', enforced: false });
  });

  it('reports a @model name that names no model, listing the models, and nothing else', () => {
    expect(
      problemsOf(`type Author @model(name: "Autor") { id: ID! } type Query { author(id: ID!): Author @find }`),
    ).toEqual([
      'Author is bound by @model to model "Autor", which does not exist; models: Author, Book, Customer, Review, Order, OrderLine',
    ]);
  });

  it('reports a misspelt field with its coordinate and the fields the model has', () => {
    expect(problemsOf(`type Book @model { id: ID! autor: String } type Query { book(id: ID!): Book @find }`)).toEqual([
      `Book.autor reads field "autor" of model Book, which does not exist; fields: ${bookFields} (mark computed fields @resolver)`,
    ]);
  });

  it('reports a scalar type that cannot carry the column, naming the types that can', () => {
    expect(problemsOf(`type Book @model { id: ID! title: Int! } type Query { book(id: ID!): Book @find }`)).toEqual([
      'Book.title: column "title" is String (fits ID or String), found Int!',
    ]);
  });

  it('reports a non-null field over an optional column', () => {
    expect(problemsOf(`type Book @model { id: ID! pages: Int! } type Query { book(id: ID!): Book @find }`)).toEqual([
      'Book.pages: column "pages" is optional, so the field must be nullable: Int',
    ]);
  });

  it('reports a relation field that returns another model', () => {
    const sdl = /* GraphQL */ `
      type Book @model {
        id: ID!
        author: Customer!
      }
      type Customer @model {
        id: ID!
      }
      type Query {
        book(id: ID!): Book @find
        customer(id: ID!): Customer @find
      }
    `;
    expect(problemsOf(sdl)).toEqual(['Book.author is the relation to Author, but returns Customer (model Customer)']);
  });

  it('reports a non-null field over an optional relation', () => {
    const sdl = /* GraphQL */ `
      type Review @model {
        id: ID!
        customer: Customer!
      }
      type Customer @model {
        id: ID!
      }
      type Query {
        review(id: ID!): Review @find
        customer(id: ID!): Customer @find
      }
    `;
    expect(problemsOf(sdl)).toEqual([
      'Review.customer: relation "customer" is optional, so the field must be nullable: Customer',
    ]);
  });

  it('reports a filter input field that names no field of the model', () => {
    const sdl = `${bookConnection} input BookWhere { titel: StringFilter } type Query { books(where: BookWhere): BookConnection! @list }`;
    expect(problemsOf(sdl)).toEqual([
      `BookWhere.titel names field "titel" of model Book, which does not exist; fields: ${bookFields}`,
    ]);
  });

  it('reports a filter whose operator input does not fit the column type', () => {
    const sdl = `${bookConnection} input BookWhere { title: IntFilter } type Query { books(where: BookWhere): BookConnection! @list }`;
    expect(problemsOf(sdl)).toEqual([
      'BookWhere.title filters a String column, so it must be StringFilter or IDFilter; found IntFilter',
    ]);
  });

  it('reports an order input over a relation, listing the columns', () => {
    const sdl = `${bookConnection} input BookOrder { author: SortOrder } type Query { books(orderBy: [BookOrder!]): BookConnection! @list }`;
    expect(problemsOf(sdl)).toEqual([
      `BookOrder.author orders by "author", which is not a column of model Book; columns: ${bookColumns}`,
    ]);
  });

  it('reports a create input that leaves out a required column', () => {
    const sdl = /* GraphQL */ `
      type Book @model {
        id: ID!
      }
      input CreateBookInput {
        isbn: String!
        title: String!
        authorId: ID!
      }
      type Query {
        book(id: ID!): Book @find
      }
      type Mutation {
        createBook(input: CreateBookInput!): Book! @create
      }
    `;
    expect(problemsOf(sdl)).toEqual([
      'CreateBookInput creates a Book but has no field for the required column "priceCents"',
    ]);
  });

  it('reports a create input field that is nullable over a required column', () => {
    const sdl = /* GraphQL */ `
      type Author @model {
        id: ID!
      }
      input CreateAuthorInput {
        name: String
      }
      type Query {
        author(id: ID!): Author @find
      }
      type Mutation {
        createAuthor(input: CreateAuthorInput!): Author! @create
      }
    `;
    expect(problemsOf(sdl)).toEqual(['CreateAuthorInput.name must be non-null (String!): column "name" is required']);
  });

  it('reports a @find argument that is not a unique field, listing the unique fields', () => {
    expect(problemsOf(`type Book @model { id: ID! } type Query { book(title: String!): Book @find }`)).toEqual([
      'Query.book(title:) must name a unique field of model Book; unique fields: id, isbn',
    ]);
  });

  it('reports several non-null @find keys, since exactly one is given per call', () => {
    expect(problemsOf(`type Book @model { id: ID! } type Query { book(id: ID!, isbn: String!): Book @find }`)).toEqual([
      'Query.book has several key arguments, so each must be nullable (exactly one is given per call)',
    ]);
  });

  it('reports a @list field that returns a plain list instead of a connection', () => {
    expect(problemsOf(`type Book @model { id: ID! } type Query { books: [Book!]! @list }`)).toEqual([
      'Query.books returns Book, which is not a connection: expected edges: [Edge!]! (with cursor and node) and pageInfo: PageInfo!',
    ]);
  });

  it('reports a @resolver field that src/resolvers does not implement', () => {
    expect(
      problemsOf(`type Book @model { id: ID! price: Int @resolver } type Query { book(id: ID!): Book @find }`),
    ).toEqual(['Book.price is marked @resolver, but src/resolvers has no resolver for it']);
  });

  it('reports a hand-written resolver for a field that is bound by a directive', () => {
    const sdl = `type Book @model { id: ID! } type Query { book(id: ID!): Book @find }`;
    expect(problemsOf(sdl, { Query: { book: () => null } })).toEqual([
      'src/resolvers implements Query.book; mark it @resolver in schema.graphql to replace its binding',
    ]);
  });

  it('reports a root field with no binding', () => {
    expect(problemsOf(`type Book @model { id: ID! } type Query { book(id: ID!): Book @find hello: String }`)).toEqual([
      'Query.hello has no binding: add @find, @list, @create, @update, @delete or @resolver',
    ]);
  });

  it('reports a relation filter into a type with @auth row rules, which would test hidden rows', () => {
    const sdl = /* GraphQL */ `
      ${bookConnection}
      type Review @model @auth(owner: "customerId") {
        id: ID!
      }
      input ReviewWhere {
        rating: IntFilter
      }
      input ReviewListFilter {
        some: ReviewWhere
      }
      input BookWhere {
        reviews: ReviewListFilter
      }
      type Query {
        books(where: BookWhere): BookConnection! @list
      }
    `;
    expect(problemsOf(sdl)).toEqual([
      'BookWhere.reviews filters through Review, whose type has @auth row rules; a relation filter would test rows the viewer may not see, so remove it',
    ]);
    // The same filter is fine when Review has no row rule.
    expect(() =>
      createSchema({ sdl: sdl.replace('@auth(owner: "customerId")', ''), datamodel, resolvers: {} }),
    ).not.toThrow();
  });

  it('reports every problem at once, in one error whose message lists them', () => {
    const sdl = /* GraphQL */ `
      ${bookConnection.replace('title: String!', 'title: String! autor: String')}
      input BookWhere {
        titel: StringFilter
      }
      type Query {
        books(where: BookWhere): BookConnection! @list
        book(title: String): Book @find
      }
    `;
    let error: unknown;
    try {
      createSchema({ sdl, datamodel, resolvers: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BindingError);
    expect((error as BindingError).message).toBe(
      [
        'The schema has 3 binding error(s):',
        `  - Book.autor reads field "autor" of model Book, which does not exist; fields: ${bookFields} (mark computed fields @resolver)`,
        `  - BookWhere.titel names field "titel" of model Book, which does not exist; fields: ${bookFields}`,
        '  - Query.book(title:) must name a unique field of model Book; unique fields: id, isbn',
      ].join('\n'),
    );
  });
});
