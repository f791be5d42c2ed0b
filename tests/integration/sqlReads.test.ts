// The SQL read path on Postgres answers exactly what Prisma answers for the
// same arguments, in one statement, and declines (undefined) what it cannot
// express, so the caller falls back to Prisma.
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delegate, type OrderBy, type Where } from '../../src/sources/prisma/batch.ts';
import { loadDataModel, type DataModel, type ModelField } from '../../src/sources/prisma/datamodel.ts';
import { countingAdapter } from '../../src/sources/prisma/countingAdapter.ts';
import { createSqlReads, sqlReadsOf, type SqlReads } from '../../src/sources/prisma/sqlReads.ts';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/databases.ts';

const postgres = (await testProviders()).includes('postgres');

describe.runIf(postgres)('SQL reads on postgres', () => {
  let t: TestDatabase;
  let reads: SqlReads;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    reads = sqlReadsOf(t.db)!;
  });
  afterAll(() => t?.drop());

  const byPublished: OrderBy = [{ publishedAt: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }];

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

  it('reads rows by keys as Prisma does, nullable DateTime columns included', async () => {
    const keys = [3, 1, 2];
    t.statements.length = 0;
    const rows = await reads.findByKeys('Author', 'id', keys, {})!;
    expect(t.statements).toHaveLength(1);
    const expected = await delegate(t.db, 'Author').findMany({ where: { id: { in: keys } } });
    const sort = (rs: Record<string, unknown>[]) => [...rs].sort((a, b) => Number(a.id) - Number(b.id));
    expect(sort(rows)).toEqual(sort(expected));
    expect(rows.some((r) => r.born instanceof Date)).toBe(true);
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

  it('reads a page with the filters the gateway builds (cursor bounds, in, ranges, nulls, NOT)', async () => {
    const filters: Where[] = [
      { OR: [{ publishedAt: { lt: new Date('2024-01-01T00:00:00Z') } }, { publishedAt: null }] },
      { AND: [{ pages: { gte: 200, lt: 400 } }, { id: { in: [2, 3, 5, 7, 11, 13] } }] },
      { NOT: { pages: { gt: 300 } }, publishedAt: { not: null } },
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

  it('reads a page with its to-one relations in one statement, reporting each related row', async () => {
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

  it.each<[string, { plainRows?: boolean }]>([
    ['JSON', {}],
    ['plain rows', { plainRows: true }],
  ])("reads each parent's page of a to-many relation, and theirs, within the page, as %s", async (_form, options) => {
    const { reads: own, statements, close } = ownReads(loadDataModel(), options);
    const books = new Map<unknown, unknown>();
    const reviews = new Map<unknown, unknown>();
    try {
      const authors = await own.findPage('Author', {
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
    } finally {
      await close();
    }
  });

  it('declines what it cannot express, so Prisma answers it', () => {
    expect(reads.findPage('Book', { where: { title: { contains: 'a' } }, orderBy: [], take: 1 })).toBeUndefined();
    expect(reads.findPage('Book', { where: { author: { is: { name: 'x' } } }, orderBy: [], take: 1 })).toBeUndefined();
    expect(reads.findPage('Book', { where: { pages: { not: 3 } }, orderBy: [], take: 1 })).toBeUndefined();
    expect(reads.findByKeys('Nope', 'id', [1], {})).toBeUndefined();
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
  const field = (name: string, type: string, dbName?: string): ModelField => ({
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
          field('atZone', 'DateTime'),
          field('day', 'DateTime'),
          field('clock', 'DateTime'),
          field('mapped', 'Int', 'mapped_column'),
        ],
      },
    ],
  };

  // Reads through a DataModel of its own over the test database, recording each statement's text.
  async function typedReads(options: { plainRows?: boolean } = {}) {
    await (typedTable ??= createTypedTable());
    return ownReads(typedModel, options);
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
    const wide: DataModel = {
      enums: [],
      models: [
        {
          name: 'Wide',
          idField: 'id',
          uniqueFields: [],
          fields: Array.from({ length: 101 }, (_, i) => field(i === 0 ? 'id' : `v${i}`, 'Int')),
        },
      ],
    };
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
