// SIGTERM with a request that outlives SHUTDOWN_GRACE_MS: readiness fails
// first, the process exits (code 1) soon after the grace period, and the long
// request's connection is closed rather than left hanging. (Draining requests
// that do finish, then exit 0: tests/e2e/server-shutdown.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { request, startServer, type ServerProcess } from '../helpers/serverProcess.ts';
import { stalledPost, waitFor } from '../helpers/inFlight.ts';

let server: ServerProcess | undefined;
afterEach(() => server?.kill());

describe('a request outliving the grace period', () => {
  it('is cut: /readyz 503 during the grace period, then exit 1 and the socket closed', async () => {
    const graceMs = 1500;
    server = await startServer({ env: { SHUTDOWN_GRACE_MS: String(graceMs) } });
    const stuck = stalledPost(server.url, { query: '{ authors { totalCount } }' });
    const outcome = stuck.response.then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    await waitFor('the request to reach the server', () =>
      server!.logs.some((l) => l.msg === 'incoming request' && (l.req as { method?: string }).method === 'POST'),
    );

    const signalled = Date.now();
    const exited = server.stop('SIGTERM');
    let gone = false;
    void exited.then(() => (gone = true));
    await waitFor('/readyz to answer 503', async () => (await request(`${server!.origin}/readyz`)).status === 503);
    expect(gone).toBe(false); // readiness failed first, while the request still ran

    expect(await exited).toBe(1);
    const elapsed = Date.now() - signalled;
    expect(elapsed).toBeGreaterThanOrEqual(graceMs);
    expect(elapsed).toBeLessThan(graceMs + 10_000); // promptly, with room for a slow machine
    await stuck.closed;
    expect(stuck.request.socket?.destroyed ?? true).toBe(true);
    expect(await outcome).toMatch(/ECONNRESET|socket hang up/);
    expect(server.logs.map((l) => l.msg)).toContain('grace period over with requests still running: exiting');
  });
});
