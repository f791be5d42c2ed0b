// The gateway's start runs applyMigrations on a thread of its own, so the
// schema engine's memory leaves with the thread. What comes back across the
// thread must be what applyMigrations itself answers: the names applied, or an
// EngineError with its Prisma code.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

import { applyMigrationsInWorker } from '../../../../src/sources/prisma/engine/applyMigrationsInWorker.ts';
import { EngineError } from '../../../../src/sources/prisma/engine/EngineError.ts';

const repo = resolve(import.meta.dirname, '../../../..');
const TIMEOUT = 60_000;

describe('applyMigrationsInWorker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-apply-worker-'));
  const file = join(dir, 'switchyard.db');
  const migrationsDir = join(repo, 'prisma/sqlite/migrations');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'applies the whole history to a new file, then nothing on the next start',
    async () => {
      const history = readdirSync(migrationsDir)
        .filter((n) => n !== 'migration_lock.toml')
        .sort();
      expect(await applyMigrationsInWorker({ url: `file:${file}`, migrationsDir })).toEqual({ applied: history });

      const db = new Database(file, { readonly: true });
      const names = db.prepare('SELECT migration_name AS name FROM _prisma_migrations ORDER BY name').all();
      db.close();
      expect(names).toEqual(history.map((name) => ({ name })));

      expect(await applyMigrationsInWorker({ url: `file:${file}`, migrationsDir })).toEqual({ applied: [] });
    },
    TIMEOUT,
  );

  it(
    "rejects with applyMigrations' own EngineError and code, not a cloned plain object",
    async () => {
      const failure = applyMigrationsInWorker({
        url: `file:${join(dir, 'other.db')}`,
        migrationsDir: join(repo, 'prisma/postgres/migrations'),
      });
      await expect(failure).rejects.toBeInstanceOf(EngineError);
      await expect(failure).rejects.toMatchObject({
        code: 'P3019',
        message: expect.stringContaining('holds postgresql migrations'),
      });
    },
    TIMEOUT,
  );

  it(
    'rejects with the message of an error that is not the engine’s: a folder that cannot be made',
    async () => {
      const failure = applyMigrationsInWorker({ url: 'file:/dev/null/not-a-folder/x.db', migrationsDir });
      await expect(failure).rejects.toThrow("ENOTDIR: not a directory, mkdir '/dev/null/not-a-folder'");
      await expect(failure).rejects.not.toBeInstanceOf(EngineError);
    },
    TIMEOUT,
  );
});
