// SQLite runs in WAL mode with synchronous=FULL and a busy timeout, read back
// at startup (and the server refuses to start without WAL); a write
// acknowledged while another request's transaction is open is never rolled
// back with that transaction.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteFilePath } from '../../src/sources/prisma/client.ts';
import { applyMigrations } from '../../src/sources/prisma/engine/applyMigrations.ts';
import { checkSqliteDurability } from '../../src/sources/prisma/sqlitePragmas.ts';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/databases.ts';
import { freshSqliteUrl, runUntilExit } from '../helpers/serverProcess.ts';
import { sleep } from '../helpers/inFlight.ts';

describe('SQLite durability settings', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite', { seed: false, db: { busyTimeoutMs: 1234 } });
  });
  afterAll(() => database?.drop());

  it('reads back WAL, synchronous=FULL and the busy timeout; WAL is also what the file says', async () => {
    const file = sqliteFilePath(database.url);
    expect(await checkSqliteDurability(database.db, file)).toEqual({
      journalMode: 'wal',
      synchronous: 2,
      busyTimeoutMs: 1234,
    });
    const other = new Database(file, { readonly: true });
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    other.close();
  });

  it('refuses to start when WAL cannot be enabled, saying why', async () => {
    // A migrated file in the default rollback-journal mode, held open by a
    // reader: switching to WAL needs the file to itself, so it fails after the busy timeout.
    const { url, file } = freshSqliteUrl();
    await applyMigrations({ url, migrationsDir: 'prisma/sqlite/migrations' });
    const reader = new Database(file);
    expect(reader.pragma('journal_mode', { simple: true })).toBe('delete');
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM "Book"').get();
    try {
      const { code, output } = await runUntilExit({
        DATABASE_URL: url,
        MIGRATE_ON_START: 'false',
        SEED_ON_START: 'false',
        SQLITE_BUSY_TIMEOUT_MS: '200',
      });
      expect(code).toBe(1);
      expect(output).toContain(
        `Switchyard did not start: SQLite at ${file} cannot switch to write-ahead logging (journal_mode=WAL)`,
      );
      expect(output).not.toContain('Switchyard is serving');
    } finally {
      reader.exec('ROLLBACK');
      reader.close();
    }
  });
});

describe.each(await testProviders())('a write beside a transaction that rolls back, on %s', (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider, { seed: false });
  });
  afterAll(() => database?.drop());

  it('keeps the acknowledged write: it never runs inside the other transaction', async () => {
    const transaction = database.db
      .$transaction(async (tx) => {
        await tx.author.create({ data: { name: 'inside, rolled back' } });
        await sleep(300);
        throw new Error('rolled back on purpose');
      })
      .catch((error: Error) => error.message);
    await sleep(50);
    // Issued while the transaction is open; on SQLite it shares the one connection.
    const outside = await database.db.author.create({ data: { name: 'outside, acknowledged' } });

    expect(await transaction).toBe('rolled back on purpose');
    expect(await database.db.author.findMany({ select: { id: true, name: true } })).toEqual([
      { id: outside.id, name: 'outside, acknowledged' },
    ]);
  });
});
