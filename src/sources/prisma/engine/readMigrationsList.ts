// Reads a migrations folder into the engine's `MigrationList`, the same shape the
// Prisma CLI builds before every migrate command (folders sorted by name, each
// with its migration.sql, plus migration_lock.toml if present).
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { MigrationList } from '@prisma/schema-engine-wasm';

const LOCKFILE = 'migration_lock.toml';

/** A missing folder is an empty history, as for the CLI. */
export async function readMigrationsList(migrationsDir: string, shadowDbInitScript = ''): Promise<MigrationList> {
  const baseDir = resolve(migrationsDir);
  const content = await readFile(join(baseDir, LOCKFILE), 'utf8').catch(() => null);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
      .map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(join(baseDir, name, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (error: Error) => ({ tag: 'error' as const, value: error.message }),
          ),
        },
      })),
  );
  return { baseDir, lockfile: { path: LOCKFILE, content }, shadowDbInitScript, migrationDirectories };
}

/** The provider a lockfile names (`sqlite`, `postgresql`), or undefined. */
export function lockfileProvider(list: MigrationList): string | undefined {
  return list.lockfile.content?.match(/^\s*provider\s*=\s*"([^"]+)"/m)?.[1];
}
