// A transaction that outlives TRANSACTION_TIMEOUT_MS is rolled back whole, and
// what a client sees is a clean SERVICE_UNAVAILABLE, never a masked error.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { fromPrismaError } from '../../src/errors/prismaErrors.ts';
import { GatewayError } from '../../src/errors/GatewayError.ts';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/databases.ts';
import { createTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { sleep } from '../helpers/inFlight.ts';

const placeOrder = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      id
    }
  }
`;

it('reads TRANSACTION_TIMEOUT_MS and TRANSACTION_MAX_WAIT_MS, 5000 and 2000 by default', () => {
  expect(loadConfig({}).transaction).toEqual({ timeoutMs: 5000, maxWaitMs: 2000 });
  expect(loadConfig({ TRANSACTION_TIMEOUT_MS: '750', TRANSACTION_MAX_WAIT_MS: '50' }).transaction).toEqual({
    timeoutMs: 750,
    maxWaitMs: 50,
  });
  expect(() => loadConfig({ TRANSACTION_TIMEOUT_MS: '0' })).toThrow(/TRANSACTION_TIMEOUT_MS/);
});

describe.each(await testProviders())('transaction timeout on %s', (provider) => {
  const timeoutMs = 500;
  let database: TestDatabase;
  let gateway: TestGateway;
  beforeAll(async () => {
    database = await createTestDatabase(provider, {
      db: { transactionTimeoutMs: timeoutMs, transactionMaxWaitMs: 300 },
    });
    gateway = await createTestGateway(database);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('rolls back every write of a transaction that sleeps past the timeout, and maps its error to SERVICE_UNAVAILABLE', async () => {
    const authors = await database.db.author.count();
    const error = await database.db
      .$transaction(async (tx) => {
        await tx.author.create({ data: { name: 'Slow One' } });
        await tx.book.update({ where: { id: 3 }, data: { title: 'Renamed by a slow transaction' } });
        await sleep(timeoutMs * 3);
        await tx.author.create({ data: { name: 'Slow Two' } });
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(error).toMatchObject({ name: 'PrismaClientKnownRequestError', code: 'P2028' });
    expect(await database.db.author.count()).toBe(authors);
    expect(await database.db.author.count({ where: { name: { startsWith: 'Slow' } } })).toBe(0);
    expect((await database.db.book.findUniqueOrThrow({ where: { id: 3 } })).title).not.toBe(
      'Renamed by a slow transaction',
    );
    const safe = fromPrismaError(error, 'Author');
    expect(safe).toBeInstanceOf(GatewayError);
    expect(safe).toMatchObject({
      message: 'The database did not complete the operation in time; nothing was changed',
      extensions: { code: 'SERVICE_UNAVAILABLE', model: 'Author' },
    });
    // The database is still usable.
    expect(await database.db.author.create({ data: { name: 'After' } })).toMatchObject({ name: 'After' });
  });

  it('answers a placeOrder that cannot finish in time with SERVICE_UNAVAILABLE, leaving stock and orders as they were', async () => {
    await database.db.book.update({ where: { id: 5 }, data: { stockQuantity: 3 } });
    const orders = await database.db.order.count();
    // Postgres: another connection holds the book's row lock past the timeout.
    // SQLite: another transaction holds the one connection past maxWait.
    const release = provider === 'postgres' ? await lockBookRow(database.url, 5) : holdConnection(database, timeoutMs);

    const pending = gateway.query(placeOrder, { input: { customerId: '1', lines: [{ bookId: '5', quantity: 2 }] } });
    await release();
    const res = await pending;

    expect(res.data).toBeNull();
    expect(res.errors).toEqual([
      {
        message: 'The database did not complete the operation in time; nothing was changed',
        path: ['placeOrder'],
        locations: [{ line: 3, column: 5 }],
        extensions: { code: 'SERVICE_UNAVAILABLE', model: 'Order' },
      },
    ]);
    expect((await database.db.book.findUniqueOrThrow({ where: { id: 5 } })).stockQuantity).toBe(3);
    expect(await database.db.order.count()).toBe(orders);
  });
});

// Locks a Book row from a separate connection; releases it after the transaction timeout has passed.
async function lockBookRow(url: string, bookId: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT 1 FROM "Book" WHERE id = $1 FOR UPDATE', [bookId]);
  const held = sleep(1500);
  return async () => {
    await held;
    await client.query('ROLLBACK');
    await client.end();
  };
}

// Opens a transaction on the test's own client that ends (by timing out) after `ms`.
function holdConnection(database: TestDatabase, ms: number) {
  const held = database.db
    .$transaction(async (tx) => {
      await tx.author.count();
      await sleep(ms * 2);
    })
    .catch(() => undefined);
  return () => held;
}
