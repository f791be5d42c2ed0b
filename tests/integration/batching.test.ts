// No N+1: a root list reads its to-many relations (each parent's page)
// within its own statement, and a level the SQL read path leaves to Prisma is
// one batched statement, whatever the page size. Statements are counted at the
// driver adapter (what reaches the database) and cross-checked with the
// request's source log.
import { describe, expect, it } from 'vitest';
import { testProviders } from '../helpers/databases.ts';
import { useTestGateway } from '../helpers/gateway.ts';

const threeLevels = /* GraphQL */ `
  query ThreeLevels($n: Int!, $books: BookWhere) {
    authors(first: $n) {
      edges {
        node {
          name
          books(first: $n, where: $books) {
            edges {
              node {
                title
                reviews(first: $n) {
                  nodes {
                    rating
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

const sizes = { authors: 60, booksPerAuthor: 6, reviewsPerBook: 3, customers: 5 };

describe.each(await testProviders())('batching on %s', (provider) => {
  // Three levels of 50 cost far more than the default budget (docs/security.md): it is off here.
  const t = useTestGateway(provider, { seed: sizes, env: { MAX_COST: '0' } });

  // A text pattern (here one every title matches) is a filter only Prisma
  // reads: the books, and so their reviews, go through their loaders.
  const throughLoaders = { title: { contains: '' } };

  async function run(n: number, books?: object) {
    t.database.statements.length = 0;
    const res = await t.gateway.query(threeLevels, { n, books });
    expect(res.errors).toBeUndefined();
    return { res, statements: [...t.database.statements] };
  }

  const tables = (sql: string) =>
    [...sql.matchAll(/FROM\s+[`"]?(?:(?:public|main)[`"]?\.[`"]?)?(\w+)/gi)].map((m) => m[1]);

  it.each([
    ['one statement in all', undefined],
    ['one statement per level through the loaders', throughLoaders],
  ])('reads three levels in %s, for page size 5 and for page size 50', async (_how, books) => {
    const small = await run(5, books);
    const large = await run(50, books);

    expect(small.res.data.authors.edges).toHaveLength(5);
    expect(large.res.data.authors.edges).toHaveLength(50);
    expect(large.res.data.authors.edges[49].node.books.edges).toHaveLength(6);
    expect(large.res.data.authors.edges[0].node.books.edges[0].node.reviews.nodes).toHaveLength(3);
    if (books === undefined) {
      expect(small.statements).toHaveLength(1);
      expect(large.statements).toHaveLength(1);
      expect(tables(large.statements[0]!).sort()).toEqual(['Author', 'Book', 'Review']);
    } else {
      expect(small.statements).toHaveLength(3);
      expect(large.statements).toHaveLength(3);
      expect(large.statements.map((sql) => tables(sql)[0])).toEqual(['Author', 'Book', 'Review']);
    }
  });

  it('reports each batched call, its batch size and its statements in extensions.sources', async () => {
    const { res } = await run(50, throughLoaders);
    expect(
      res.extensions?.sources?.map(({ model, operation, batchSize, statements }) => ({
        model,
        operation,
        batchSize,
        statements,
      })),
    ).toEqual([
      { model: 'Author', operation: 'findMany', batchSize: undefined, statements: 1 },
      { model: 'Book', operation: 'findMany', batchSize: 50, statements: 1 },
      { model: 'Review', operation: 'findMany', batchSize: 300, statements: 1 },
    ]);
    expect(res.extensions?.statements).toBe(3);
    // Without the pattern the books and reviews come with the authors: their loaders are primed.
    const { res: primed } = await run(50);
    expect(primed.extensions?.sources?.map(({ model }) => model)).toEqual(['Author']);
    expect(primed.extensions?.statements).toBe(1);
  });

  it('batches to-one hops too: 50 books with their authors is one statement', async () => {
    t.database.statements.length = 0;
    const res = await t.gateway.query(`{ books(first: 50) { nodes { title author { name } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.books.nodes).toHaveLength(50);
    expect(res.data.books.nodes.every((b: { author: { name: string } }) => b.author.name.length > 0)).toBe(true);
    // The SQL read path reads the authors with the page (a join), on both databases.
    expect(t.database.statements).toHaveLength(1);
  });

  it('adds one grouped statement per level for totalCount, not one per parent', async () => {
    t.database.statements.length = 0;
    const res = await t.gateway.query(`{ authors(first: 20) { totalCount nodes { books(first: 2) { totalCount } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.authors.totalCount).toBe(60);
    expect(res.data.authors.nodes[0].books.totalCount).toBe(6);
    // authors page (the books' pages within it) + authors count + books counts grouped by author
    expect(t.database.statements).toHaveLength(3);
  });
});
