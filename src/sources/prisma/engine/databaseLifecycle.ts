// Existence checks, creation and removal of the database a URL names: what the
// native engine's `cli can-connect-to-database | create-database | drop-database`
// did, and what the gateway needs before applying migrations on first start.
// Failures are EngineErrors with the codes the Prisma CLI branches on (it creates
// the database only on P1003).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';

import Database from 'better-sqlite3';
import pg from 'pg';

import { EngineError } from './EngineError.ts';
import { parseDatabaseUrl, type DatabaseTarget } from './parseDatabaseUrl.ts';

/** Resolves when the database exists and answers; rejects with P1003 when it does not exist. */
export async function canConnectToDatabase(url: string, baseDir?: string): Promise<void> {
  const target = parseDatabaseUrl(url, baseDir);
  if (target.provider === 'sqlite') {
    if (target.file !== ':memory:' && !existsSync(target.file)) {
      throw new EngineError('P1003', `Database ${basename(target.file)} does not exist at ${target.file}`);
    }
    new Database(target.file, { fileMustExist: true }).close();
    return;
  }
  await withClient(target, target.url, async () => undefined);
}

/** Creates the database (and, for SQLite, its folder). Returns its name. */
export async function createDatabase(url: string, baseDir?: string): Promise<string> {
  const target = parseDatabaseUrl(url, baseDir);
  if (target.provider === 'sqlite') {
    mkdirSync(dirname(target.file), { recursive: true });
    new Database(target.file).close();
    return basename(target.file);
  }
  await withClient(target, target.maintenanceUrl, (client) =>
    client.query(`CREATE DATABASE ${quoteIdent(target.database)}`),
  );
  return target.database;
}

/** Drops the database; a database that is already gone is not an error. */
export async function dropDatabase(url: string, baseDir?: string): Promise<void> {
  const target = parseDatabaseUrl(url, baseDir);
  if (target.provider === 'sqlite') {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(target.file + suffix, { force: true });
    return;
  }
  await withClient(target, target.maintenanceUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdent(target.database)} WITH (FORCE)`),
  );
}

/** Creates the database unless it exists. True when it was created. */
export async function ensureDatabase(url: string, baseDir?: string): Promise<boolean> {
  try {
    await canConnectToDatabase(url, baseDir);
    return false;
  } catch (error) {
    if (!(error instanceof EngineError) || error.code !== 'P1003') throw error;
  }
  await createDatabase(url, baseDir);
  return true;
}

/** Opens one pg connection to `url`, mapping connection failures to Prisma codes. */
async function withClient<T>(
  target: Extract<DatabaseTarget, { provider: 'postgres' }>,
  url: string,
  run: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw postgresConnectError(error, target, url);
  }
  try {
    return await run(client);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === '42P04')
      throw new EngineError(
        'P1009',
        `Database \`${target.database}\` already exists on the database server at \`${target.location}\``,
      );
    throw new EngineError(undefined, e.message ?? String(error));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The Prisma error for a failed pg connect (codes as the native engine used them). */
function postgresConnectError(
  error: unknown,
  target: Extract<DatabaseTarget, { provider: 'postgres' }>,
  url: string,
): EngineError {
  const e = error as { code?: string; message?: string };
  const database = decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
  switch (e.code) {
    case '3D000':
      return new EngineError(
        'P1003',
        `Database \`${database}\` does not exist on the database server at \`${target.location}\`.`,
      );
    case '28P01':
    case '28000':
      return new EngineError(
        'P1000',
        `Authentication failed against database server at \`${target.location}\`: ${e.message}`,
      );
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return new EngineError(
        'P1001',
        `Can't reach database server at \`${target.location}\`\n\nPlease make sure your database server is running at \`${target.location}\`.`,
      );
    default:
      return new EngineError(undefined, e.message ?? String(error));
  }
}

/** Double-quotes a PostgreSQL identifier. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
