// Postgres-side measurement: makes sure pg_stat_statements is loaded (restarting
// the local cluster once if it must), and counts the statements a bench
// database has run, excluding the harness's own look-ups.
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { postgresBaseUrl } from './db.ts';

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Waits until the server accepts connections again. */
async function waitForServer(timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      await withClient(postgresBaseUrl(), (c) => c.query('SELECT 1'));
      return;
    } catch (error) {
      if (Date.now() - t0 > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Loads pg_stat_statements and creates the extension in `databaseUrl`. Returns
 * false (with a printed reason) when it cannot, so the run goes on without
 * statement counts rather than failing.
 */
export async function ensurePgStatStatements(databaseUrl: string, log: (line: string) => void): Promise<boolean> {
  const { preload, version } = await withClient(postgresBaseUrl(), async (c) => ({
    preload: String((await c.query('SHOW shared_preload_libraries')).rows[0].shared_preload_libraries),
    version: Math.floor(Number((await c.query('SHOW server_version_num')).rows[0].server_version_num) / 10000),
  }));
  const libraries = preload
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!libraries.includes('pg_stat_statements')) {
    const host = new URL(postgresBaseUrl()).hostname;
    if (host !== '127.0.0.1' && host !== 'localhost') {
      log(
        `pg_stat_statements is not preloaded on ${host} and the server is not local: statements/request from Switchyard only`,
      );
      return false;
    }
    const value = [...libraries, 'pg_stat_statements'].join(',');
    log(`pg_stat_statements: ALTER SYSTEM SET shared_preload_libraries = '${value}'`);
    await withClient(postgresBaseUrl(), (c) => c.query(`ALTER SYSTEM SET shared_preload_libraries = '${value}'`));
    log(`pg_stat_statements: restarting the cluster (pg_ctlcluster --skip-systemctl-redirect ${version} main restart)`);
    try {
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', String(version), 'main', 'restart'], {
        stdio: 'inherit',
      });
    } catch (error) {
      log(`pg_stat_statements: the restart failed (${String(error)}); going on without it`);
      await waitForServer();
      return false;
    }
    await waitForServer();
  }
  await withClient(databaseUrl, (c) => c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
  return true;
}

/** A reusable connection that reads the statement total of one database. */
export async function statementCounter(
  databaseUrl: string,
): Promise<{ total(): Promise<number>; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const database = new URL(databaseUrl).pathname.slice(1);
  return {
    async total() {
      const { rows } = await client.query(
        `SELECT coalesce(sum(s.calls), 0)::bigint AS n FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = $1 AND s.query NOT ILIKE '%pg_stat_statements%'`,
        [database],
      );
      return Number(rows[0].n);
    },
    close: () => client.end(),
  };
}

export async function postgresVersion(): Promise<string> {
  return withClient(postgresBaseUrl(), async (c) =>
    String((await c.query('SHOW server_version')).rows[0].server_version),
  );
}
