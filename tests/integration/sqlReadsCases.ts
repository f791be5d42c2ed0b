// What both dialects of the SQL read path must do (sqlReads.test.ts for
// Postgres, sqlReadsSqlite.test.ts for SQLite): answer exactly what Prisma
// answers for the same arguments, on the same database, in one statement, and
// decline (undefined) what they cannot express, so the caller asks Prisma.
import { expect, it } from 'vitest';
import { delegate, type OrderBy, type Where } from '../../src/sources/prisma/batch.ts';
import type { DataModel, ModelField } from '../../src/sources/prisma/datamodel.ts';
import type { SqlReads } from '../../src/sources/prisma/sqlReads.ts';
import type { TestDatabase } from '../helpers/databases.ts';

export const byPublished: OrderBy = [{ publishedAt: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }];
const sortById = (rs: Record<string, unknown>[]) => [...rs].sort((a, b) => Number(a.id) - Number(b.id));

type Column = [name: string, type: string, dbName?: string];

/**
 * A data model of one table, `name`, with an Int `id` and `columns`: a suite's
 * own table of column types (or widths) the example models lack.
 */
export function tableModel(name: string, columns: Column[]): DataModel {
  const field = ([name, type, dbName]: Column): ModelField => ({
    name,
    dbName: dbName ?? null,
    kind: 'scalar',
    type,
    isList: false,
    isRequired: false,
    isId: name === 'id',
    hasDefault: false,
    relationName: null,
    relationFromFields: [],
    relationToFields: [],
  });
  return {
    enums: [],
    models: [{ name, idField: 'id', uniqueFields: [], fields: [['id', 'Int'] as Column, ...columns].map(field) }],
  };
}

/**
 * Reads three authors, each one's first two books over 100 pages (newest
 * first) and each book's top three reviews, in one statement, and checks
 * every page against Prisma's answer for the same arguments.
 */
export async function expectToManyWithinThePage(t: TestDatabase, reads: SqlReads, statements: string[]): Promise<void> {
  const books = new Map<unknown, unknown>();
  const reviews = new Map<unknown, unknown>();
  statements.length = 0;
  const authors = await reads.findPage('Author', {
    orderBy: [{ id: 'asc' }],
    take: 3,
    columns: ['id', 'name'],
    children: [
      {
        model: 'Book',
        foreignKey: 'authorId',
        parentKey: 'id',
        orderBy: byPublished,
        where: { pages: { gt: 100 } },
        columns: ['authorId', 'id', 'publishedAt', 'title'],
        perKey: 2,
        found: (key, rows) => books.set(key, rows),
        children: [
          {
            model: 'Review',
            foreignKey: 'bookId',
            parentKey: 'id',
            orderBy: [{ rating: 'desc' }, { id: 'asc' }],
            columns: ['bookId', 'createdAt', 'id', 'rating'],
            perKey: 3,
            found: (key, rows) => reviews.set(key, rows),
          },
        ],
      },
    ],
  })!;
  expect(statements).toHaveLength(1);
  expect(authors).toEqual(
    await delegate(t.db, 'Author').findMany({
      orderBy: [{ id: 'asc' }],
      take: 3,
      select: { id: true, name: true },
    }),
  );
  expect([...books.keys()]).toEqual(authors.map((a) => a.id));
  for (const author of authors) {
    const expected = await delegate(t.db, 'Book').findMany({
      where: { authorId: author.id as number, pages: { gt: 100 } },
      orderBy: byPublished,
      take: 2,
      select: { authorId: true, id: true, publishedAt: true, title: true },
    });
    expect(books.get(author.id)).toEqual(expected);
    for (const book of expected) {
      expect(reviews.get(book.id)).toEqual(
        await delegate(t.db, 'Review').findMany({
          where: { bookId: book.id as number },
          orderBy: [{ rating: 'desc' }, { id: 'asc' }],
          take: 3,
          select: { bookId: true, createdAt: true, id: true, rating: true },
        }),
      );
    }
  }
  expect(reviews.size).toBeGreaterThan(0);
}

/** Registers the shared cases; `context` gives the suite's database and its read path once set up. */
export function answersAsPrismaDoes(context: () => { t: TestDatabase; reads: SqlReads }): void {
  it("reads each parent's page of a to-many relation, and theirs, within the page", async () => {
    const { t, reads } = context();
    await expectToManyWithinThePage(t, reads, t.statements);
  });

  it('reads rows by keys as Prisma does, nullable DateTime columns included', async () => {
    const { t, reads } = context();
    const keys = [3, 1, 2];
    t.statements.length = 0;
    const rows = await reads.findByKeys('Author', 'id', keys, {})!;
    expect(t.statements).toHaveLength(1);
    const expected = await delegate(t.db, 'Author').findMany({ where: { id: { in: keys } } });
    expect(sortById(rows)).toEqual(sortById(expected));
    expect(rows.some((r) => r.born instanceof Date)).toBe(true);
    expect(rows.some((r) => r.born === null)).toBe(true);
  });

  it('reads rows by string keys', async () => {
    const { t, reads } = context();
    const books = await delegate(t.db, 'Book').findMany({ orderBy: [{ id: 'asc' }], take: 3 });
    const rows = await reads.findByKeys(
      'Book',
      'isbn',
      books.map((b) => b.isbn),
      { columns: ['id', 'isbn'] },
    )!;
    expect(sortById(rows)).toEqual(books.map((b) => ({ id: b.id, isbn: b.isbn })));
  });

  it('cuts each key to perKey rows in page order, with nulls last', async () => {
    const { t, reads } = context();
    const keys = [1, 2, 3, 4];
    const columns = ['authorId', 'id', 'publishedAt', 'title'];
    t.statements.length = 0;
    const rows = await reads.findByKeys('Book', 'authorId', keys, { orderBy: byPublished, columns, perKey: 2 })!;
    expect(t.statements).toHaveLength(1);
    expect(t.statements[0]).toContain('ROW_NUMBER() OVER (PARTITION BY "authorId"');
    for (const key of keys) {
      const expected = await delegate(t.db, 'Book').findMany({
        where: { authorId: key },
        orderBy: byPublished,
        take: 2,
        select: Object.fromEntries(columns.map((c) => [c, true])),
      });
      expect(rows.filter((r) => r.authorId === key)).toEqual(expected);
    }
  });

  it('reads a page with the filters the gateway builds (cursor bounds, in, ranges, nulls, NOT)', async () => {
    const { t, reads } = context();
    const filters: Where[] = [
      { OR: [{ publishedAt: { lt: new Date('2024-01-01T00:00:00Z') } }, { publishedAt: null }] },
      { AND: [{ pages: { gte: 200, lt: 400 } }, { id: { in: [2, 3, 5, 7, 11, 13] } }] },
      { NOT: { pages: { gt: 300 } }, publishedAt: { not: null } },
      // Several parameters before the page size: SQLite binds them by position.
      { id: { gt: 3 }, pages: { lte: 350 } },
      { OR: [] },
      { id: { in: [] } },
    ];
    for (const where of filters) {
      t.statements.length = 0;
      const rows = await reads.findPage('Book', { where, orderBy: byPublished, take: 7 })!;
      expect(t.statements).toHaveLength(1);
      expect(rows).toEqual(await delegate(t.db, 'Book').findMany({ where, orderBy: byPublished, take: 7 }));
    }
  });

  it('counts rows, and rows per key, as Prisma does, in one statement each', async () => {
    const { t, reads } = context();
    const filters: (Where | undefined)[] = [undefined, { pages: { gte: 200 } }, { id: { in: [] } }];
    for (const where of filters) {
      const keys = [1, 2, 3, 999999];
      const byKey: Where = { authorId: { in: keys } };
      const total = await delegate(t.db, 'Book').count(where ? { where } : {});
      const groups = await delegate(t.db, 'Book').groupBy({
        by: ['authorId'],
        where: where ? { AND: [byKey, where] } : byKey,
        _count: { _all: true },
      });
      t.statements.length = 0;
      expect(await reads.count('Book', where)!).toBe(total);
      // A key with no rows is left out, as from Prisma's groupBy.
      expect(await reads.countByKeys('Book', 'authorId', keys, where)!).toEqual(
        new Map(groups.map((g) => [g.authorId, (g._count as { _all: number })._all])),
      );
      expect(t.statements).toHaveLength(2);
    }
    expect((await reads.countByKeys('Book', 'authorId', [1, 2], undefined)!).get(1)).toBeGreaterThan(0);
    // What it cannot express goes to Prisma.
    expect(reads.count('Book', { title: { contains: 'a' } })).toBeUndefined();
    expect(reads.countByKeys('Book', 'author', [1], undefined)).toBeUndefined();
  });

  it('reads a page with its to-one relations in one statement, reporting each related row', async () => {
    const { t, reads } = context();
    const found = new Map<unknown, unknown>();
    t.statements.length = 0;
    const rows = await reads.findPage('Book', {
      orderBy: [{ id: 'asc' }],
      take: 5,
      columns: ['authorId', 'id'],
      joins: [
        {
          model: 'Author',
          parentKey: 'authorId',
          targetKey: 'id',
          columns: ['id', 'name'],
          found: (k, r) => found.set(k, r),
        },
      ],
    })!;
    expect(t.statements).toHaveLength(1);
    expect(rows).toEqual(
      await delegate(t.db, 'Book').findMany({
        orderBy: [{ id: 'asc' }],
        take: 5,
        select: { authorId: true, id: true },
      }),
    );
    const authors = await delegate(t.db, 'Author').findMany({
      where: { id: { in: rows.map((r) => r.authorId) } },
      select: { id: true, name: true },
    });
    expect(new Map(authors.map((a) => [a.id, a]))).toEqual(found);
  });

  it('declines what it cannot express, so Prisma answers it', () => {
    const { reads } = context();
    expect(reads.findPage('Book', { where: { title: { contains: 'a' } }, orderBy: [], take: 1 })).toBeUndefined();
    expect(reads.findPage('Book', { where: { author: { is: { name: 'x' } } }, orderBy: [], take: 1 })).toBeUndefined();
    expect(reads.findPage('Book', { where: { pages: { not: 3 } }, orderBy: [], take: 1 })).toBeUndefined();
    expect(reads.findByKeys('Nope', 'id', [1], {})).toBeUndefined();
  });
}
