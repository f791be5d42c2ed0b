// No N+1: every relation hop is one batched statement per level, whatever the
// page size; on Postgres a root list reads its to-many relations (each
// parent's page) within its own statement. Statements are counted at the
// driver adapter (what reaches the database) and cross-checked with the
// request's source log.
import { describe, expect, it } from 'vitest';
import { testProviders } from '../helpers/databases.ts';
import { useTestGateway } from '../helpers/gateway.ts';

const threeLevels = /* GraphQL */ `
  query ThreeLevels($n: Int!) {
    authors(first: $n) {
      edges {
        node {
          name
          books(first: $n) {
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

  async function run(n: number) {
    t.database.statements.length = 0;
    const res = await t.gateway.query(threeLevels, { n });
    expect(res.errors).toBeUndefined();
    return { res, statements: [...t.database.statements] };
  }

  it('issues one statement per level for page size 5 and for page size 50, one in all on Postgres', async () => {
    const small = await run(5);
    const large = await run(50);

    expect(small.res.data.authors.edges).toHaveLength(5);
    expect(large.res.data.authors.edges).toHaveLength(50);
    expect(large.res.data.authors.edges[49].node.books.edges).toHaveLength(6);
    expect(large.res.data.authors.edges[0].node.books.edges[0].node.reviews.nodes).toHaveLength(3);

    const tables = (sql: string) =>
      [...sql.matchAll(/FROM\s+[`"]?(?:(?:public|main)[`"]?\.[`"]?)?(\w+)/gi)].map((m) => m[1]);
    if (provider === 'postgres') {
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
    const { res } = await run(50);
    expect(
      res.extensions?.sources?.map(({ model, operation, batchSize, statements }) => ({
        model,
        operation,
        batchSize,
        statements,
      })),
    ).toEqual([
      { model: 'Author', operation: 'findMany', batchSize: undefined, statements: 1 },
      // Postgres read the books and reviews with the authors: their loaders were primed.
      ...(provider === 'postgres'
        ? []
        : [
            { model: 'Book', operation: 'findMany', batchSize: 50, statements: 1 },
            { model: 'Review', operation: 'findMany', batchSize: 300, statements: 1 },
          ]),
    ]);
    expect(res.extensions?.statements).toBe(provider === 'postgres' ? 1 : 3);
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
    // authors page + authors count + books page (within the authors' on Postgres) + books counts grouped by author
    expect(t.database.statements).toHaveLength(provider === 'postgres' ? 3 : 4);
  });
});
