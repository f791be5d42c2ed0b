import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSource } from '../../../src/sources/http/HttpSource.ts';
import { type LoopbackServer, startLoopbackServer } from '../../helpers/loopbackServer.ts';
import { failureOf, sendJson, sourceConfig } from './fixtures.ts';

let server: LoopbackServer;
let source: HttpSource;
afterEach(async () => {
  source?.close();
  await server?.close();
});

/** A source with a shared cache and a clock the test moves. */
async function cachedSource(handler: (req: IncomingMessage, res: ServerResponse) => void, maxBytes = 1_000_000) {
  server = await startLoopbackServer(handler);
  const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
  source = new HttpSource(sourceConfig(server.url, { sharedCache: { maxBytes } }), { now: () => clock.now });
  return clock;
}

const get = (path = '/stock', headers?: Record<string, string>) => source.call({ method: 'GET', path, headers });

describe('shared cache', () => {
  it('serves a fresh answer (max-age) without calling the upstream', async () => {
    const clock = await cachedSource((_req, res) => sendJson(res, 200, { n: 1 }, { 'cache-control': 'max-age=60' }));
    expect(await get()).toMatchObject({ cache: 'miss', attempts: 1, value: { n: 1 } });
    clock.now += 59_000;
    expect(await get()).toMatchObject({ cache: 'shared-hit', attempts: 0, value: { n: 1 }, status: 200 });
    expect(server.requests).toHaveLength(1);
  });

  it('revalidates a stale answer with If-None-Match, and a 304 renews its freshness', async () => {
    const clock = await cachedSource((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { 'cache-control': 'max-age=60' }).end();
      else sendJson(res, 200, { n: 1 }, { 'cache-control': 'max-age=60', etag: '"v1"' });
    });
    await get();
    clock.now += 61_000;
    expect(await get()).toMatchObject({ cache: 'revalidated', attempts: 1, value: { n: 1 }, status: 200 });
    expect(server.requests.map((r) => r.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    clock.now += 30_000;
    expect(await get()).toMatchObject({ cache: 'shared-hit', value: { n: 1 } });
    expect(server.requests).toHaveLength(2);
  });

  it('replaces a stale answer when the upstream sends a new one', async () => {
    let version = 1;
    const clock = await cachedSource((_req, res) =>
      sendJson(res, 200, { version }, { 'cache-control': 'max-age=60', etag: `"v${version}"` }),
    );
    await get();
    version = 2;
    clock.now += 61_000;
    expect(await get()).toMatchObject({ cache: 'miss', value: { version: 2 } });
    expect(await get()).toMatchObject({ cache: 'shared-hit', value: { version: 2 } });
  });

  it('revalidates with If-Modified-Since when there is no ETag', async () => {
    const modified = 'Tue, 31 Dec 2024 12:00:00 GMT';
    const clock = await cachedSource((req, res) => {
      if (req.headers['if-modified-since'] === modified) res.writeHead(304).end();
      else sendJson(res, 200, { n: 1 }, { 'cache-control': 'max-age=10', 'last-modified': modified });
    });
    await get();
    clock.now += 11_000;
    expect(await get()).toMatchObject({ cache: 'revalidated', value: { n: 1 } });
    // The 304 said nothing about freshness: the stored max-age applies again.
    expect(await get()).toMatchObject({ cache: 'shared-hit' });
    expect(server.requests).toHaveLength(2);
  });

  it('never stores a no-store answer', async () => {
    await cachedSource((_req, res) => sendJson(res, 200, { n: 1 }, { 'cache-control': 'no-store, max-age=60' }));
    for (let i = 0; i < 3; i++) expect((await get()).cache).toBe('miss');
    expect(server.requests).toHaveLength(3);
    expect(source.cacheBytes).toBe(0);
  });

  it('stores a no-cache answer but revalidates it every time', async () => {
    await cachedSource((req, res) => {
      if (req.headers['if-none-match'] === '"a"') res.writeHead(304).end();
      else sendJson(res, 200, { n: 1 }, { 'cache-control': 'no-cache', etag: '"a"' });
    });
    await get();
    expect(await get()).toMatchObject({ cache: 'revalidated', value: { n: 1 } });
    expect(await get()).toMatchObject({ cache: 'revalidated', value: { n: 1 } });
    expect(server.requests).toHaveLength(3);
  });

  it('keeps answers for different credentials apart, private ones included', async () => {
    await cachedSource((req, res) =>
      sendJson(res, 200, { user: req.headers.authorization }, { 'cache-control': 'private, max-age=60' }),
    );
    expect((await get('/me', { authorization: 'A' })).value).toEqual({ user: 'A' });
    expect((await get('/me', { authorization: 'B' })).value).toEqual({ user: 'B' });
    expect(await get('/me', { authorization: 'A' })).toMatchObject({ cache: 'shared-hit', value: { user: 'A' } });
    expect(server.requests).toHaveLength(2);
  });

  it('never caches errors, nor calls other than GET', async () => {
    await cachedSource((req, res) =>
      sendJson(res, req.url === '/broken' ? 500 : 200, {}, { 'cache-control': 'max-age=60' }),
    );
    await failureOf(get('/broken'));
    await failureOf(get('/broken'));
    expect(server.requests).toHaveLength(6); // two calls of three attempts each, none served from the cache
    await source.call({ method: 'POST', path: '/orders', body: {} });
    expect((await source.call({ method: 'POST', path: '/orders', body: {} })).cache).toBe('miss');
    expect(server.requests).toHaveLength(8);
  });

  it('stays within maxBytes, evicting the least recently used answers', async () => {
    const body = 'x'.repeat(3000);
    await cachedSource((_req, res) => sendJson(res, 200, body, { 'cache-control': 'max-age=60' }), 10_000);
    for (let i = 0; i < 20; i++) {
      await get(`/big/${i}`);
      expect(source.cacheBytes).toBeLessThanOrEqual(10_000);
    }
    expect(source.cacheBytes).toBeGreaterThan(5000);
    expect((await get('/big/19')).cache).toBe('shared-hit');
    expect((await get('/big/0')).cache).toBe('miss');
    expect(server.requests).toHaveLength(21);
  });

  it('does not cache at all without a sharedCache configuration', async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, {}, { 'cache-control': 'max-age=60' }));
    source = new HttpSource(sourceConfig(server.url));
    await get();
    expect((await get()).cache).toBe('miss');
    expect(server.requests).toHaveLength(2);
  });
});
