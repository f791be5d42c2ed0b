// The ordinary `npx prisma …` commands, run as child processes in a temporary
// copy of prisma/ and prisma.config.ts, with every HTTP(S) request sent to a
// dead proxy: they must work on the wasm schema engine alone, on SQLite and on
// PostgreSQL. Postgres tests run whenever CI=true (and fail if it is down).
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresServerUrl, testProviders } from '../helpers/databases.ts';

const repo = resolve(import.meta.dirname, '../..');
const POSTGRES_SERVER_URL = postgresServerUrl;
const TIMEOUT = 180_000;

/** Environment without network: any HTTP(S) request would go to a closed port. */
const offlineEnv = (databaseUrl: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    http_proxy: 'http://127.0.0.1:9',
    https_proxy: 'http://127.0.0.1:9',
    PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
    CHECKPOINT_DISABLE: '1',
  };
  delete env.PRISMA_SCHEMA_ENGINE_BINARY; // the copied prisma.config.ts must name the engine itself
  delete env.SHADOW_DATABASE_URL;
  return env;
};

/** A scratch project: prisma/ and prisma.config.ts copied, node_modules and bin linked. */
function makeWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-prisma-cli-'));
  cpSync(join(repo, 'prisma'), join(dir, 'prisma'), { recursive: true, verbatimSymlinks: true });
  cpSync(join(repo, 'prisma.config.ts'), join(dir, 'prisma.config.ts'));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(repo, 'bin'), join(dir, 'bin'));
  workspaces.push(dir);
  return dir;
}
const workspaces: string[] = [];

/** Runs `npx prisma <args>` in `cwd`; returns exit code and output. */
function prisma(cwd: string, databaseUrl: string, ...args: string[]) {
  const result = spawnSync('npx', ['prisma', ...args], { cwd, env: offlineEnv(databaseUrl), encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`, stdout: result.stdout };
}

/** Adds a nullable field to Book in the workspace's own copy of the models. */
function addFieldToBook(dir: string, field: string): void {
  const models = join(dir, 'prisma/models.prisma');
  const text = readFileSync(models, 'utf8');
  writeFileSync(models, text.replace(/model Book \{\n/, `model Book {\n  ${field} String?\n`));
}

const migrationFolders = (dir: string, provider: string) =>
  readdirSync(join(dir, 'prisma', provider, 'migrations'))
    .filter((n) => n !== 'migration_lock.toml')
    .sort();

const sqliteTables = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]
    ).map((r) => r.name);
  } finally {
    db.close();
  }
};
const sqliteColumns = (file: string, table: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
};

const MODEL_TABLES = ['Author', 'Book', 'Customer', 'Order', 'OrderLine', 'Review', '_prisma_migrations'];

afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

describe('prisma CLI on SQLite, offline', () => {
  const dir = makeWorkspace();
  const url = 'file:./data/dev.db';
  const file = join(dir, 'data/dev.db');

  it(
    'generates the client',
    () => {
      const run = prisma(dir, url, 'generate');
      expect(run.status, run.output).toBe(0);
      expect(existsSync(join(dir, 'src/generated/prisma-sqlite/client.ts'))).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'migrate dev creates a fresh database and applies the existing history to it',
    () => {
      const run = prisma(dir, url, 'migrate', 'dev', '--name', 'noop');
      expect(run.status, run.output).toBe(0);
      expect(run.output).toContain('SQLite database dev.db created');
      expect(sqliteTables(file)).toEqual(expect.arrayContaining(MODEL_TABLES));
      expect(migrationFolders(dir, 'sqlite')).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    'migrate dev creates and applies a second migration after a model change',
    () => {
      addFieldToBook(dir, 'subtitle');
      const run = prisma(dir, url, 'migrate', 'dev', '--name', 'book_subtitle');
      expect(run.status, run.output).toBe(0);
      const folders = migrationFolders(dir, 'sqlite');
      expect(folders).toHaveLength(2);
      expect(folders[1]).toMatch(/^\d{14}_book_subtitle$/);
      expect(readFileSync(join(dir, 'prisma/sqlite/migrations', folders[1]!, 'migration.sql'), 'utf8')).toContain(
        '"subtitle" TEXT',
      );
      expect(sqliteColumns(file, 'Book')).toContain('subtitle');
    },
    TIMEOUT,
  );

  it(
    'migrate deploy applies both migrations to another fresh database',
    () => {
      const run = prisma(dir, 'file:./data/deploy.db', 'migrate', 'deploy');
      expect(run.status, run.output).toBe(0);
      expect(run.output).toContain('All migrations have been successfully applied');
      expect(sqliteColumns(join(dir, 'data/deploy.db'), 'Book')).toContain('subtitle');
    },
    TIMEOUT,
  );

  it(
    'migrate reset --force empties the database and re-applies the history',
    () => {
      const db = new Database(file);
      db.prepare(`INSERT INTO "Author" (name) VALUES ('Ursula')`).run();
      db.close();
      const run = prisma(dir, url, 'migrate', 'reset', '--force');
      expect(run.status, run.output).toBe(0);
      const check = new Database(file, { readonly: true });
      expect(check.prepare(`SELECT count(*) AS n FROM "Author"`).get()).toEqual({ n: 0 });
      expect((check.prepare(`SELECT count(*) AS n FROM "_prisma_migrations"`).get() as { n: number }).n).toBe(2);
      check.close();
    },
    TIMEOUT,
  );

  it(
    'db push creates the tables in a fresh database without migrations',
    () => {
      const run = prisma(dir, 'file:./data/push.db', 'db', 'push');
      expect(run.status, run.output).toBe(0);
      const tables = sqliteTables(join(dir, 'data/push.db'));
      expect(tables).toEqual(expect.arrayContaining(MODEL_TABLES.filter((t) => t !== '_prisma_migrations')));
      expect(tables).not.toContain('_prisma_migrations');
    },
    TIMEOUT,
  );

  it(
    'migrate diff reports no drift (0) and prints a script with drift (2)',
    () => {
      const same = prisma(
        dir,
        url,
        'migrate',
        'diff',
        '--from-migrations',
        'prisma/sqlite/migrations',
        '--to-schema',
        'prisma/sqlite',
        '--exit-code',
      );
      expect(same.status, same.output).toBe(0);
      const fromEmpty = prisma(
        dir,
        url,
        'migrate',
        'diff',
        '--from-empty',
        '--to-schema',
        'prisma/sqlite',
        '--script',
        '--exit-code',
      );
      expect(fromEmpty.status, fromEmpty.output).toBe(2);
      expect(fromEmpty.stdout).toContain('CREATE TABLE "Book"');
    },
    TIMEOUT,
  );

  it(
    'migrate dev writes the first migration of an empty history',
    () => {
      const fresh = makeWorkspace();
      rmSync(join(fresh, 'prisma/sqlite/migrations'), { recursive: true, force: true });
      const run = prisma(fresh, url, 'migrate', 'dev', '--name', 'init');
      expect(run.status, run.output).toBe(0);
      const folders = migrationFolders(fresh, 'sqlite');
      expect(folders).toEqual([expect.stringMatching(/^\d{14}_init$/)]);
      expect(readFileSync(join(fresh, 'prisma/sqlite/migrations/migration_lock.toml'), 'utf8')).toContain(
        'provider = "sqlite"',
      );
      expect(sqliteTables(join(fresh, 'data/dev.db'))).toEqual(expect.arrayContaining(MODEL_TABLES));
    },
    TIMEOUT,
  );
});

// Outside CI, testProviders() prints why Postgres is skipped; in CI it fails instead.
const postgresUp = (await testProviders()).includes('postgres');

/** Runs SQL on one database of the test server. */
async function onPostgres<T>(database: string, sql: string): Promise<T[]> {
  const url = new URL(POSTGRES_SERVER_URL);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}
const pgTables = async (database: string) =>
  (
    await onPostgres<{ table_name: string }>(
      database,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )
  ).map((r) => r.table_name);
const pgColumns = async (database: string, table: string) =>
  (
    await onPostgres<{ column_name: string }>(
      database,
      `SELECT column_name FROM information_schema.columns WHERE table_name = '${table}'`,
    )
  ).map((r) => r.column_name);

// The data model generator (prisma/generators/datamodel.mjs) records whether
// the database holds foreign keys: bindings answer `book { id }` from the key
// only when it does.
describe("the data model generator, on the datasource's relationMode", () => {
  const relationModeOf = (dir: string) =>
    (JSON.parse(readFileSync(join(dir, 'src/generated/datamodel.json'), 'utf8')) as { relationMode: string })
      .relationMode;

  it(
    'records foreign keys by default and "prisma" when the datasource says so',
    () => {
      const dir = makeWorkspace();
      const url = 'file:./data/dev.db';
      let run = prisma(dir, url, 'generate');
      expect(run.status, run.output).toBe(0);
      expect(relationModeOf(dir)).toBe('foreignKeys');

      const datasource = join(dir, 'prisma/sqlite/datasource.prisma');
      const text = readFileSync(datasource, 'utf8');
      writeFileSync(
        datasource,
        text.replace('provider = "sqlite"', 'provider     = "sqlite"\n  relationMode = "prisma"'),
      );
      run = prisma(dir, url, 'generate');
      expect(run.status, run.output).toBe(0);
      expect(relationModeOf(dir)).toBe('prisma');
    },
    TIMEOUT,
  );
});

// Skipped only outside CI when Postgres is unreachable (testProviders() prints why); in CI it runs or fails.
describe.skipIf(!postgresUp)('prisma CLI on PostgreSQL, offline', () => {
  const dir = makeWorkspace();
  const stamp = `${process.pid}_${Date.now().toString(36)}`;
  const names = { dev: `sy_cli_dev_${stamp}`, deploy: `sy_cli_deploy_${stamp}`, push: `sy_cli_push_${stamp}` };
  const urlOf = (name: string) => {
    const url = new URL(POSTGRES_SERVER_URL);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const shadowDatabases = async () =>
    onPostgres<{ datname: string }>('postgres', `SELECT datname FROM pg_database WHERE datname LIKE 'prisma_shadow_%'`);

  afterAll(async () => {
    for (const name of Object.values(names))
      await onPostgres('postgres', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it(
    'generates the client',
    () => {
      const run = prisma(dir, urlOf(names.dev), 'generate');
      expect(run.status, run.output).toBe(0);
      expect(existsSync(join(dir, 'src/generated/prisma-postgres/client.ts'))).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'migrate dev creates a fresh database and applies the existing history to it',
    async () => {
      const run = prisma(dir, urlOf(names.dev), 'migrate', 'dev', '--name', 'noop');
      expect(run.status, run.output).toBe(0);
      expect(run.output).toContain(`PostgreSQL database ${names.dev} created`);
      expect(await pgTables(names.dev)).toEqual(expect.arrayContaining(MODEL_TABLES));
    },
    TIMEOUT,
  );

  it(
    'migrate dev creates a second migration through a temporary shadow database, then drops it',
    async () => {
      const before = await shadowDatabases();
      addFieldToBook(dir, 'subtitle');
      const run = prisma(dir, urlOf(names.dev), 'migrate', 'dev', '--name', 'book_subtitle');
      expect(run.status, run.output).toBe(0);
      const folders = migrationFolders(dir, 'postgres');
      expect(folders).toHaveLength(2);
      expect(readFileSync(join(dir, 'prisma/postgres/migrations', folders[1]!, 'migration.sql'), 'utf8')).toContain(
        '"subtitle" TEXT',
      );
      expect(await pgColumns(names.dev, 'Book')).toContain('subtitle');
      expect(await shadowDatabases()).toEqual(before);
    },
    TIMEOUT,
  );

  it(
    'migrate deploy applies both migrations to another fresh database',
    async () => {
      const run = prisma(dir, urlOf(names.deploy), 'migrate', 'deploy');
      expect(run.status, run.output).toBe(0);
      expect(await pgColumns(names.deploy, 'Book')).toContain('subtitle');
    },
    TIMEOUT,
  );

  it(
    'migrate reset --force empties the database and re-applies the history',
    async () => {
      await onPostgres(names.dev, `INSERT INTO "Author" (name) VALUES ('Ursula')`);
      const run = prisma(dir, urlOf(names.dev), 'migrate', 'reset', '--force');
      expect(run.status, run.output).toBe(0);
      expect(await onPostgres(names.dev, `SELECT count(*)::int AS n FROM "Author"`)).toEqual([{ n: 0 }]);
      expect(await onPostgres(names.dev, `SELECT count(*)::int AS n FROM "_prisma_migrations"`)).toEqual([{ n: 2 }]);
    },
    TIMEOUT,
  );

  it(
    'db push creates the tables in a fresh database without migrations',
    async () => {
      const run = prisma(dir, urlOf(names.push), 'db', 'push');
      expect(run.status, run.output).toBe(0);
      const tables = await pgTables(names.push);
      expect(tables).toEqual(expect.arrayContaining(MODEL_TABLES.filter((t) => t !== '_prisma_migrations')));
      expect(tables).not.toContain('_prisma_migrations');
    },
    TIMEOUT,
  );

  it(
    'migrate diff reports no drift (0) and prints a script with drift (2)',
    () => {
      const same = prisma(
        dir,
        urlOf(names.dev),
        'migrate',
        'diff',
        '--from-migrations',
        'prisma/postgres/migrations',
        '--to-schema',
        'prisma/postgres',
        '--exit-code',
      );
      expect(same.status, same.output).toBe(0);
      const fromEmpty = prisma(
        dir,
        urlOf(names.dev),
        'migrate',
        'diff',
        '--from-empty',
        '--to-schema',
        'prisma/postgres',
        '--script',
        '--exit-code',
      );
      expect(fromEmpty.status, fromEmpty.output).toBe(2);
      expect(fromEmpty.stdout).toContain('CREATE TABLE "Book"');
    },
    TIMEOUT,
  );
});

describe('the migration drift check', () => {
  const providers = postgresUp ? ['sqlite', 'postgres'] : ['sqlite'];
  const runCheck = (root: string) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repo, 'scripts/check-migrations.ts'),
        '--root',
        root,
        ...providers.flatMap((p) => ['--provider', p]),
      ],
      { cwd: repo, env: offlineEnv('file:./unused.db'), encoding: 'utf8' },
    );

  it(
    'passes when both histories reproduce the models',
    () => {
      const run = runCheck(makeWorkspace());
      expect(run.status, run.stdout + run.stderr).toBe(0);
      for (const p of providers) expect(run.stdout).toContain(`${p}: migrations match the models`);
    },
    TIMEOUT,
  );

  it(
    'fails, naming each provider, when a model changes without a new migration',
    () => {
      const dir = makeWorkspace();
      const models = join(dir, 'prisma/models.prisma');
      const text = readFileSync(models, 'utf8');
      unlinkSync(models);
      writeFileSync(models, text.replace(/model Book \{\n/, 'model Book {\n  subtitle String?\n'));
      const run = runCheck(dir);
      expect(run.status).toBe(1);
      for (const p of providers) {
        expect(run.stderr).toContain(`${p}: prisma/${p}/migrations does not reproduce prisma/models.prisma`);
      }
    },
    TIMEOUT,
  );
});
