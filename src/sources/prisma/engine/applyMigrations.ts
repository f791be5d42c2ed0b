// What the gateway calls on start: bring the database up to its migration history,
// as `prisma migrate deploy` would, without the CLI and without the network.
import { createDatabase, canConnectToDatabase } from './databaseLifecycle.ts';
import { EngineError } from './EngineError.ts';
import { openSchemaEngine } from './openSchemaEngine.ts';
import { parseDatabaseUrl, redactUrl } from './parseDatabaseUrl.ts';
import { lockfileProvider, readMigrationsList } from './readMigrationsList.ts';

export interface ApplyMigrationsOptions {
  /** `file:…` (SQLite, relative to the working directory) or `postgres(ql)://…`. */
  url: string;
  /** The provider's folder, e.g. `prisma/sqlite/migrations`. */
  migrationsDir: string;
}

export interface ApplyMigrationsResult {
  /** Migration folder names applied by this call, oldest first; empty when up to date. */
  applied: string[];
}

// One engine per database at a time: two engines on one SQLite file would
// contend for its lock (SQLITE_BUSY), and two appliers on one database would
// race for the same migrations. Calls for the same URL wait for each other.
const running = new Map<string, Promise<unknown>>();

/**
 * Creates the database if it is missing (the SQLite file and its folder, or the
 * Postgres database), then applies the migrations not yet recorded in
 * `_prisma_migrations`. Rejects with an EngineError (Prisma code and message)
 * when a migration fails or the folder belongs to another provider.
 */
export function applyMigrations(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const target = parseDatabaseUrl(options.url);
  const key = target.provider === 'sqlite' ? target.file : options.url;
  const previous = running.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => applyNow(options));
  running.set(key, next);
  void next
    .finally(() => {
      if (running.get(key) === next) running.delete(key);
    })
    .catch(() => undefined);
  return next;
}

/** The unserialized work of applyMigrations. */
async function applyNow({ url, migrationsDir }: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const target = parseDatabaseUrl(url);
  const list = await readMigrationsList(migrationsDir);
  const expected = target.provider === 'postgres' ? 'postgresql' : 'sqlite';
  const locked = lockfileProvider(list);
  if (locked && locked !== expected) {
    throw new EngineError(
      'P3019',
      `${migrationsDir} holds ${locked} migrations, but the database URL ${redactUrl(url)} is ${expected}`,
    );
  }
  try {
    await canConnectToDatabase(url);
  } catch (error) {
    if (!(error instanceof EngineError) || error.code !== 'P1003') throw error;
    await createDatabase(url);
  }
  const session = await openSchemaEngine({ url });
  try {
    const output = (await session.call('applyMigrations', {
      migrationsList: list,
      filters: { externalTables: [], externalEnums: [] },
    })) as { appliedMigrationNames: string[] };
    return { applied: output.appliedMigrationNames };
  } finally {
    await session.close();
  }
}
