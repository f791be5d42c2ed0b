import { afterEach, describe, expect, it } from 'vitest';
import { HttpSource } from '../../../src/sources/http/HttpSource.ts';
import { type LoopbackServer, startLoopbackServer } from '../../helpers/loopbackServer.ts';
import { delay, failureOf, sendJson, sourceConfig } from './fixtures.ts';

let server: LoopbackServer;
let source: HttpSource;
afterEach(async () => {
  source?.close();
  await server?.close();
});

/** An upstream answering `status()` to every request. */
async function upstream(status: () => number) {
  server = await startLoopbackServer((_req, res) => {
    const answer = status();
    sendJson(res, answer, { ok: answer < 400 });
  });
}

const breaker = { failureRatio: 0.5, windowMs: 10_000, minimumCalls: 4, resetMs: 300 };

describe('circuit breaker', () => {
  it('opens at the failure ratio, fails fast while open, probes after resetMs and closes on success', async () => {
    let status = 500;
    await upstream(() => status);
    source = new HttpSource(sourceConfig(server.url, { retries: 0, breaker }));

    for (let i = 0; i < 3; i++) await failureOf(source.call({ method: 'GET', path: '/stock' }));
    expect(source.breakerState).toBe('closed'); // 3 calls: under minimumCalls
    await failureOf(source.call({ method: 'GET', path: '/stock' }));
    expect(source.breakerState).toBe('open');
    expect(server.requests).toHaveLength(4);

    const started = performance.now();
    expect(await failureOf(source.call({ method: 'GET', path: '/stock' }))).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'inventory: circuit open, failing fast',
    });
    expect(performance.now() - started).toBeLessThan(100);
    expect(server.requests).toHaveLength(4);

    status = 200;
    await delay(350);
    const probe = await source.call({ method: 'GET', path: '/stock' });
    expect(probe.status).toBe(200);
    expect(source.breakerState).toBe('closed');
    expect(server.requests).toHaveLength(5);
  });

  it('reopens when the probe fails', async () => {
    await upstream(() => 503);
    source = new HttpSource(sourceConfig(server.url, { retries: 0, breaker }));
    for (let i = 0; i < 4; i++) await failureOf(source.call({ method: 'GET', path: '/stock' }));
    expect(source.breakerState).toBe('open');
    await delay(350);
    expect(await failureOf(source.call({ method: 'GET', path: '/stock' }))).toMatchObject({ status: 503 });
    expect(source.breakerState).toBe('open');
    expect(await failureOf(source.call({ method: 'GET', path: '/stock' }))).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    expect(server.requests).toHaveLength(5);
  });

  it('stays open when the caller abandons the probe, instead of closing unproven', async () => {
    let hang = false;
    server = await startLoopbackServer((_req, res) => (hang ? undefined : sendJson(res, 503, {})));
    source = new HttpSource(sourceConfig(server.url, { retries: 0, breaker }));
    for (let i = 0; i < 4; i++) await failureOf(source.call({ method: 'GET', path: '/stock' }));
    expect(source.breakerState).toBe('open');
    await delay(350);
    hang = true;
    const probe = source.call({ method: 'GET', path: '/stock', signal: AbortSignal.timeout(100) });
    expect(await failureOf(probe)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(server.requests).toHaveLength(5);
    await delay(50); // the caller leaves at once; the aborted attempt settles just after
    expect(source.breakerState).toBe('open');
  });

  it('counts attempts: retries of one call can open the circuit, and stop once it is open', async () => {
    await upstream(() => 503);
    source = new HttpSource(sourceConfig(server.url, { retries: 10, retryBaseMs: 1, breaker }));
    expect(await failureOf(source.call({ method: 'GET', path: '/stock' }))).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'inventory: circuit open, failing fast',
    });
    expect(server.requests).toHaveLength(4);
  });

  it('does not open on 4xx answers: the upstream is healthy, the requests were bad', async () => {
    await upstream(() => 404);
    source = new HttpSource(sourceConfig(server.url, { retries: 0, breaker }));
    for (let i = 0; i < 10; i++) await failureOf(source.call({ method: 'GET', path: '/nothing' }));
    expect(source.breakerState).toBe('closed');
    expect(server.requests).toHaveLength(10);
  });

  it('stays closed while failures are under the ratio', async () => {
    let n = 0;
    await upstream(() => (n++ % 3 === 2 ? 500 : 200)); // 200, 200, 500, ...: one failure in three
    source = new HttpSource(sourceConfig(server.url, { retries: 0, breaker }));
    for (let i = 0; i < 12; i++) await source.call({ method: 'GET', path: '/stock' }).catch(() => undefined);
    expect(source.breakerState).toBe('closed');
    expect(server.requests).toHaveLength(12);
  });
});
