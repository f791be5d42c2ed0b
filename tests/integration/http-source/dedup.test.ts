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

async function slowUpstream() {
  server = await startLoopbackServer(async (req, res) => {
    await delay(100);
    sendJson(res, 200, { path: req.url, user: req.headers.authorization ?? null });
  });
  source = new HttpSource(sourceConfig(server.url));
}

describe('in-flight de-duplication', () => {
  it('sends one upstream request for identical concurrent GETs', async () => {
    await slowUpstream();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        source.call({ method: 'GET', path: '/stock?isbn=1', headers: { authorization: 'A' } }),
      ),
    );
    expect(server.requests.map((r) => r.url)).toEqual(['/stock?isbn=1']);
    expect(results.map((r) => r.cache).sort()).toEqual(['in-flight', ...Array(8).fill('in-flight'), 'miss'].sort());
    expect(results.map((r) => r.attempts).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    for (const result of results) expect(result.value).toEqual({ path: '/stock?isbn=1', user: 'A' });
  });

  it('sends one request per distinct forwarded credential', async () => {
    await slowUpstream();
    const [a, b, a2] = await Promise.all([
      source.call({ method: 'GET', path: '/stock', headers: { authorization: 'A' } }),
      source.call({ method: 'GET', path: '/stock', headers: { authorization: 'B' } }),
      source.call({ method: 'GET', path: '/stock', headers: { authorization: 'A' } }),
    ]);
    expect(server.requests.map((r) => r.headers.authorization).sort()).toEqual(['A', 'B']);
    expect([a!.value, b!.value, a2!.value]).toEqual([
      { path: '/stock', user: 'A' },
      { path: '/stock', user: 'B' },
      { path: '/stock', user: 'A' },
    ]);
  });

  it('does not share calls that are not GET', async () => {
    await slowUpstream();
    await Promise.all(
      Array.from({ length: 3 }, () => source.call({ method: 'POST', path: '/orders', body: { n: 1 } })),
    );
    expect(server.requests.map((r) => [r.method, r.body])).toEqual([
      ['POST', '{"n":1}'],
      ['POST', '{"n":1}'],
      ['POST', '{"n":1}'],
    ]);
  });

  it('keeps serving the callers that stay when the first caller aborts', async () => {
    await slowUpstream();
    const first = new AbortController();
    const leaving = source.call({ method: 'GET', path: '/stock', signal: first.signal });
    const staying = source.call({ method: 'GET', path: '/stock' });
    await delay(20);
    first.abort();
    expect(await failureOf(leaving)).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'inventory call cancelled: the caller aborted',
    });
    expect((await staying).value).toEqual({ path: '/stock', user: null });
    expect(server.requests).toHaveLength(1);
  });

  it('starts a new call once the shared one has finished', async () => {
    await slowUpstream();
    await source.call({ method: 'GET', path: '/stock' });
    const again = await source.call({ method: 'GET', path: '/stock' });
    expect(again.cache).toBe('miss');
    expect(server.requests).toHaveLength(2);
  });
});
