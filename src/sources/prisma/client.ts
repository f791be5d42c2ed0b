// The Prisma client: one per process, with the driver adapter chosen from the
// database URL. Both generated clients expose the same model API (they come
// from one set of models), so the rest of the gateway uses one type for both.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PostgresClient } from '../../generated/prisma-postgres/client.ts';
import { PrismaClient as SqliteClient } from '../../generated/prisma-sqlite/client.ts';
import { countingAdapter, type SharedAdapterFactory, type StatementListener } from './countingAdapter.ts';
import { loadDataModel } from './datamodel.ts';
import { addLikeEscape } from './likeEscape.ts';
import { withSqlitePragmas } from './sqlitePragmas.ts';
import { withStatementCache } from './sqliteStatementCache.ts';
import { sqliteTransactionGate } from './sqliteTransactionGate.ts';
import { createSqlReads, registerSqlReads, scalarOf } from './sqlReads.ts';
import { createSqlWrites, registerSqlWrites } from './sqlWrites.ts';

export type Db = SqliteClient;

export interface DbOptions {
  url: string;
  poolSize?: number;
  onStatement?: StatementListener;
  // --- reliability (issue 5): transaction limits and the SQLite busy timeout ---
  /** Interactive transactions are rolled back after this long (Prisma's `timeout`). */
  transactionTimeoutMs?: number;
  /** How long a transaction may wait to start (Prisma's `maxWait`). */
  transactionMaxWaitMs?: number;
  /** SQLite: how long a writer waits for another connection's lock. */
  busyTimeoutMs?: number;
}

/** `file:./data/x.db` → an absolute path, resolved against the working directory. */
export function sqliteFilePath(url: string): string {
  const path = url.replace(/^file:/, '').replace(/\?.*$/, '');
  return path === ':memory:' ? path : resolve(path);
}

export function createDb({
  url,
  poolSize = 10,
  onStatement,
  transactionTimeoutMs = 5000,
  transactionMaxWaitMs = 2000,
  busyTimeoutMs = 5000,
}: DbOptions): Db {
  const transactionOptions = { timeout: transactionTimeoutMs, maxWait: transactionMaxWaitMs };
  if (url.startsWith('file:')) {
    const file = sqliteFilePath(url);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    // A busy timeout lets concurrent writers wait for the lock instead of failing at once;
    // WAL and synchronous=FULL (sqlitePragmas.ts); the gate keeps statements out of open transactions;
    // compiled statements are kept per SQL text (sqliteStatementCache.ts).
    const sqlite = new PrismaBetterSqlite3({ url: `file:${file}`, timeout: busyTimeoutMs });
    const adapter = countingAdapter(sqliteTransactionGate(withSqlitePragmas(withStatementCache(sqlite))), {
      onStatement,
      rewrite: addLikeEscape,
    });
    const db = new SqliteClient({ adapter, transactionOptions });
    return withSqlPaths(db, adapter, { schema: 'main', dialect: 'sqlite' });
  }
  // Statements of the SQL read path are prepared once per connection (named);
  // Prisma's own are not (no name).
  const statementNames = new Map<string, string>();
  const schema = new URL(url).searchParams.get('schema') ?? 'public';
  const adapter = countingAdapter(
    new PrismaPg(
      { connectionString: url, max: poolSize },
      { schema, statementNameGenerator: (query) => statementNames.get(query.sql)! },
    ),
    { onStatement },
  );
  const db = new PostgresClient({ adapter, transactionOptions }) as unknown as Db;
  return withSqlPaths(db, adapter, { schema, statementNames, dialect: 'postgres' });
}

// Gives `db` the SQL read and write paths (sqlReads.ts, sqlWrites.ts) over the adapter's shared
// connection: the pool (or SQLite connection) Prisma uses too, connected
// without Prisma's query compiler (countingAdapter.ts).
function withSqlPaths(
  db: Db,
  adapter: SharedAdapterFactory<SqlDriverAdapterFactory>,
  options: Pick<Parameters<typeof createSqlReads>[1], 'schema' | 'statementNames' | 'dialect'>,
): Db {
  const datamodel = loadDataModel();
  const connect = () => adapter.connect();
  registerSqlReads(db, createSqlReads(datamodel, { ...options, adapter: connect }));
  registerSqlWrites(db, createSqlWrites(datamodel, { ...options, adapter: connect }));
  // $disconnect closes the connection also when only the SQL read path opened it.
  const disconnect = db.$disconnect.bind(db);
  db.$disconnect = async () => {
    await disconnect();
    await adapter.release();
  };
  return db;
}

/** Resolves when the database answers a trivial query; used by /readyz. */
export async function pingDb(db: Db): Promise<void> {
  await scalarOf(db, 'SELECT 1');
}
