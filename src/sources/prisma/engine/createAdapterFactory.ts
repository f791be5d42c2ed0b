// The driver-adapter factory the wasm schema engine runs on: chosen from the URL,
// with a real shadow database, since `migrate dev`, `migrate diff
// --from-migrations` and drift detection replay the migration history there.
//
// - SQLite: a private in-memory database per shadow connection (or the file named
//   by shadowDatabaseUrl / SHADOW_DATABASE_URL). Nothing touches the dev file.
// - PostgreSQL: shadowDatabaseUrl / SHADOW_DATABASE_URL when given (the engine
//   empties it before use); otherwise a temporary database created on the same
//   server and dropped when the engine lets go of it, or at the latest on
//   `dispose()`.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';

import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

import { parseDatabaseUrl, type DatabaseTarget } from './parseDatabaseUrl.ts';
import { readPgCatalogTypes } from './readPgCatalogTypes.ts';
import { reopenableAdapter, type ReopenableAdapter } from './reopenableAdapter.ts';
import { scriptAwareAdapter } from './scriptAwareAdapter.ts';

/** How long SQLite waits for a lock held by another connection before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export interface AdapterFactoryOptions {
  url: string;
  shadowDatabaseUrl?: string | undefined;
  /** Folder that relative SQLite paths are resolved against. */
  baseDir?: string;
}

export interface EngineAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  readonly target: DatabaseTarget;
  /**
   * SQLite only: replaces the main database file with an empty one under the
   * engine's open connections, which is how the native engine resets SQLite.
   * (The wasm engine's own reset drops tables but leaves `sqlite_sequence`,
   * and `migrate reset` then refuses the "non-empty" database with P3005.)
   */
  recreateMainDatabase?(): Promise<void>;
  /** Closes what the factory opened and drops temporary shadow databases. */
  dispose(): Promise<void>;
}

/** Builds the factory for `url`; no connection is opened until the engine asks. */
export function createAdapterFactory(options: AdapterFactoryOptions): EngineAdapterFactory {
  const target = parseDatabaseUrl(options.url, options.baseDir);
  const shadowUrl = options.shadowDatabaseUrl ?? process.env.SHADOW_DATABASE_URL;
  return target.provider === 'sqlite'
    ? sqliteFactory(target, shadowUrl, options.baseDir)
    : postgresFactory(target, shadowUrl);
}

/** SQLite: one better-sqlite3 connection per `connect`, each with a busy timeout. */
function sqliteFactory(
  target: Extract<DatabaseTarget, { provider: 'sqlite' }>,
  shadowUrl: string | undefined,
  baseDir: string | undefined,
): EngineAdapterFactory {
  const open = (file: string) => new PrismaBetterSqlite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS }).connect();
  const shadowFile = shadowUrl ? parseDatabaseUrl(shadowUrl, baseDir) : undefined;
  if (shadowFile && shadowFile.provider !== 'sqlite') {
    throw new Error(`The shadow database must be SQLite like the datasource, but got a ${shadowFile.provider} URL`);
  }
  const opened = new Set<SqlDriverAdapter>();
  const mains = new Set<ReopenableAdapter>();
  const track = (adapter: SqlDriverAdapter) => {
    opened.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (opened.delete(adapter)) await dispose();
    };
    return adapter;
  };
  return {
    provider: 'sqlite',
    adapterName: '@prisma/adapter-better-sqlite3',
    target,
    connect: async () => {
      const main = await reopenableAdapter(() => open(target.file));
      mains.add(main);
      return track(scriptAwareAdapter(main));
    },
    recreateMainDatabase: async () => {
      for (const main of mains) await main.close();
      for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(target.file + suffix, { force: true });
      for (const main of mains) await main.reopen();
    },
    connectToShadowDb: async () => track(scriptAwareAdapter(await open(shadowFile?.file ?? ':memory:'))),
    dispose: async () => {
      for (const adapter of [...opened]) await adapter.dispose().catch(() => undefined);
    },
  };
}

/** PostgreSQL: pg pools through @prisma/adapter-pg; temporary shadow databases. */
function postgresFactory(
  target: Extract<DatabaseTarget, { provider: 'postgres' }>,
  shadowUrl: string | undefined,
): EngineAdapterFactory {
  const temporary = new Set<string>();
  const opened = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter, onDispose?: () => Promise<void>) => {
    opened.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (!opened.delete(adapter)) return;
      await dispose();
      await onDispose?.();
    };
    return adapter;
  };
  const connectTo = async (url: string) => readPgCatalogTypes(await new PrismaPg({ connectionString: url }).connect());

  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    target,
    connect: async () => track(scriptAwareAdapter(await connectTo(target.url))),
    connectToShadowDb: async () => {
      if (shadowUrl) return track(scriptAwareAdapter(await connectTo(shadowUrl)));
      const name = `prisma_shadow_${randomUUID().replace(/-/g, '')}`;
      await runOnServer(target.maintenanceUrl, `CREATE DATABASE "${name}"`);
      temporary.add(name);
      const url = new URL(target.url);
      url.pathname = `/${name}`;
      const drop = async () => {
        temporary.delete(name);
        await runOnServer(target.maintenanceUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      };
      return track(scriptAwareAdapter(await connectTo(url.toString())), drop);
    },
    dispose: async () => {
      for (const adapter of [...opened]) await adapter.dispose().catch(() => undefined);
      for (const name of [...temporary]) {
        await runOnServer(target.maintenanceUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(
          () => undefined,
        );
      }
    },
  };
}

/** Runs one statement on its own short-lived connection (CREATE/DROP DATABASE cannot run in a pool's transaction). */
export async function runOnServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
