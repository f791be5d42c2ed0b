// kill -9 in the middle of a write load: every mutation the server
// acknowledged (200 with an id) is in the database after a restart, and the
// database passes its integrity checks.
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { dropDatabase } from '../../src/sources/prisma/engine/databaseLifecycle.ts';
import { postgresServerUrl, testProviders } from '../helpers/databases.ts';
import { freshSqliteUrl, postGraphQL, startServer, type ServerProcess } from '../helpers/serverProcess.ts';
import { waitFor } from '../helpers/inFlight.ts';
import { admin, bearer } from '../helpers/tokens.ts';

const createReview = /* GraphQL */ `
  mutation ($input: CreateReviewInput!) {
    createReview(input: $input) {
      id
    }
  }
`;
const workers = 16;
const killAfter = 200;

let server: ServerProcess | undefined;
afterEach(() => server?.kill());

/** Writes reviews from `workers` concurrent clients until the server goes away; returns the acknowledged ids. */
function writeLoad(url: string, headers: Record<string, string>) {
  const acknowledged: number[] = [];
  let sent = 0;
  const worker = async () => {
    for (;;) {
      const n = sent++;
      try {
        const res = await postGraphQL(
          url,
          createReview,
          {
            input: {
              bookId: String(1 + (n % 20)),
              customerId: String(1 + (n % 12)),
              rating: 1 + (n % 5),
              body: `load ${n}`,
            },
          },
          headers,
        );
        const id = res.body?.data?.createReview?.id;
        if (res.status === 200 && id) acknowledged.push(Number(id));
      } catch {
        return; // the server is gone
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  return { acknowledged, done, sent: () => sent };
}

describe.each(await testProviders())('kill -9 during a write load on %s', (provider) => {
  it(`keeps every acknowledged review after a restart (killed after ${killAfter} acknowledgements)`, async () => {
    const sqlite = provider === 'sqlite' ? freshSqliteUrl() : undefined;
    const url =
      sqlite?.url ?? postgresServerUrl.replace(/\/[^/?]*(\?|$)/, `/switchyard_kill9_${randomUUID().slice(0, 8)}$1`);
    try {
      server = await startServer({ env: { DATABASE_URL: url, DATABASE_POOL_SIZE: '8' } });
      const load = writeLoad(server.url, await bearer(admin));
      await waitFor(`${killAfter} acknowledged writes`, () => load.acknowledged.length >= killAfter, 60_000);
      server.kill();
      expect(await server.exited).toBeNull(); // ended by the signal, no clean shutdown
      await load.done;
      const acknowledged = [...load.acknowledged];
      // Requests were still in flight when the process died: some writes went unacknowledged.
      expect(load.sent()).toBeGreaterThan(acknowledged.length);

      server = await startServer({ env: { DATABASE_URL: url } });
      const count = await postGraphQL(server.url, '{ book(id: "1") { id } }');
      expect(count.body.errors).toBeUndefined();
      expect(await server.stop('SIGTERM')).toBe(0);
      server = undefined;

      if (sqlite) {
        const db = new Database(sqlite.file, { readonly: true });
        const present = db.prepare('SELECT id FROM "Review" WHERE body LIKE \'load %\'').all() as { id: number }[];
        const ids = new Set(present.map((r) => Number(r.id)));
        expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
        expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
        expect(db.pragma('foreign_key_check')).toEqual([]);
        db.close();
      } else {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        const { rows } = await client.query<{ id: number }>(`SELECT id FROM "Review" WHERE body LIKE 'load %'`);
        await client.end();
        const ids = new Set(rows.map((r) => Number(r.id)));
        expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
      }
    } finally {
      server?.kill();
      if (!sqlite) {
        await server?.exited;
        await dropDatabase(url);
      }
    }
  });
});
