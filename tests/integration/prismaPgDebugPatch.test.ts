// Prisma's pg adapter calls its debug logger for every query, and that call
// (a Proxy around a function) also keeps the query in @prisma/debug's history
// of the last 100 calls, read only for panic reports: about 1% of the CPU of
// a one-row query, and the last 100 queries' arguments kept alive.
// patches/@prisma+adapter-pg+7.10.1.patch makes the call only when a DEBUG
// namespace is set. The first test fails without the patch. (It assumes the
// process started without a DEBUG naming prisma:driver-adapter:pg: the
// adapter's logger fixes its own `enabled` when it is made.) @prisma/debug is
// read as the adapter reads it: the one copy npm installs, hoisted beside it.
import { PrismaPg } from '@prisma/adapter-pg';
import { clearLogs, getLogs } from '@prisma/debug';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresServerUrl, testProviders } from '../helpers/databases.ts';

const providers = await testProviders();
const debugGlobal = globalThis as { DEBUG?: string };

// Skipped only outside CI when Postgres is unreachable (testProviders() prints why); in CI it runs or fails.
describe.skipIf(!providers.includes('postgres'))("Prisma's pg adapter and its debug log (patched)", () => {
  let adapter: SqlDriverAdapter;
  const namespaces = debugGlobal.DEBUG;
  beforeAll(async () => {
    adapter = await new PrismaPg({ connectionString: postgresServerUrl }).connect();
  });
  afterAll(async () => {
    debugGlobal.DEBUG = namespaces;
    await adapter.dispose();
  });

  const selectOne = () => adapter.queryRaw({ sql: 'SELECT 1 AS one', args: [], argTypes: [] });

  it('keeps no query in the debug history when no DEBUG namespace is set', async () => {
    debugGlobal.DEBUG = '';
    clearLogs();

    const result = await selectOne();

    expect(result.rows).toEqual([[1]]);
    expect(getLogs()).not.toContain('js::query_raw');
  });

  it('still hands every query to the debug logger once a namespace is set', async () => {
    // A namespace nothing listens on: the call is made and kept in the history, nothing is printed.
    debugGlobal.DEBUG = 'switchyard:test-nothing';
    clearLogs();

    await selectOne();

    expect(getLogs()).toContain('[js::query_raw]');
    expect(getLogs()).toContain('SELECT 1 AS one');
  });
});
