// Client filters (`where`) on @list fields and on nested connections: each
// operator is compared with the same filter run directly through Prisma, and a
// filtered list stays one statement.
import { beforeAll, describe, expect, it } from 'vitest';
import { testProviders } from '../helpers/databases.ts';
import { useTestGateway, type GraphQLResponse } from '../helpers/gateway.ts';

const ids = (rows: { id: number }[]) => rows.map((r) => String(r.id));

describe.each(await testProviders())('filters on %s', (provider) => {
  const t = useTestGateway(provider);
  beforeAll(async () => {
    for (const [customerId, status] of [
      [1, 'PLACED'],
      [2, 'SHIPPED'],
      [3, 'CANCELLED'],
      [1, 'SHIPPED'],
    ] as const)
      await t.database.db.order.create({ data: { customerId, status, totalCents: 1000 * customerId } });
  });

  /** The ids a root list returns for `where`, asserting one statement and no error. */
  async function listIds(field: 'books' | 'authors' | 'orders', type: string, where: unknown): Promise<string[]> {
    t.database.statements.length = 0;
    const res = await t.gateway.query(
      `query($where: ${type}) { list: ${field}(first: 100, where: $where) { nodes { id } } }`,
      { where },
    );
    expect(res.errors).toBeUndefined();
    expect(t.database.statements).toHaveLength(1);
    return res.data.list.nodes.map((n: { id: string }) => n.id);
  }

  const books = (where: object) => t.database.db.book.findMany({ where, orderBy: { id: 'asc' }, select: { id: true } });
  const authors = (where: object) =>
    t.database.db.author.findMany({ where, orderBy: { id: 'asc' }, select: { id: true } });

  it('matches nothing with an empty OR, also inside AND, the page and its count agreeing', async () => {
    // Prisma drops an empty OR nested in AND (and pages nest every filter there).
    for (const where of ['{ OR: [] }', '{ AND: [{ OR: [] }] }', '{ NOT: { OR: [] } }']) {
      const res = await t.gateway.query(`{ books(where: ${where}) { totalCount nodes { id } } }`);
      const total = await t.database.db.book.count();
      expect(res.data).toEqual(
        where.startsWith('{ NOT')
          ? { books: { totalCount: total, nodes: expect.any(Array) } }
          : { books: { totalCount: 0, nodes: [] } },
      );
    }
  });

  it('filters strings with contains, startsWith and in', async () => {
    const contains = await listIds('books', 'BookWhere', { title: { contains: 'Winter' } });
    expect(contains).toEqual(ids(await books({ title: { contains: 'Winter' } })));
    expect(contains.length).toBeGreaterThan(5);

    const startsWith = await listIds('books', 'BookWhere', { title: { startsWith: 'The River' } });
    expect(startsWith).toEqual(ids(await books({ title: { startsWith: 'The River' } })));
    expect(startsWith.length).toBeGreaterThan(0);

    const { isbn: a } = await t.database.db.book.findUniqueOrThrow({ where: { id: 4 } });
    const { isbn: b } = await t.database.db.book.findUniqueOrThrow({ where: { id: 40 } });
    expect(await listIds('books', 'BookWhere', { isbn: { in: [b, a, '9780000000000'] } })).toEqual(['4', '40']);
  });

  it('filters integers by range and dates by instant', async () => {
    const range = await listIds('books', 'BookWhere', { pages: { gte: 200, lt: 300 } });
    expect(range).toEqual(ids(await books({ pages: { gte: 200, lt: 300 } })));
    expect(range.length).toBeGreaterThan(5);

    const since = '2018-06-01T00:00:00.000Z';
    const dated = await listIds('books', 'BookWhere', { publishedAt: { gt: since, lte: '2019-12-01T00:00:00Z' } });
    expect(dated).toEqual(
      ids(await books({ publishedAt: { gt: new Date(since), lte: new Date('2019-12-01T00:00:00Z') } })),
    );
    expect(dated.length).toBeGreaterThan(5);
  });

  it('filters ids with in and rejects an id that is not a number', async () => {
    expect(await listIds('books', 'BookWhere', { id: { in: ['9', '1', '5', '99999'] } })).toEqual(['1', '5', '9']);
    t.database.statements.length = 0;
    const res = await t.gateway.query(`{ books(where: { id: { in: ["1", "x"] } }) { nodes { id } } }`);
    expect(res.errors).toEqual([
      {
        message: 'BookWhere.id.in: "x" is not a valid ID',
        path: ['books'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'BAD_USER_INPUT', argument: 'BookWhere.id.in' },
      },
    ]);
    expect(t.database.statements).toEqual([]);
  });

  it('combines filters with AND, OR and NOT', async () => {
    const where = {
      OR: [{ title: { contains: 'Winter' } }, { title: { contains: 'Garden' } }],
      AND: [{ pages: { gt: 300 } }],
      NOT: { priceCents: { lt: 1500 } },
    };
    const expected = await books({
      OR: [{ title: { contains: 'Winter' } }, { title: { contains: 'Garden' } }],
      AND: [{ pages: { gt: 300 } }],
      NOT: { priceCents: { lt: 1500 } },
    });
    expect(expected.length).toBeGreaterThan(2);
    expect(await listIds('books', 'BookWhere', where)).toEqual(ids(expected));
  });

  it('reads null operands as asking for nulls, which a required column or relation never holds', async () => {
    expect(await listIds('books', 'BookWhere', { publishedAt: { equals: null } })).toEqual(
      ids(await books({ publishedAt: null })),
    );
    expect(await listIds('books', 'BookWhere', { publishedAt: { not: null } })).toHaveLength(100);
    expect(await listIds('books', 'BookWhere', { title: { equals: null } })).toEqual([]);
    expect(await listIds('books', 'BookWhere', { id: { equals: null, in: ['1', '2'] } })).toEqual([]);
    expect(await listIds('books', 'BookWhere', { title: { not: null, startsWith: 'The Winter' } })).toEqual(
      ids(await books({ title: { startsWith: 'The Winter' } })),
    );
    expect(await listIds('books', 'BookWhere', { author: null })).toEqual([]);
    expect(await listIds('orders', 'OrderWhere', { status: { equals: null } })).toEqual([]);
    expect(await listIds('books', 'BookWhere', { title: null, pages: { gt: null, lt: 130 } })).toEqual(
      ids(await books({ pages: { lt: 130 } })),
    );
  });

  it('filters books by their author (to-one relation)', async () => {
    const got = await listIds('books', 'BookWhere', { author: { name: { startsWith: 'Ada' } } });
    expect(got).toEqual(ids(await books({ author: { is: { name: { startsWith: 'Ada' } } } })));
    expect(got.length).toBe(15); // authors 1, 11 and 21 are "Ada …", five books each
  });

  it('filters authors by their books (to-many relation: some, none, every)', async () => {
    const some = await listIds('authors', 'AuthorWhere', { books: { some: { pages: { gt: 650 } } } });
    expect(some).toEqual(ids(await authors({ books: { some: { pages: { gt: 650 } } } })));
    expect(some.length).toBeGreaterThan(0);

    const none = await listIds('authors', 'AuthorWhere', { books: { none: { pages: { gt: 650 } } } });
    expect(none).toEqual(ids(await authors({ books: { none: { pages: { gt: 650 } } } })));
    expect([...some, ...none].sort((x, y) => Number(x) - Number(y))).toEqual(
      Array.from({ length: 25 }, (_, i) => String(i + 1)),
    );

    const every = await listIds('authors', 'AuthorWhere', { books: { every: { publishedAt: { equals: null } } } });
    expect(every).toEqual(['1', '6', '11', '16', '21']);
  });

  it('filters orders by their status enum', async () => {
    expect(await listIds('orders', 'OrderWhere', { status: { equals: 'SHIPPED' } })).toHaveLength(2);
    const res = await listIds('orders', 'OrderWhere', { status: { in: ['PLACED', 'CANCELLED'] } });
    const expected = await t.database.db.order.findMany({
      where: { status: { in: ['PLACED', 'CANCELLED'] } },
      orderBy: { id: 'asc' },
    });
    expect(res).toEqual(ids(expected));
    expect(res).toHaveLength(2);
  });

  it('treats SQL metacharacters in a string filter as plain text: no rows, no error, nothing dropped', async () => {
    for (const text of ['\'; DROP TABLE "Book"; --', "' OR '1'='1", '`) OR 1=1 --', '\\', '"']) {
      expect(await listIds('books', 'BookWhere', { title: { contains: text } })).toEqual([]);
      expect(await listIds('books', 'BookWhere', { title: { startsWith: text } })).toEqual([]);
      expect(await listIds('books', 'BookWhere', { title: { equals: text } })).toEqual([]);
    }
    expect(await t.database.db.book.count()).toBe(125);
  });

  // Pattern operators escape LIKE wildcards (and SQLite gets an ESCAPE clause
  // from the adapter), so % and _ from a client are plain text.
  it('treats LIKE wildcards in a string filter as plain text', async () => {
    for (const text of ['%', '_', '%Winter%', 'The_River'])
      expect(await listIds('books', 'BookWhere', { title: { contains: text } })).toEqual([]);
  });

  it('matches %, _ and \\ literally and ignores case in contains, startsWith and endsWith', async () => {
    const book = await t.database.db.book.create({
      data: { isbn: '9780000000099', title: '50% Off_Sale\\Path', priceCents: 1, authorId: 1 },
    });
    try {
      const only = [String(book.id)];
      expect(await listIds('books', 'BookWhere', { title: { contains: '50%' } })).toEqual(only);
      expect(await listIds('books', 'BookWhere', { title: { contains: 'off_sale' } })).toEqual(only);
      expect(await listIds('books', 'BookWhere', { title: { endsWith: '\\path' } })).toEqual(only);
      expect(await listIds('books', 'BookWhere', { title: { startsWith: '50% OFF' } })).toEqual(only);
      expect(await listIds('books', 'BookWhere', { title: { startsWith: '5_%' } })).toEqual([]);
    } finally {
      await t.database.db.book.delete({ where: { id: book.id } });
    }
  });

  it('pages nested connections per parent with where, orderBy, first and after, in one statement per level', async () => {
    const query = /* GraphQL */ `
      query ($after: String) {
        authors(first: 4) {
          nodes {
            id
            books(first: 2, after: $after, where: { pages: { gt: 200 } }, orderBy: [{ title: DESC }]) {
              totalCount
              pageInfo {
                hasNextPage
                endCursor
              }
              nodes {
                id
                title
              }
            }
          }
        }
      }
    `;
    const res = await t.gateway.query(query);
    expect(res.errors).toBeUndefined();
    // authors with their books' pages (one statement), book counts
    expect(t.database.statements).toHaveLength(2);
    for (const author of res.data.authors.nodes) {
      const own = await t.database.db.book.findMany({
        where: { authorId: Number(author.id), pages: { gt: 200 } },
        orderBy: [{ title: 'desc' }, { id: 'asc' }],
      });
      expect(author.books.nodes).toEqual(own.slice(0, 2).map((b) => ({ id: String(b.id), title: b.title })));
      expect(author.books.totalCount).toBe(own.length);
      expect(author.books.pageInfo.hasNextPage).toBe(own.length > 2);
    }
  });

  it("pages one author's books through to the end with after", async () => {
    const query = /* GraphQL */ `
      query ($after: String) {
        author(id: "7") {
          books(first: 2, after: $after, orderBy: [{ publishedAt: ASC }]) {
            pageInfo {
              hasNextPage
              endCursor
            }
            nodes {
              id
            }
          }
        }
      }
    `;
    const seen: string[] = [];
    let after: string | null = null;
    for (let more = true; more;) {
      const res: GraphQLResponse<any> = await t.gateway.query(query, { after });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.author.books.nodes.map((n: { id: string }) => n.id));
      ({ hasNextPage: more, endCursor: after } = res.data.author.books.pageInfo);
    }
    const own = await t.database.db.book.findMany({
      where: { authorId: 7 },
      orderBy: [{ publishedAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
    });
    expect(seen).toEqual(ids(own));
    expect(seen).toHaveLength(5);
  });
});
