// The SQL read path on Postgres answers exactly what Prisma answers for the
// same arguments, in one statement, and declines (undefined) what it cannot
// express, so the caller falls back to Prisma.
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataModel, type DataModel } from '../../src/sources/prisma/datamodel.ts';
import { countingAdapter } from '../../src/sources/prisma/countingAdapter.ts';
import { createSqlReads, sqlReadsOf, type SqlReads } from '../../src/sources/prisma/sqlReads.ts';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/databases.ts';
import { answersAsPrismaDoes, expectToManyWithinThePage, tableModel } from './sqlReadsCases.ts';

const postgres = (await testProviders()).includes('postgres');

describe.runIf(postgres)('SQL reads on postgres', () => {
  let t: TestDatabase;
  let reads: SqlReads;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    reads = sqlReadsOf(t.db)!;
  });
  afterAll(() => t?.drop());

  // A read path of its own over the test database (a data model, a form),
  // recording each statement's text.
  function ownReads(datamodel: DataModel, options: { plainRows?: boolean } = {}) {
    const statements: string[] = [];
    const factory = countingAdapter(new PrismaPg({ connectionString: t.url, max: 1 }), {
      onStatement: (sql) => statements.push(sql),
    });
    const reads = createSqlReads(datamodel, {
      schema: 'public',
      statementNames: new Map(),
      adapter: () => factory.connect(),
      ...options,
    });
    return { reads, statements, close: () => factory.release() };
  }

  answersAsPrismaDoes(() => ({ t, reads }));

  it('sends keys as one array parameter', async () => {
    t.statements.length = 0;
    await reads.findByKeys('Author', 'id', [1, 2], {});
    expect(t.statements[0]).toMatch(/"id" = ANY\(\$1\)/);
  });

  // The shared case reads them with JSON rows (the gateway's path); here the same with plain ones.
  it("reads each parent's page of a to-many relation, and theirs, within the page, as plain rows", async () => {
    const { reads: own, statements, close } = ownReads(loadDataModel(), { plainRows: true });
    try {
      await expectToManyWithinThePage(t, own, statements);
    } finally {
      await close();
    }
  });

  // The example models have no BigInt, Float or Boolean, nor native date and
  // time types: a table of its own, read through a data model written here.
  let typedTable: Promise<void> | undefined;
  const createTypedTable = async () => {
    await t.db.$executeRawUnsafe(`CREATE TABLE "Typed" (
      "id" int PRIMARY KEY, "big" bigint, "ratio" double precision, "flag" boolean, "label" text,
      "at" timestamp(3), "atZone" timestamptz(3), "day" date, "clock" time(3), "mapped_column" int)`);
    await t.db.$executeRawUnsafe(`INSERT INTO "Typed" VALUES
      (1, 9007199254740993, 'NaN', true, 'it''s "quoted" \\ ünïcødé 🚀', '1969-07-20 20:17:40.123', '2024-02-29 23:59:59.999+05', '2000-01-01', '13:14:15.678', 7),
      (2, -9223372036854775808, 'Infinity', false, '', '2038-01-19 03:14:08', '1900-01-01 00:00:00+00', '1970-01-01', '00:00:00', null),
      (3, null, -1.5e-300, null, null, null, null, null, null, null)`);
  };
  const typed = tableModel('Typed', [
    ['big', 'BigInt'],
    ['ratio', 'Float'],
    ['flag', 'Boolean'],
    ['label', 'String'],
    ['at', 'DateTime'],
    ['atZone', 'DateTime'],
    ['day', 'DateTime'],
    ['clock', 'DateTime'],
    ['mapped', 'Int', 'mapped_column'],
  ]);

  // Reads through a DataModel of its own over the test database, recording each statement's text.
  async function typedReads(options: { plainRows?: boolean } = {}) {
    await (typedTable ??= createTypedTable());
    return ownReads(typed, options);
  }

  it.each<[string, { plainRows?: boolean }]>([
    ['JSON', {}],
    ['plain rows', { plainRows: true }],
  ])(
    'returns every column type as Prisma would, as %s: BigInt past 2^53, Float specials, dates and times of each native type',
    async (_form, options) => {
      const { reads: typed, statements, close } = await typedReads(options);
      try {
        const rows = await typed.findPage('Typed', { orderBy: [{ id: 'asc' }], take: 10 })!;
        expect(rows).toEqual([
          {
            id: 1,
            big: 9007199254740993n,
            ratio: NaN,
            flag: true,
            label: 'it\'s "quoted" \\ ünïcødé 🚀',
            at: new Date('1969-07-20T20:17:40.123Z'),
            atZone: new Date('2024-02-29T18:59:59.999Z'),
            day: new Date('2000-01-01T00:00:00Z'),
            clock: new Date('1970-01-01T13:14:15.678Z'),
            mapped: 7,
          },
          {
            id: 2,
            big: -9223372036854775808n,
            ratio: Infinity,
            flag: false,
            label: '',
            at: new Date('2038-01-19T03:14:08Z'),
            atZone: new Date('1900-01-01T00:00:00Z'),
            day: new Date('1970-01-01T00:00:00Z'),
            clock: new Date('1970-01-01T00:00:00Z'),
            mapped: null,
          },
          {
            id: 3,
            big: null,
            ratio: -1.5e-300,
            flag: null,
            label: null,
            at: null,
            atZone: null,
            day: null,
            clock: null,
            mapped: null,
          },
        ]);
        // Keys and filters of those types go out as parameters and come back equal.
        const byBig = await typed.findByKeys('Typed', 'big', [9007199254740993n], { columns: ['id', 'big'] })!;
        expect(byBig).toEqual([{ id: 1, big: 9007199254740993n }]);
        const before = await typed.findPage('Typed', {
          where: { at: { lt: new Date('1970-01-01T00:00:00Z') } },
          orderBy: [{ id: 'asc' }],
          take: 10,
          columns: ['id'],
        })!;
        expect(before).toEqual([{ id: 1 }]);
        expect(await typed.findPage('Typed', { where: { id: { in: [] } }, orderBy: [], take: 10 })!).toEqual([]);
        expect(statements.every((sql) => sql.includes('json_agg') === !options.plainRows)).toBe(true);
      } finally {
        await close();
      }
    },
  );

  it('reads a shape as plain rows once its rows prove long, with the same answer', async () => {
    const { reads: typed, statements, close } = await typedReads();
    try {
      await t.db.$executeRawUnsafe(`INSERT INTO "Typed" ("id", "label") VALUES (100, repeat('x', 1000))`);
      const read = () => typed.findByKeys('Typed', 'id', [100], { columns: ['id', 'label'] })!;
      const answers = [];
      for (let i = 0; i < 10; i++) answers.push(await read());
      expect(statements.map((sql) => sql.includes('json_agg'))).toEqual([...Array(8).fill(true), false, false]);
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      expect(answers[9]).toEqual([{ id: 100, label: 'x'.repeat(1000) }]);
      // Short rows of another shape stay JSON.
      for (let i = 0; i < 10; i++) await typed.findByKeys('Typed', 'id', [1, 2], { columns: ['id', 'flag'] });
      expect(statements.slice(10).every((sql) => sql.includes('json_agg'))).toBe(true);
    } finally {
      await t.db.$executeRawUnsafe(`DELETE FROM "Typed" WHERE "id" = 100`);
      await close();
    }
  });

  it('reads rows wider than json_build_array takes (100 values) as plain rows', async () => {
    const wide = tableModel(
      'Wide',
      Array.from({ length: 100 }, (_, i) => [`v${i + 1}`, 'Int']),
    );
    const columns = Array.from({ length: 100 }, (_, i) => `"v${i + 1}" int`).join(', ');
    await t.db.$executeRawUnsafe(`CREATE TABLE "Wide" ("id" int PRIMARY KEY, ${columns})`);
    await t.db.$executeRawUnsafe(`INSERT INTO "Wide" ("id", "v100") VALUES (1, 42)`);
    const { reads, close } = ownReads(wide);
    try {
      const [row] = (await reads.findPage('Wide', { orderBy: [], take: 1 }))!;
      expect(Object.keys(row!)).toHaveLength(101);
      expect(row).toMatchObject({ id: 1, v1: null, v100: 42 });
    } finally {
      await close();
    }
  });
});
