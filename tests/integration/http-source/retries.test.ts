import { afterEach, describe, expect, it } from 'vitest';
import { HttpSource } from '../../../src/sources/http/HttpSource.ts';
import { retryDelay } from '../../../src/sources/http/retryDelay.ts';
import { type LoopbackServer, startLoopbackServer } from '../../helpers/loopbackServer.ts';
import { failureOf, sendJson, sourceConfig } from './fixtures.ts';

let server: LoopbackServer;
let source: HttpSource;
afterEach(async () => {
  source?.close();
  await server?.close();
});

/** An upstream answering `failures` times with `status` (and headers), then 200. */
async function flakyUpstream(failures: number, status = 503, headers: Record<string, string> = {}) {
  const arrivals: number[] = [];
  server = await startLoopbackServer((_req, res) => {
    arrivals.push(performance.now());
    if (arrivals.length <= failures) sendJson(res, status, { error: 'busy' }, headers);
    else sendJson(res, 200, { ok: true });
  });
  return arrivals;
}

describe('retries', () => {
  it('retries a GET that fails twice and succeeds on the third attempt', async () => {
    await flakyUpstream(2);
    source = new HttpSource(sourceConfig(server.url, { retries: 2 }));
    const result = await source.call({ method: 'GET', path: '/stock' });
    expect(result).toMatchObject({ status: 200, value: { ok: true }, attempts: 3, cache: 'miss' });
    expect(server.requests).toHaveLength(3);
  });

  it('fails with the last status once the retries are spent', async () => {
    await flakyUpstream(10, 502);
    source = new HttpSource(sourceConfig(server.url, { retries: 2 }));
    expect(await failureOf(source.call({ method: 'GET', path: '/stock?isbn=1' }))).toEqual({
      code: 'UPSTREAM_FAILED',
      message: 'inventory answered 502 for GET /stock',
      status: 502,
    });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a POST unless the binding opted in', async () => {
    await flakyUpstream(2);
    source = new HttpSource(sourceConfig(server.url, { retries: 2 }));
    expect(await failureOf(source.call({ method: 'POST', path: '/orders', body: {} }))).toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);

    const optedIn = await source.call({ method: 'POST', path: '/orders', body: {}, retryNonIdempotent: true });
    expect(optedIn.attempts).toBe(2);
    expect(server.requests).toHaveLength(3);
  });

  it('retries PUT and DELETE, which are idempotent', async () => {
    await flakyUpstream(1);
    source = new HttpSource(sourceConfig(server.url, { retries: 2 }));
    expect((await source.call({ method: 'PUT', path: '/stock/1', body: { n: 2 } })).attempts).toBe(2);
    expect((await source.call({ method: 'DELETE', path: '/stock/1' })).attempts).toBe(1);
    expect(server.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'DELETE']);
  });

  it('does not retry a 400 or a 404', async () => {
    await flakyUpstream(10, 400);
    source = new HttpSource(sourceConfig(server.url, { retries: 3 }));
    expect(await failureOf(source.call({ method: 'GET', path: '/stock' }))).toEqual({
      code: 'UPSTREAM_FAILED',
      message: 'inventory answered 400 for GET /stock',
      status: 400,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('waits at least as long as Retry-After says before retrying a 429', async () => {
    const arrivals = await flakyUpstream(1, 429, { 'retry-after': '1' });
    source = new HttpSource(sourceConfig(server.url, { retries: 2, retryBaseMs: 1, maxRetryDelayMs: 5000 }));
    const result = await source.call({ method: 'GET', path: '/stock' });
    expect(result.attempts).toBe(2);
    // Server clock on both sides; 5 ms for timer granularity.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(995);
  });

  it('fails at once with the status when Retry-After asks for longer than maxRetryDelayMs', async () => {
    await flakyUpstream(1, 503, { 'retry-after': '120' });
    source = new HttpSource(sourceConfig(server.url, { retries: 2, maxRetryDelayMs: 2000 }));
    const started = performance.now();
    expect(await failureOf(source.call({ method: 'GET', path: '/stock' }))).toMatchObject({ status: 503 });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(server.requests).toHaveLength(1);
  });

  it('stops waiting for a retry when the caller aborts', async () => {
    await flakyUpstream(1, 503, { 'retry-after': '3' });
    source = new HttpSource(sourceConfig(server.url, { retries: 2, maxRetryDelayMs: 5000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = performance.now();
    expect(await failureOf(source.call({ method: 'GET', path: '/stock', signal: controller.signal }))).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
  });
});

describe('retryDelay', () => {
  const options = { retryBaseMs: 100, maxRetryDelayMs: 1000 };

  it('draws a full-jitter delay under an exponential ceiling capped by maxRetryDelayMs', () => {
    expect(retryDelay(1, options, undefined, 0, () => 1)).toBe(100);
    expect(retryDelay(3, options, undefined, 0, () => 1)).toBe(400);
    expect(retryDelay(10, options, undefined, 0, () => 1)).toBe(1000);
    expect(retryDelay(3, options, undefined, 0, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date, and refuses one above the cap', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryDelay(1, options, '1', now)).toBe(1000);
    expect(retryDelay(1, options, 'Wed, 01 Jan 2025 00:00:01 GMT', now)).toBe(1000);
    expect(retryDelay(1, options, 'Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(retryDelay(1, options, '2', now)).toBeUndefined();
    expect(retryDelay(1, options, 'soon', now, () => 1)).toBe(100);
  });
});
