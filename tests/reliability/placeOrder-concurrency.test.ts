// Concurrent placeOrder calls never oversell and never lose an order, on both
// databases; transactions the database aborts over a conflict are run again.
// A deliberately naive read-then-write order (defined here, not in src) shows
// that the invariant check catches overselling.
import { bearer } from '../helpers/tokens.ts';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteFilePath, type Db } from '../../src/sources/prisma/client.ts';
import { isTransactionConflict, retryOnConflict } from '../../src/sources/prisma/retryOnConflict.ts';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/databases.ts';
import { createTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { freshSqliteUrl, postGraphQL, startServer, type ServerProcess } from '../helpers/serverProcess.ts';
import { stockViolations } from './support.ts';

const placeOrder = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      id
    }
  }
`;

// Two books per order: the cheap-to-serve one (lower id, decremented first) and
// the scarce one, so that every refused order must also roll back its first line.
const plenty = { id: 70, stock: 100 };
const scarce = { id: 71, stock: 8 };
const buyers = 40;
const lines = [
  { bookId: String(plenty.id), quantity: 1 },
  { bookId: String(scarce.id), quantity: 1 },
];
const initialStock = () =>
  new Map([
    [plenty.id, plenty.stock],
    [scarce.id, scarce.stock],
  ]);

async function resetStock(db: Db) {
  await db.orderLine.deleteMany({});
  await db.order.deleteMany({});
  await db.book.update({ where: { id: plenty.id }, data: { stockQuantity: plenty.stock } });
  await db.book.update({ where: { id: scarce.id }, data: { stockQuantity: scarce.stock } });
}

// The naive order: check stock, then write the stock it computed. Two buyers
// reading the same stock both succeed: this is what the invariant must catch.
async function naivePlaceOrder(db: Db, customerId: number) {
  const ids = lines.map((l) => Number(l.bookId));
  const books = await db.book.findMany({ where: { id: { in: ids } } });
  if (books.some((b) => b.stockQuantity < 1)) throw new Error('out of stock');
  return db.$transaction(async (tx) => {
    for (const book of books)
      await tx.book.update({ where: { id: book.id }, data: { stockQuantity: book.stockQuantity - 1 } });
    return tx.order.create({
      data: {
        customerId,
        totalCents: books.reduce((sum, b) => sum + b.priceCents, 0),
        lines: { create: books.map((b) => ({ bookId: b.id, quantity: 1, unitPriceCents: b.priceCents })) },
      },
    });
  });
}

describe.each(await testProviders())('concurrent orders on %s', (provider) => {
  let database: TestDatabase;
  let gateway: TestGateway;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    gateway = await createTestGateway(database);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it(`sells exactly ${scarce.stock} of ${buyers} two-line orders and rolls back every refused line`, async () => {
    await resetStock(database.db);
    const results = await Promise.all(
      Array.from({ length: buyers }, (_, i) =>
        gateway.query(placeOrder, { input: { customerId: String((i % 12) + 1), lines } }),
      ),
    );

    const placed = results.filter((r) => r.data?.placeOrder);
    const codes = results.flatMap((r) => r.errors?.map((e) => e.extensions?.code) ?? []);
    expect(placed).toHaveLength(scarce.stock);
    expect(codes).toEqual(Array(buyers - scarce.stock).fill('OUT_OF_STOCK'));
    const stock = await database.db.book.findMany({
      where: { id: { in: [plenty.id, scarce.id] } },
      orderBy: { id: 'asc' },
    });
    expect(stock.map((b) => b.stockQuantity)).toEqual([plenty.stock - scarce.stock, 0]);
    const orders = await database.db.order.findMany({ include: { lines: true } });
    expect(orders.map((o) => String(o.id)).sort()).toEqual(placed.map((r) => r.data!.placeOrder.id).sort());
    expect(orders.every((o) => o.lines.length === 2)).toBe(true);
    expect(await stockViolations(database.db, initialStock())).toEqual([]);
  });

  it('negative control: the same load through a naive read-then-write order oversells, and the check says so', async () => {
    await resetStock(database.db);
    const results = await Promise.allSettled(
      Array.from({ length: buyers }, (_, i) => naivePlaceOrder(database.db, (i % 12) + 1)),
    );

    const placed = results.filter((r) => r.status === 'fulfilled').length;
    expect(placed).toBeGreaterThan(scarce.stock);
    const violations = await stockViolations(database.db, initialStock());
    expect(violations).toContainEqual(
      expect.stringMatching(new RegExp(`^book ${scarce.id}: .* \\(oversold or lost\\)$`)),
    );
  });

  it('retries a transaction the database aborted over a real write conflict, then succeeds', async () => {
    const conflicts: unknown[] = [];
    const bookId = 72;
    const before = (await database.db.book.findUniqueOrThrow({ where: { id: bookId } })).stockQuantity;
    // Another writer changes the row between this transaction's read and its write, on attempt 1 only.
    const interfere = await concurrentWriter(provider, database.url, bookId);
    try {
      const result = await retryOnConflict(
        (attempt) =>
          database.db.$transaction(
            async (tx) => {
              const book = await tx.book.findUniqueOrThrow({ where: { id: bookId } });
              if (attempt === 1) await interfere.write();
              await tx.book.update({ where: { id: bookId }, data: { stockQuantity: book.stockQuantity + 10 } });
              return attempt;
            },
            provider === 'postgres' ? { isolationLevel: 'Serializable' } : undefined,
          ),
        { onRetry: (error) => conflicts.push(error) },
      );
      expect(result).toBe(2);
    } finally {
      await interfere.close();
    }
    expect(conflicts).toHaveLength(1);
    expect(isTransactionConflict(conflicts[0])).toBe(true);
    // Both writes count: the other writer's +1 and this transaction's +10, read after it.
    expect((await database.db.book.findUniqueOrThrow({ where: { id: bookId } })).stockQuantity).toBe(before + 11);
  });

  it('gives up after the last attempt and rethrows the conflict; other errors are not retried', async () => {
    let calls = 0;
    const conflict = Object.assign(new Error('conflict'), { code: 'P2034' });
    await expect(
      retryOnConflict(
        async () => {
          calls++;
          throw conflict;
        },
        { attempts: 3, baseDelayMs: 1 },
      ),
    ).rejects.toBe(conflict);
    expect(calls).toBe(3);
    calls = 0;
    const other = Object.assign(new Error('unique'), { code: 'P2002' });
    await expect(
      retryOnConflict(async () => {
        calls++;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
  });
});

/** A second connection (outside Prisma) that adds 1 to a book's stock, committed at once. */
async function concurrentWriter(provider: string, url: string, bookId: number) {
  if (provider === 'sqlite') {
    const sqlite = new Database(sqliteFilePath(url));
    return {
      write: async () =>
        void sqlite.prepare('UPDATE "Book" SET "stockQuantity" = "stockQuantity" + 1 WHERE id = ?').run(bookId),
      close: async () => sqlite.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    write: async () =>
      void (await client.query('UPDATE "Book" SET "stockQuantity" = "stockQuantity" + 1 WHERE id = $1', [bookId])),
    close: () => client.end(),
  };
}

describe('concurrent orders from two server processes on one SQLite file', () => {
  const servers: ServerProcess[] = [];
  afterAll(() => servers.forEach((s) => s.kill()));

  it(`sells exactly ${scarce.stock} copies across both processes, retrying SQLITE_BUSY conflicts`, async () => {
    const { url, file } = freshSqliteUrl();
    servers.push(await startServer({ env: { DATABASE_URL: url } }));
    servers.push(await startServer({ env: { DATABASE_URL: url, MIGRATE_ON_START: 'false', SEED_ON_START: 'false' } }));
    const sqlite = new Database(file);
    sqlite.prepare('UPDATE "Book" SET "stockQuantity" = ? WHERE id = ?').run(plenty.stock, plenty.id);
    sqlite.prepare('UPDATE "Book" SET "stockQuantity" = ? WHERE id = ?').run(scarce.stock, scarce.id);
    const ordersBefore = (sqlite.prepare('SELECT count(*) AS n FROM "Order"').get() as { n: number }).n;

    // Each buyer is a signed-in customer ordering for themselves.
    const results = await Promise.all(
      Array.from({ length: buyers }, async (_, i) => {
        const customerId = String((i % 12) + 1);
        return postGraphQL(
          servers[i % 2]!.url,
          placeOrder,
          { input: { customerId, lines } },
          await bearer({ sub: customerId }),
        );
      }),
    );

    const placed = results.filter((r) => r.body.data?.placeOrder);
    const codes = results.flatMap(
      (r) => r.body.errors?.map((e: { extensions: { code: string } }) => e.extensions.code) ?? [],
    );
    expect(codes.filter((c) => c !== 'OUT_OF_STOCK')).toEqual([]);
    expect(placed).toHaveLength(scarce.stock);
    const stock = sqlite
      .prepare('SELECT "stockQuantity" AS s FROM "Book" WHERE id IN (?, ?) ORDER BY id')
      .all(plenty.id, scarce.id);
    expect(stock).toEqual([{ s: plenty.stock - scarce.stock }, { s: 0 }]);
    const orders = (sqlite.prepare('SELECT count(*) AS n FROM "Order"').get() as { n: number }).n;
    expect(orders - ordersBefore).toBe(scarce.stock);
    sqlite.close();
  });
});
