// @find and @list over the demo bookstore: keys, IDs, Relay pagination in both
// directions (across the nulls of an optional column too), orderings and page
// limits. Pages are compared with what the database holds, read directly.
import { describe, expect, it } from 'vitest';
import { testProviders } from '../helpers/databases.ts';
import { type GraphQLResponse, useTestGateway } from '../helpers/gateway.ts';

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { cursor: string; node: { id: string } }[];
}

const listQuery = (field: string, type: string) => /* GraphQL */ `
  query List($first: Int, $after: String, $last: Int, $before: String, $orderBy: [${type}Order!]) {
    list: ${field}(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id } }
    }
  }
`;

// Nulls last, then ascending; the id breaks ties. Written out, not asked of Prisma.
const byNullableDate = (key: 'publishedAt', dir: 1 | -1) => (a: Record<string, any>, b: Record<string, any>) => {
  const x = a[key] as Date | null;
  const y = b[key] as Date | null;
  if (x === null || y === null) return x === y ? a.id - b.id : x === null ? 1 : -1;
  return (x.getTime() - y.getTime()) * dir || a.id - b.id;
};

describe.each(await testProviders())('queries on %s', (provider) => {
  const t = useTestGateway(provider);

  /** Every page of a list, following endCursor (or startCursor going back), with each page's statements. */
  async function pageThrough(field: string, type: string, size: number, backward: boolean, orderBy?: unknown) {
    const pages: Page[] = [];
    const statements: number[] = [];
    let cursor: string | null = null;
    do {
      t.database.statements.length = 0;
      const vars: Record<string, unknown> = backward
        ? { last: size, before: cursor, orderBy }
        : { first: size, after: cursor, orderBy };
      const res: GraphQLResponse<{ list: Page }> = await t.gateway.query(listQuery(field, type), vars);
      expect(res.errors).toBeUndefined();
      pages.push(res.data!.list);
      statements.push(t.database.statements.length);
      cursor = backward ? res.data!.list.pageInfo.startCursor : res.data!.list.pageInfo.endCursor;
      if (pages.length > 100) throw new Error('pagination does not end');
    } while (backward ? pages.at(-1)!.pageInfo.hasPreviousPage : pages.at(-1)!.pageInfo.hasNextPage);
    const ids = (backward ? [...pages].reverse() : pages).flatMap((p) => p.edges.map((e) => Number(e.node.id)));
    return { pages, ids, statements };
  }

  describe('@find', () => {
    it('finds a book by id and by isbn, one statement each', async () => {
      const row = await t.database.db.book.findUniqueOrThrow({ where: { id: 3 } });
      t.database.statements.length = 0;
      const byId = await t.gateway.query(`{ book(id: "3") { id isbn title priceCents } }`);
      expect(byId.data).toEqual({ book: { id: '3', isbn: row.isbn, title: row.title, priceCents: row.priceCents } });
      expect(t.database.statements).toHaveLength(1);

      t.database.statements.length = 0;
      const byIsbn = await t.gateway.query(`query($isbn: String) { book(isbn: $isbn) { id title } }`, {
        isbn: row.isbn,
      });
      expect(byIsbn.data).toEqual({ book: { id: '3', title: row.title } });
      expect(t.database.statements).toHaveLength(1);
    });

    it('returns null, without an error, for an id and an isbn that do not exist', async () => {
      const res = await t.gateway.query(
        `{ a: book(id: "99999") { id } b: book(isbn: "9780000000000") { id } author(id: "404") { id } }`,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ a: null, b: null, author: null });
    });

    it('rejects an ID beyond the 32-bit id column as BAD_USER_INPUT, not a database error', async () => {
      const res = await t.gateway.query(`{ book(id: "99999999999") { id } }`);
      expect(res.errors).toEqual([
        {
          message: 'Query.book(id:): "99999999999" is not a valid ID',
          path: ['book'],
          locations: [{ line: 1, column: 3 }],
          extensions: { code: 'BAD_USER_INPUT', argument: 'Query.book(id:)' },
        },
      ]);
      expect(t.database.statements).toEqual([]);
    });

    it('rejects both keys or neither with BAD_USER_INPUT before any statement', async () => {
      for (const args of ['(id: "1", isbn: "9781000000000")', '', '(id: null)']) {
        const res = await t.gateway.query(`{ book${args} { id } }`);
        expect(res.data).toEqual({ book: null });
        expect(res.errors).toEqual([
          {
            message: 'Query.book needs exactly one of: id, isbn',
            path: ['book'],
            locations: [{ line: 1, column: 3 }],
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ]);
      }
      expect(t.database.statements).toEqual([]);
    });

    it('rejects an ID that is not a number with BAD_USER_INPUT before any statement', async () => {
      const res = await t.gateway.query(`{ author(id: "abc") { id } }`);
      expect(res.data).toEqual({ author: null });
      expect(res.errors).toEqual([
        {
          message: 'Query.author(id:): "abc" is not a valid ID',
          path: ['author'],
          locations: [{ line: 1, column: 3 }],
          extensions: { code: 'BAD_USER_INPUT', argument: 'Query.author(id:)' },
        },
      ]);
      expect(t.database.statements).toEqual([]);
    });
  });

  describe('@list pagination', () => {
    it('pages forward through every book with first/after: no gaps, no duplicates, one statement per page plus the count', async () => {
      const all = (await t.database.db.book.findMany({ orderBy: { id: 'asc' }, select: { id: true } })).map(
        (b) => b.id,
      );
      const { pages, ids, statements } = await pageThrough('books', 'Book', 7, false);
      expect(ids).toEqual(all);
      expect(pages).toHaveLength(Math.ceil(all.length / 7));
      expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual(pages.map((_, i) => i < pages.length - 1));
      expect(pages.map((p) => p.pageInfo.hasPreviousPage)).toEqual(pages.map((_, i) => i > 0));
      expect(pages.every((p) => p.totalCount === all.length)).toBe(true);
      expect(pages[0]!.pageInfo.startCursor).toBe(pages[0]!.edges[0]!.cursor);
      expect(pages[0]!.pageInfo.endCursor).toBe(pages[0]!.edges.at(-1)!.cursor);
      expect(new Set(statements)).toEqual(new Set([2]));
    });

    it('pages backward through every book with last/before, each page in forward order', async () => {
      const all = (await t.database.db.book.findMany({ orderBy: { id: 'asc' }, select: { id: true } })).map(
        (b) => b.id,
      );
      const { pages, ids } = await pageThrough('books', 'Book', 8, true);
      expect(ids).toEqual(all);
      expect(pages[0]!.edges.map((e) => Number(e.node.id))).toEqual(all.slice(-8));
      expect(pages.map((p) => p.pageInfo.hasPreviousPage)).toEqual(pages.map((_, i) => i < pages.length - 1));
      expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual(pages.map((_, i) => i > 0));
    });

    for (const [dir, sign] of [
      ['ASC', 1],
      ['DESC', -1],
    ] as const) {
      it(`pages across the nulls of publishedAt ${dir} (nulls last) forward and backward alike`, async () => {
        const rows = await t.database.db.book.findMany({ select: { id: true, publishedAt: true } });
        const expected = rows.sort(byNullableDate('publishedAt', sign)).map((b) => b.id);
        expect(rows.filter((r) => r.publishedAt === null).length).toBeGreaterThan(10);
        const orderBy = [{ publishedAt: dir }];
        expect((await pageThrough('books', 'Book', 9, false, orderBy)).ids).toEqual(expected);
        expect((await pageThrough('books', 'Book', 9, true, orderBy)).ids).toEqual(expected);
      });
    }

    it('orders by several fields, the later ones breaking ties of the earlier', async () => {
      const rows = await t.database.db.book.findMany({ select: { id: true, title: true, publishedAt: true } });
      const time = (d: Date | null) => d?.getTime() ?? -Infinity; // DESC, nulls last
      const expected = rows
        .sort(
          (a, b) => time(b.publishedAt) - time(a.publishedAt) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
        )
        .map((r) => r.id);
      const orderBy = [{ publishedAt: 'DESC' }, { title: 'ASC' }];
      expect((await pageThrough('books', 'Book', 11, false, orderBy)).ids).toEqual(expected);
      expect((await pageThrough('books', 'Book', 11, true, orderBy)).ids).toEqual(expected);
    });

    it('uses the default page size when neither first nor last is given', async () => {
      const res = await t.gateway.query<{ list: Page }>(listQuery('authors', 'Author'), {});
      expect(res.data!.list.edges.map((e) => e.node.id)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
      expect(res.data!.list.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    });
  });

  describe('@list argument errors', () => {
    const error = (message: string, extensions: Record<string, unknown>) => ({
      data: null,
      errors: [
        {
          message,
          path: ['list'],
          locations: [{ line: 3, column: 5 }],
          extensions: { code: 'BAD_USER_INPUT', ...extensions },
        },
      ],
    });
    const run = async (vars: Record<string, unknown>) => {
      const { data, errors } = await t.gateway.query(listQuery('books', 'Book'), vars);
      return { data, errors };
    };

    it('rejects an orderBy element that sets no field or two fields', async () => {
      expect(await run({ orderBy: [{}] })).toEqual(
        error('orderBy[0] must set exactly one field, found 0', { argument: 'orderBy' }),
      );
      expect(await run({ orderBy: [{ title: 'ASC' }, { title: 'ASC', id: 'DESC' }] })).toEqual(
        error('orderBy[1] must set exactly one field, found 2', { argument: 'orderBy' }),
      );
      expect(t.database.statements).toEqual([]);
    });

    it('rejects a page larger than MAX_PAGE_SIZE, naming the maximum', async () => {
      // Refused before execution (src/http/plugins/queryCost.ts): a whole-request error, without data.
      const refused = (message: string, extensions: Record<string, unknown>) => ({
        errors: [
          { message, locations: [{ line: 3, column: 5 }], extensions: { code: 'BAD_USER_INPUT', ...extensions } },
        ],
      });
      expect(await run({ first: 101 })).toEqual(
        refused('"first" must be between 0 and 100, got 101', { argument: 'first', maxPageSize: 100 }),
      );
      expect(await run({ last: 1000 })).toEqual(
        refused('"last" must be between 0 and 100, got 1000', { argument: 'last', maxPageSize: 100 }),
      );
      expect(await run({ first: -1 })).toEqual(
        refused('"first" must be between 0 and 100, got -1', { argument: 'first', maxPageSize: 100 }),
      );
      expect(t.database.statements).toEqual([]);
    });

    it('rejects first and last together', async () => {
      expect(await run({ first: 5, last: 5 })).toEqual(error('Pass "first" or "last", not both', { argument: 'last' }));
    });

    it('rejects a cursor made for another orderBy, and a cursor it never made', async () => {
      const first = await t.gateway.query<{ list: Page }>(listQuery('books', 'Book'), {
        first: 2,
        orderBy: [{ title: 'ASC' }],
      });
      const cursor = first.data!.list.pageInfo.endCursor;
      t.database.statements.length = 0;
      expect(await run({ first: 2, after: cursor })).toEqual(
        error('Invalid cursor in "after": it was made for a different orderBy', { argument: 'after' }),
      );
      expect(await run({ last: 2, before: 'eyJpZCI6MX0' })).toEqual(
        error('Invalid cursor in "before": not a cursor this API returned', { argument: 'before' }),
      );
      expect(t.database.statements).toEqual([]);
    });
  });
});
