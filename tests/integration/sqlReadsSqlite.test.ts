// The SQL read path on SQLite answers exactly what Prisma answers for the same
// arguments, in one statement, and declines (undefined) what it cannot
// express. It differs from Postgres's (sqlReads.test.ts) in three ways: keys
// travel as one JSON text (json_each), rows come plain, and to-many pages are
// left to their loaders.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { delegate, type OrderBy, type Where } from '../../src/sources/prisma/batch.ts';
import { countingAdapter } from '../../src/sources/prisma/countingAdapter.ts';
import type { DataModel, ModelField } from '../../src/sources/prisma/datamodel.ts';
import { createSqlReads, sqlReadsOf, type SqlReads } from '../../src/sources/prisma/sqlReads.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';

describe('SQL reads on sqlite', () => {
  let t: TestDatabase;
  let reads: SqlReads;
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    reads = sqlReadsOf(t.db)!;
  });
  afterAll(() => t?.drop());

  const byPublished: OrderBy = [{ publishedAt: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }];
  const sortById = (rs: Record<string, unknown>[]) => [...rs].sort((a, b) => Number(a.id) - Number(b.id));

  it('is the gateway read path on SQLite too', () => {
    expect(reads).toBeDefined();
  });

  it('reads rows by keys as Prisma does, nullable DateTime columns included', async () => {
    const keys = [3, 1, 2];
    t.statements.length = 0;
    const rows = await reads.findByKeys('Author', 'id', keys, {})!;
    expect(t.statements).toHaveLength(1);
    expect(t.statements[0]).toContain('IN (SELECT value FROM json_each(?))');
    const expected = await delegate(t.db, 'Author').findMany({ where: { id: { in: keys } } });
    expect(sortById(rows)).toEqual(sortById(expected));
    expect(rows.some((r) => r.born instanceof Date)).toBe(true);
    expect(rows.some((r) => r.born === null)).toBe(true);
  });

  it('reads rows by string keys', async () => {
    const books = await delegate(t.db, 'Book').findMany({ orderBy: [{ id: 'asc' }], take: 3 });
    const isbns = books.map((b) => b.isbn);
    const rows = await reads.findByKeys('Book', 'isbn', isbns, { columns: ['id', 'isbn'] })!;
    expect(sortById(rows)).toEqual(books.map((b) => ({ id: b.id, isbn: b.isbn })));
  });

  it('cuts each key to perKey rows in page order, with nulls last', async () => {
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

  it('reads a page with the filters the gateway builds, its parameters in text order', async () => {
    const filters: Where[] = [
      { OR: [{ publishedAt: { lt: new Date('2024-01-01T00:00:00Z') } }, { publishedAt: null }] },
      { AND: [{ pages: { gte: 200, lt: 400 } }, { id: { in: [2, 3, 5, 7, 11, 13] } }] },
      { NOT: { pages: { gt: 300 } }, publishedAt: { not: null } },
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

  it('reads a page with its to-one relations in one statement, and leaves to-many pages to their loaders', async () => {
    const authorsFound = new Map<unknown, unknown>();
    const reviewsFound = new Map<unknown, unknown>();
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
          found: (k, r) => authorsFound.set(k, r),
        },
      ],
      children: [
        {
          model: 'Review',
          foreignKey: 'bookId',
          parentKey: 'id',
          perKey: 2,
          found: (k, r) => reviewsFound.set(k, r),
        },
      ],
    })!;
    expect(t.statements).toHaveLength(1);
    expect(t.statements[0]).not.toContain('Review');
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
    expect(new Map(authors.map((a) => [a.id, a]))).toEqual(authorsFound);
    expect(reviewsFound.size).toBe(0);
  });

  it('declines what it cannot express, so Prisma answers it', () => {
    expect(reads.findPage('Book', { where: { title: { contains: 'a' } }, orderBy: [], take: 1 })).toBeUndefined();
    expect(reads.findPage('Book', { where: { pages: { not: 3 } }, orderBy: [], take: 1 })).toBeUndefined();
    // DateTime keys would travel as JSON text in another form than SQLite stores.
    expect(reads.findByKeys('Book', 'publishedAt', [new Date(0)], {})).toBeUndefined();
    expect(reads.findByKeys('Nope', 'id', [1], {})).toBeUndefined();
  });

  it('returns each column type as Prisma would: Boolean from 0/1, BigInt past 2^53, both DateTime storage forms', async () => {
    await t.db.$executeRawUnsafe(`CREATE TABLE "Typed" (
      "id" INTEGER PRIMARY KEY, "big" BIGINT, "ratio" REAL, "flag" BOOLEAN, "label" TEXT, "at" DATETIME)`);
    // Prisma's adapter writes DateTime as ISO text (its default) or epoch
    // milliseconds (timestampFormat: 'unixepoch-ms'); both must read back.
    await t.db.$executeRawUnsafe(`INSERT INTO "Typed" VALUES
      (1, 9007199254740993, 0.5, 1, 'it''s "quoted" ünïcødé 🚀', '1969-07-20T20:17:40.123+00:00'),
      (2, -9223372036854775808, -1.5e-300, 0, '', 1700000000123),
      (3, null, null, null, null, null)`);
    const field = (name: string, type: string): ModelField => ({
      name,
      dbName: null,
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
    const typedModel: DataModel = {
      enums: [],
      models: [
        {
          name: 'Typed',
          idField: 'id',
          uniqueFields: [],
          fields: [
            field('id', 'Int'),
            field('big', 'BigInt'),
            field('ratio', 'Float'),
            field('flag', 'Boolean'),
            field('label', 'String'),
            field('at', 'DateTime'),
          ],
        },
      ],
    };
    // A read path of its own over the test database's file, with this data model.
    const factory = countingAdapter(new PrismaBetterSqlite3({ url: t.url }));
    const typed = createSqlReads(typedModel, { schema: 'main', dialect: 'sqlite', adapter: () => factory.connect() });
    onTestFinished(() => factory.release());
    expect(await typed.findPage('Typed', { orderBy: [{ id: 'asc' }], take: 10 })!).toEqual([
      {
        id: 1,
        big: 9007199254740993n,
        ratio: 0.5,
        flag: true,
        label: 'it\'s "quoted" ünïcødé 🚀',
        at: new Date('1969-07-20T20:17:40.123Z'),
      },
      { id: 2, big: -9223372036854775808n, ratio: -1.5e-300, flag: false, label: '', at: new Date(1700000000123) },
      { id: 3, big: null, ratio: null, flag: null, label: null, at: null },
    ]);
    // Filters of those types go out as parameters and compare as Prisma's would.
    const flagged = await typed.findPage('Typed', {
      where: { flag: true, big: { gt: 9007199254740992n } },
      orderBy: [{ id: 'asc' }],
      take: 10,
      columns: ['id'],
    })!;
    expect(flagged).toEqual([{ id: 1 }]);
  });
});
