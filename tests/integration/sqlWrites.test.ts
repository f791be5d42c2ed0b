// The SQL write path (sqlWrites.ts) writes what Prisma's client writes for
// the same arguments, in the one statement Prisma sends, with the same
// defaults filled in; its failures map to the same client errors; and it
// declines (undefined) what it cannot write as Prisma would, so the caller
// asks Prisma. Both providers, on real databases.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors/GatewayError.ts';
import { fromPrismaError } from '../../src/errors/prismaErrors.ts';
import { delegate, type Row } from '../../src/sources/prisma/batch.ts';
import { countingAdapter } from '../../src/sources/prisma/countingAdapter.ts';
import type { DataModel } from '../../src/sources/prisma/datamodel.ts';
import { createSqlWrites, RowNotFound, sqlWritesOf, type SqlWrites } from '../../src/sources/prisma/sqlWrites.ts';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/databases.ts';
import { tableModel } from './sqlReadsCases.ts';

// The error a client would see for `error` from a write of `model`.
function clientError(error: unknown, model: string): { code: unknown; message: string } {
  const mapped = fromPrismaError(error, model);
  expect(mapped).toBeInstanceOf(GatewayError);
  const { extensions, message } = mapped as GatewayError;
  return { code: extensions.code, message };
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the write should have failed'),
    (error: unknown) => error,
  );

// Every column but those that differ between two rows written alike.
const without = (row: Row, ...names: string[]) =>
  Object.fromEntries(Object.entries(row).filter(([name]) => !names.includes(name)));

describe.each(await testProviders())('SQL writes on %s', (provider) => {
  let t: TestDatabase;
  let writes: SqlWrites;
  let authorId: number;
  beforeAll(async () => {
    t = await createTestDatabase(provider, { seed: false });
    writes = sqlWritesOf(t.db)!;
    authorId = (await delegate(t.db, 'Author').create({ data: { name: 'Ursula' } })).id as number;
  });
  afterAll(() => t?.drop());

  const book = (isbn: string): Row => ({ isbn, title: 'The Dispossessed', priceCents: 1299, authorId });

  it('creates a row as Prisma does, in one INSERT … RETURNING, with the defaults Prisma fills in', async () => {
    t.statements.length = 0;
    const before = Date.now();
    const viaSql = await writes.create('Book', book('sql-1'))!;
    expect(t.statements).toHaveLength(1);
    expect(t.statements[0]).toMatch(/^INSERT INTO .*"Book".* RETURNING .*"c0"/);
    const viaPrisma = await delegate(t.db, 'Book').create({ data: book('prisma-1') });
    expect(without(viaSql, 'id', 'isbn', 'createdAt')).toEqual(without(viaPrisma, 'id', 'isbn', 'createdAt'));
    expect(viaSql).toMatchObject({ stockQuantity: 0, pages: null, publishedAt: null });
    expect(viaSql.createdAt).toBeInstanceOf(Date);
    expect((viaSql.createdAt as Date).getTime()).toBeGreaterThanOrEqual(before - 1);
    expect((viaSql.createdAt as Date).getTime()).toBeLessThanOrEqual(Date.now() + 1);
    // The row reads back the same through Prisma, so what was stored is what Prisma would have stored.
    expect(await t.db.book.findUnique({ where: { id: viaSql.id as number } })).toEqual(viaSql);
    if (provider === 'sqlite') {
      // SQLite keeps whatever it is given: both paths store the time as the same kind of text.
      const stored = await t.db.$queryRawUnsafe<{ kind: string; text: string }[]>(
        'SELECT typeof("createdAt") AS kind, CAST("createdAt" AS TEXT) AS text FROM "Book" WHERE "id" IN (?, ?) ORDER BY "id"',
        viaSql.id,
        viaPrisma.id,
      );
      expect(stored.map((s) => s.kind)).toEqual(['text', 'text']);
      for (const { text } of stored) expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    }
  });

  it('writes an enum default and an enum value', async () => {
    const customerId = (await delegate(t.db, 'Customer').create({ data: { email: 'a@example.com', name: 'A' } }))
      .id as number;
    const placed = await writes.create('Order', { totalCents: 100, customerId })!;
    expect(placed).toMatchObject({ status: 'PLACED', totalCents: 100, customerId });
    const shipped = await writes.update('Order', { id: placed.id }, { status: 'SHIPPED' })!;
    expect(shipped).toEqual({ ...placed, status: 'SHIPPED' });
  });

  it('updates the row a unique key names, within the restriction beside it, as Prisma does', async () => {
    const a = await writes.create('Book', book('update-a'))!;
    const b = await writes.create('Book', book('update-b'))!;
    t.statements.length = 0;
    const restricted = { id: a.id, AND: [{ authorId }] };
    const viaSql = await writes.update('Book', restricted, { title: 'Changed', pages: 387 })!;
    expect(t.statements).toHaveLength(1);
    expect(t.statements[0]).toMatch(/^UPDATE .*"Book" SET .* WHERE .* RETURNING /);
    const viaPrisma = await delegate(t.db, 'Book').update({
      where: { id: b.id, AND: [{ authorId }] },
      data: { title: 'Changed', pages: 387 },
    });
    expect(viaSql).toEqual({ ...a, title: 'Changed', pages: 387 });
    expect(without(viaSql, 'id', 'isbn', 'createdAt')).toEqual(without(viaPrisma, 'id', 'isbn', 'createdAt'));
    // By the other unique key, and with null.
    expect(await writes.update('Book', { isbn: 'update-a' }, { pages: null })!).toMatchObject({
      id: a.id,
      pages: null,
    });
  });

  it('finds no row outside the restriction, or no row at all, and says so as Prisma does', async () => {
    const a = await writes.create('Book', book('missing-a'))!;
    const elsewhere = { id: a.id, AND: [{ authorId: authorId + 1000 }] };
    const cases: [string, () => Promise<unknown> | undefined, () => Promise<unknown>][] = [
      [
        'update, restricted',
        () => writes.update('Book', elsewhere, { title: 'x' }),
        () => delegate(t.db, 'Book').update({ where: elsewhere, data: { title: 'x' } }),
      ],
      [
        'update, no such id',
        () => writes.update('Book', { id: 987654 }, { title: 'x' }),
        () => delegate(t.db, 'Book').update({ where: { id: 987654 }, data: { title: 'x' } }),
      ],
      [
        'delete, restricted',
        () => writes.delete('Book', elsewhere),
        () => delegate(t.db, 'Book').delete({ where: elsewhere }),
      ],
    ];
    for (const [, viaSql, viaPrisma] of cases) {
      const sqlError = await rejection(viaSql()!);
      expect(sqlError).toBeInstanceOf(RowNotFound);
      expect(clientError(sqlError, 'Book')).toEqual(clientError(await rejection(viaPrisma()), 'Book'));
      expect(clientError(sqlError, 'Book').code).toBe('NOT_FOUND');
    }
    // Nothing was changed.
    expect(await t.db.book.findUnique({ where: { id: a.id as number } })).toEqual(a);
  });

  it('deletes the row and returns it; a second delete finds nothing', async () => {
    const a = await writes.create('Book', book('delete-a'))!;
    t.statements.length = 0;
    expect(await writes.delete('Book', { id: a.id, AND: [{ authorId }] })!).toEqual(a);
    expect(t.statements).toHaveLength(1);
    expect(t.statements[0]).toMatch(/^DELETE FROM .*"Book" WHERE .* RETURNING /);
    expect(await t.db.book.findUnique({ where: { id: a.id as number } })).toBeNull();
    expect(await rejection(writes.delete('Book', { id: a.id })!)).toBeInstanceOf(RowNotFound);
  });

  it("maps a duplicate key and a dangling reference to Prisma's client errors", async () => {
    await writes.create('Book', book('duplicate'))!;
    const duplicate = await rejection(writes.create('Book', book('duplicate'))!);
    const prismaDuplicate = await rejection(delegate(t.db, 'Book').create({ data: book('duplicate') }));
    expect(clientError(duplicate, 'Book')).toEqual(clientError(prismaDuplicate, 'Book'));
    expect(clientError(duplicate, 'Book').code).toBe('CONFLICT');

    const dangling = { ...book('dangling'), authorId: 999999 };
    const noAuthor = await rejection(writes.create('Book', dangling)!);
    const prismaNoAuthor = await rejection(delegate(t.db, 'Book').create({ data: dangling }));
    expect(clientError(noAuthor, 'Book')).toEqual(clientError(prismaNoAuthor, 'Book'));
    expect(clientError(noAuthor, 'Book').message).toMatch(/refers to a row that does not exist/);
  });

  it('declines what it cannot write as Prisma would, so the caller asks Prisma', async () => {
    const a = await writes.create('Book', book('declined'))!;
    t.statements.length = 0;
    expect(writes.update('Book', { id: a.id }, {})).toBeUndefined(); // sets nothing
    expect(writes.update('Book', { title: 'The Dispossessed' }, { pages: 1 })).toBeUndefined(); // no unique key
    expect(writes.update('Book', { id: null }, { pages: 1 })).toBeUndefined();
    expect(writes.delete('Book', { id: a.id, author: { name: 'Ursula' } })).toBeUndefined(); // relation filter
    expect(writes.delete('Book', { id: a.id, title: { contains: 'x' } })).toBeUndefined(); // operator it lacks
    expect(writes.create('Book', { ...book('nested'), author: { connect: { id: authorId } } })).toBeUndefined();
    expect(writes.create('NoSuchModel', {})).toBeUndefined();
    expect(t.statements).toEqual([]);
  });

  // The example models have no @updatedAt, no default Prisma generates and no
  // Json column: a table of their own, written through a data model made here.
  describe('a table with @updatedAt and a uuid() key', () => {
    const stamped: DataModel = (() => {
      const dm = tableModel('Stamped', [
        ['label', 'String'],
        ['createdAt', 'DateTime'],
        ['updatedAt', 'DateTime'],
      ]);
      const [id, , createdAt, updatedAt] = dm.models[0]!.fields as unknown as [Row, Row, Row, Row];
      Object.assign(id, { type: 'String', default: { name: 'uuid', args: [4] } });
      Object.assign(createdAt, { default: { name: 'now', args: [] } });
      Object.assign(updatedAt, { isUpdatedAt: true });
      dm.models[0]!.uniqueFields = ['id'];
      return dm;
    })();

    let own: SqlWrites;
    beforeAll(async () => {
      const time = provider === 'sqlite' ? 'DATETIME' : 'timestamp(3)';
      await t.db.$executeRawUnsafe(
        `CREATE TABLE "Stamped" ("id" TEXT PRIMARY KEY, "label" TEXT, "createdAt" ${time} NOT NULL, "updatedAt" ${time} NOT NULL)`,
      );
      const factory = countingAdapter(
        provider === 'sqlite'
          ? new PrismaBetterSqlite3({ url: t.url })
          : new PrismaPg({ connectionString: t.url, max: 1 }),
      );
      own = createSqlWrites(stamped, {
        schema: provider === 'sqlite' ? 'main' : 'public',
        dialect: provider,
        statementNames: provider === 'postgres' ? new Map() : undefined,
        adapter: () => factory.connect(),
      });
      return () => factory.release();
    });

    it('sets @updatedAt and now() on create, and @updatedAt again on every update', async () => {
      const created = await own.create('Stamped', { id: 'given', label: 'first' })!;
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(created.updatedAt).toBeInstanceOf(Date);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const updated = await own.update('Stamped', { id: 'given' }, { label: 'second' })!;
      expect(updated.createdAt).toEqual(created.createdAt);
      expect((updated.updatedAt as Date).getTime()).toBeGreaterThan((created.updatedAt as Date).getTime());
      // A value given for @updatedAt is kept.
      const at = new Date('2001-02-03T04:05:06.789Z');
      expect((await own.update('Stamped', { id: 'given' }, { updatedAt: at })!).updatedAt).toEqual(at);
    });

    it('declines a create that leaves Prisma to generate the key, and a model with a Json column', () => {
      expect(own.create('Stamped', { label: 'no id' })).toBeUndefined();
      const withJson = tableModel('Stamped', [['label', 'Json']]);
      withJson.models[0]!.uniqueFields = ['id'];
      const json = createSqlWrites(withJson, {
        schema: 'main',
        dialect: provider,
        adapter: () => expect.unreachable(),
      });
      expect(json.create('Stamped', { id: 1 })).toBeUndefined();
      expect(json.update('Stamped', { id: 1 }, { label: 'x' })).toBeUndefined();
    });
  });
});
