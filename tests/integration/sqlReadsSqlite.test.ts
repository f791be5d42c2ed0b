// The SQL read path on SQLite: the cases both dialects share
// (sqlReadsCases.ts), then what differs from Postgres's (sqlReads.test.ts):
// keys travel as one JSON text (json_each), a statement's own rows come plain
// while its to-many pages come as JSON (json_group_array), and values come in
// SQLite's storage forms, in both.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { countingAdapter } from '../../src/sources/prisma/countingAdapter.ts';
import { createSqlReads, sqlReadsOf, type SqlReads } from '../../src/sources/prisma/sqlReads.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { answersAsPrismaDoes, tableModel } from './sqlReadsCases.ts';

describe('SQL reads on sqlite', () => {
  let t: TestDatabase;
  let reads: SqlReads;
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    reads = sqlReadsOf(t.db)!;
  });
  afterAll(() => t?.drop());

  answersAsPrismaDoes(() => ({ t, reads }));

  it('is the gateway read path on SQLite too, sending keys as one JSON text', async () => {
    expect(reads).toBeDefined();
    t.statements.length = 0;
    t.statementArgs.length = 0;
    await reads.findByKeys('Author', 'id', [3, 1], {});
    expect(t.statements[0]).toContain('"id" IN (SELECT value FROM json_each(?))');
    expect(t.statementArgs[0]).toEqual(['[3,1]']);
  });

  it('declines keys it cannot send as JSON, so Prisma answers them', () => {
    // DateTime keys would travel as JSON text in another form than SQLite stores.
    expect(reads.findByKeys('Book', 'publishedAt', [new Date(0)], {})).toBeUndefined();
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
    const model = tableModel('Typed', [
      ['big', 'BigInt'],
      ['ratio', 'Float'],
      ['flag', 'Boolean'],
      ['label', 'String'],
      ['at', 'DateTime'],
    ]);
    // A read path of its own over the test database's file, with this data model.
    const factory = countingAdapter(new PrismaBetterSqlite3({ url: t.url }));
    const typed = createSqlReads(model, { schema: 'main', dialect: 'sqlite', adapter: () => factory.connect() });
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
    // The same values inside a to-many page's JSON: each row's page of the
    // table itself (id = id), so every column type travels as JSON once.
    const pages = new Map<unknown, unknown>();
    const parents = await typed.findPage('Typed', {
      orderBy: [{ id: 'asc' }],
      take: 10,
      columns: ['id'],
      children: [{ model: 'Typed', foreignKey: 'id', parentKey: 'id', perKey: 1, found: (k, r) => pages.set(k, r) }],
    })!;
    expect(parents.map((p) => pages.get(p.id))).toEqual(
      (await typed.findPage('Typed', { orderBy: [{ id: 'asc' }], take: 10 })!).map((row) => [row]),
    );
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
