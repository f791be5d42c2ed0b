// The real process under stress: an unexpected error is masked with an id the
// log also carries; SIGTERM drains in-flight requests with /readyz at 503 and
// exits 0; a request outliving SHUTDOWN_GRACE_MS makes the process exit 1.
import { admin, bearer } from '../helpers/tokens.ts';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { stalledPost, waitFor } from '../helpers/inFlight.ts';
import { freshSqliteUrl, postGraphQL, request, startServer, type ServerProcess } from '../helpers/serverProcess.ts';

let server: ServerProcess | undefined;

afterEach(() => {
  server?.kill();
  server = undefined;
});

const incomingPosts = (s: ServerProcess) =>
  s.logs.filter((line) => line.msg === 'incoming request' && (line.req as { method?: string }).method === 'POST');

describe('masking unexpected errors', () => {
  it('answers INTERNAL_SERVER_ERROR with an error id that the process log also carries', async () => {
    const { url, file } = freshSqliteUrl();
    server = await startServer({ env: { DATABASE_URL: url } });
    const query = '{ books(first: 1) { nodes { title reviews(first: 1) { totalCount } } } }';
    expect((await postGraphQL(server.url, query)).body.errors).toBeUndefined();

    const sqlite = new Database(file);
    sqlite.pragma('foreign_keys = OFF');
    sqlite.exec('DROP TABLE "Review"');
    sqlite.close();
    const res = await postGraphQL(server.url, query);

    expect(res.status).toBe(200);
    const [error] = res.body.errors;
    expect(res.body.errors).toHaveLength(1);
    expect(error.message).toBe(`Internal server error (error id ${error.extensions.errorId})`);
    expect(error.extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/no such table|prisma|sqlite/i);
    await waitFor('the masked error in the log', () =>
      server!.logs.some((line) => line.errorId === error.extensions.errorId),
    );
    const logged = server.logs.find((line) => line.errorId === error.extensions.errorId);
    expect(logged).toMatchObject({ msg: 'masked error', level: 50 });
    expect(JSON.stringify(logged)).toMatch(/no such table|Review/);
  });
});

describe('graceful shutdown', () => {
  it('drains an in-flight mutation waiting on the SQLite lock, with /readyz at 503, then exits 0', async () => {
    const { url, file } = freshSqliteUrl();
    server = await startServer({ env: { DATABASE_URL: url } });
    const mutation = stalledPost(
      server.url,
      {
        query: 'mutation ($name: String!) { createAuthor(input: { name: $name }) { name } }',
        variables: { name: 'Drained Author' },
      },
      await bearer(admin),
    );
    await waitFor('the mutation to reach the server', () => incomingPosts(server!).length === 1);

    const exit = server.stop('SIGTERM');
    await waitFor('/readyz to answer 503', async () => (await request(`${server!.origin}/readyz`)).status === 503);

    expect(await request(`${server.origin}/readyz`)).toMatchObject({ status: 503, body: { status: 'shutting down' } });
    expect(await request(`${server.origin}/healthz`)).toMatchObject({ status: 200 });
    const late = await postGraphQL(server.url, '{ authors { totalCount } }');
    expect(late.status).toBe(503);
    expect(late.body).toEqual({
      errors: [{ message: 'The server is shutting down', extensions: { code: 'SERVICE_UNAVAILABLE' } }],
    });

    // The test holds the write lock: the mutation waits on the busy timeout until it is released.
    const lock = new Database(file);
    lock.exec('BEGIN EXCLUSIVE');
    const sent = Date.now();
    mutation.finish();
    setTimeout(() => lock.exec('COMMIT'), 1000);

    const res = await mutation.response;
    expect(Date.now() - sent).toBeGreaterThanOrEqual(900);
    expect(res).toEqual({ status: 200, body: { data: { createAuthor: { name: 'Drained Author' } } } });
    expect(await exit).toBe(0);
    expect(lock.prepare('SELECT name FROM "Author" WHERE name = ?').all('Drained Author')).toEqual([
      { name: 'Drained Author' },
    ]);
    lock.close();
    expect(server.logs.map((line) => line.msg)).toContain('stopped');
  });

  it('exits 1 soon after SHUTDOWN_GRACE_MS when a request is still running', async () => {
    server = await startServer({ env: { SHUTDOWN_GRACE_MS: '1000' } });
    const stuck = stalledPost(server.url, { query: '{ authors { totalCount } }' });
    stuck.response.catch(() => undefined);
    await waitFor('the request to reach the server', () => incomingPosts(server!).length === 1);

    const signalled = Date.now();
    const code = await server.stop('SIGTERM');

    expect(code).toBe(1);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - signalled).toBeLessThan(5000);
    expect(server.logs.map((line) => line.msg)).toContain('grace period over with requests still running: exiting');
    stuck.request.destroy();
  });

  it('exits 0 at once on SIGINT when nothing is in flight', async () => {
    server = await startServer();

    expect(await server.stop('SIGINT')).toBe(0);
    expect(server.logs.find((line) => line.msg === 'shutting down: draining in-flight requests')).toMatchObject({
      signal: 'SIGINT',
    });
  });
});
