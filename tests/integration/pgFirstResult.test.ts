// pg's Client kept the callback of its connect() alive for as long as the
// connection lived: a closure in Client._connect named it, and the listeners
// the client leaves on its connection share that closure's scope. Through
// pg-pool that callback reaches the promise of the query that opened the
// connection, so each pooled connection held its first result (in the
// bench's W6, a 230 KB JSON answer; bench/FINDINGS.md).
// patches/pg+8.23.1.patch passes the callback to process.nextTick instead.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresServerUrl, testProviders } from '../helpers/databases.ts';

const providers = await testProviders();

// V8's gc(), which vitest's workers do not expose.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// Skipped only outside CI when Postgres is unreachable (testProviders() prints why); in CI it runs or fails.
describe.skipIf(!providers.includes('postgres'))("a pooled connection and its first query's result", () => {
  const pool = new pg.Pool({ connectionString: postgresServerUrl, max: 1 });
  afterAll(() => pool.end());

  // In a function of its own, so that no frame of the test holds the result.
  async function firstResult(): Promise<WeakRef<object>> {
    const result = await pool.query("SELECT repeat('x', 1000) AS s FROM generate_series(1, 200)");
    expect(result.rows).toHaveLength(200);
    return new WeakRef(result.rows);
  }

  it('lets the result go while the connection stays open', async () => {
    const rows = await firstResult();
    for (let i = 0; i < 3 && rows.deref(); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(pool.totalCount).toBe(1);
    expect(rows.deref()).toBeUndefined();
  });
});
