// SQLite durability settings, set on every connection and checked at startup.
//
// - journal_mode=WAL: a commit appends to the write-ahead log, readers do not
//   block the writer, and after a crash (kill -9 included) the log is replayed
//   or discarded whole on the next open, so the file is never half-written.
// - synchronous=FULL: the log is fsynced at every commit, so an acknowledged
//   mutation survives power loss and OS crashes too. NORMAL would be enough
//   for a killed process (the log is in the OS page cache, which outlives the
//   process) but can lose the last commits on power loss; "every acknowledged
//   mutation is present" is the promise, so FULL it is, for one fsync per commit.
// - busy_timeout: a writer waits for another process's write lock instead of
//   failing at once with SQLITE_BUSY.
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { Db } from './client.ts';
import { onConnect } from './onConnect.ts';
import { scalarOf } from './sqlReads.ts';

export const sqliteJournalMode = 'wal';
/** PRAGMA synchronous reads back as a number: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
export const sqliteSynchronous = { name: 'FULL', value: 2 } as const;

export class SqliteDurabilityError extends Error {
  override name = 'SqliteDurabilityError';
}

/** Wraps a SQLite adapter factory so that each new connection is put in WAL mode with synchronous=FULL. */
export function withSqlitePragmas<F extends SqlDriverAdapterFactory>(factory: F): F {
  return onConnect(factory, async (adapter) => {
    // A failure here (a read-only directory, a lock held elsewhere) is
    // reported by checkSqliteDurability, which reads the modes back.
    await adapter.executeScript(`PRAGMA journal_mode = ${sqliteJournalMode}`).catch(() => undefined);
    await adapter.executeScript(`PRAGMA synchronous = ${sqliteSynchronous.name}`);
  });
}

export interface SqliteDurability {
  journalMode: string;
  synchronous: number;
  busyTimeoutMs: number;
}

/**
 * Reads back the pragmas of the client's connection; throws SqliteDurabilityError
 * when WAL could not be enabled, synchronous is below FULL or there is no busy timeout.
 */
export async function checkSqliteDurability(db: Db, file: string): Promise<SqliteDurability> {
  let journalMode: string;
  try {
    // Asking again reports why WAL cannot be had (the connection's own attempt is silent).
    journalMode = String(await scalarOf(db, `PRAGMA journal_mode = ${sqliteJournalMode}`)).toLowerCase();
  } catch (error) {
    throw new SqliteDurabilityError(
      `SQLite at ${file} cannot switch to write-ahead logging (journal_mode=WAL): ${(error as Error).message.trim().split('\n').pop()}. ` +
        'Check that its directory is writable and on a local file system, and that no other process holds the database.',
    );
  }
  const durability: SqliteDurability = {
    journalMode,
    synchronous: Number(await scalarOf(db, 'PRAGMA synchronous')),
    busyTimeoutMs: Number(await scalarOf(db, 'PRAGMA busy_timeout')),
  };
  if (journalMode !== sqliteJournalMode && !(file === ':memory:' && journalMode === 'memory'))
    throw new SqliteDurabilityError(
      `SQLite at ${file} is in journal_mode=${journalMode}, not WAL: write-ahead logging could not be enabled. ` +
        'Check that its directory is writable and on a local file system (WAL needs shared memory, which network file systems lack).',
    );
  if (durability.synchronous < sqliteSynchronous.value)
    throw new SqliteDurabilityError(
      `SQLite at ${file} runs with synchronous=${durability.synchronous}, below FULL (${sqliteSynchronous.value}): acknowledged writes could be lost`,
    );
  if (durability.busyTimeoutMs <= 0)
    throw new SqliteDurabilityError(`SQLite at ${file} has no busy timeout: concurrent writers would fail at once`);
  return durability;
}
