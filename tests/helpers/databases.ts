// Real databases for tests: a fresh SQLite file, or a fresh Postgres database
// on the machine's server, each migrated with the project's own migrations.
// Postgres tests run whenever CI=true (and fail if Postgres is down); outside
// CI they are skipped with a printed reason when Postgres is unreachable.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDb, type Db, type DbOptions } from '../../src/sources/prisma/client.ts';
import { applyMigrations } from '../../src/sources/prisma/engine/applyMigrations.ts';
import { dropDatabase } from '../../src/sources/prisma/engine/databaseLifecycle.ts';
import { demoSizes, seedDemoData, type SeedSizes } from '../../src/sources/prisma/seedDemoData.ts';

export type Provider = 'sqlite' | 'postgres';

export const postgresServerUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

let postgresCheck: Promise<string | undefined> | undefined;

/** Why Postgres cannot be used, or undefined when it can. */
function postgresUnavailable(): Promise<string | undefined> {
  postgresCheck ??= (async () => {
    const client = new pg.Client({ connectionString: postgresServerUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (error) {
      return `Postgres at ${postgresServerUrl} is unreachable (${(error as Error).message})`;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return postgresCheck;
}

/** The providers to test: both, or SQLite alone (outside CI, with a printed reason). */
export async function testProviders(): Promise<Provider[]> {
  const reason = await postgresUnavailable();
  if (!reason) return ['sqlite', 'postgres'];
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must run the Postgres tests`);
  console.warn(`Skipping Postgres tests: ${reason}`);
  return ['sqlite'];
}

export interface TestDatabase {
  provider: Provider;
  url: string;
  db: Db;
  /** Every SQL statement sent through `db`, in order; clear it between assertions. */
  statements: string[];
  /** The parameters of each of `statements`, by index; clear it with them. */
  statementArgs: (readonly unknown[])[];
  drop(): Promise<void>;
}

export async function createTestDatabase(
  provider: Provider,
  options: { seed?: SeedSizes | false; db?: Omit<DbOptions, 'url' | 'onStatement'> } = {},
): Promise<TestDatabase> {
  const url =
    provider === 'sqlite'
      ? `file:${join(mkdtempSync(join(tmpdir(), 'switchyard-test-')), 'test.db')}`
      : postgresServerUrl.replace(/\/[^/?]*(\?|$)/, `/switchyard_test_${randomUUID().slice(0, 8)}$1`);
  await applyMigrations({ url, migrationsDir: `prisma/${provider}/migrations` });
  const statements: string[] = [];
  const statementArgs: (readonly unknown[])[] = [];
  const onStatement = (sql: string, args: readonly unknown[]) => {
    statements.push(sql);
    statementArgs.push(args);
  };
  const db = createDb({ url, poolSize: 4, ...options.db, onStatement });
  // The demo data without its orders: suites create the orders they count.
  if (options.seed !== false) await seedDemoData(db, provider, options.seed || { ...demoSizes, ordersPerCustomer: 0 });
  statements.length = 0;
  statementArgs.length = 0;
  return {
    provider,
    url,
    db,
    statements,
    statementArgs,
    drop: async () => {
      await db.$disconnect();
      await dropDatabase(url);
    },
  };
}
