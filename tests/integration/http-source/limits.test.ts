import { afterEach, describe, expect, it } from 'vitest';
import { HttpSource } from '../../../src/sources/http/HttpSource.ts';
import { type LoopbackServer, startLoopbackServer } from '../../helpers/loopbackServer.ts';
import { closed, delay, failureOf, sendJson, sourceConfig } from './fixtures.ts';

let server: LoopbackServer;
let source: HttpSource;
afterEach(async () => {
  source?.close();
  await server?.close();
});

describe('concurrency cap', () => {
  it('never has more than maxConcurrency calls at the upstream; the rest wait their turn', async () => {
    let active = 0;
    let maxActive = 0;
    server = await startLoopbackServer(async (req, res) => {
      maxActive = Math.max(maxActive, ++active);
      await delay(50);
      active--;
      sendJson(res, 200, { path: req.url });
    });
    source = new HttpSource(sourceConfig(server.url, { maxConcurrency: 2 }));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => source.call({ method: 'GET', path: `/stock?isbn=${i}` })),
    );
    expect(results.map((r) => r.value)).toEqual(Array.from({ length: 8 }, (_, i) => ({ path: `/stock?isbn=${i}` })));
    expect(server.requests).toHaveLength(8);
    expect(maxActive).toBe(2);
  });

  it('times out a call that waits longer than timeoutMs for a slot, without asking the upstream', async () => {
    server = await startLoopbackServer(() => undefined); // never answers: the one slot stays busy
    source = new HttpSource(sourceConfig(server.url, { maxConcurrency: 1, timeoutMs: 300, retries: 0 }));
    const started = performance.now();
    const failures = await Promise.all(
      Array.from({ length: 6 }, (_, i) => failureOf(source.call({ method: 'GET', path: `/stock/${i}` }))),
    );
    // Queued one behind the other, the last would wait 6 × 300 ms; each gives up after its own 300.
    expect(performance.now() - started).toBeLessThan(1200);
    expect(failures[0]).toEqual({ code: 'UPSTREAM_TIMEOUT', message: 'inventory did not answer within 300 ms' });
    expect(failures.every((f) => f.code === 'UPSTREAM_TIMEOUT')).toBe(true);
    // When the first times out, the next in line may just get the slot before its own deadline.
    const slotless = failures.filter((f) => f.message.includes('no free connection slot within 300 ms'));
    expect(slotless.length).toBeGreaterThanOrEqual(4);
    expect(server.requests.length).toBe(6 - slotless.length);
  });
});

describe('body cap', () => {
  it('refuses a body whose Content-Length is over maxBodyBytes', async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, 'x'.repeat(5000)));
    source = new HttpSource(sourceConfig(server.url, { maxBodyBytes: 1000 }));
    expect(await failureOf(source.call({ method: 'GET', path: '/stock' }))).toEqual({
      code: 'UPSTREAM_BAD_RESPONSE',
      message: 'inventory sent a body that exceeds 1000 bytes',
    });
    expect(server.requests).toHaveLength(1); // not retried
  });

  it('cuts a chunked body as soon as it passes maxBodyBytes, closing the connection', async () => {
    let written = 0;
    const connections: Promise<void>[] = [];
    server = await startLoopbackServer((_req, res) => {
      connections.push(closed(res));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('"');
      const timer = setInterval(() => {
        res.write('x'.repeat(1024));
        written += 1024;
      }, 2);
      res.on('close', () => clearInterval(timer));
    });
    source = new HttpSource(sourceConfig(server.url, { maxBodyBytes: 10_000, timeoutMs: 10_000 }));
    expect(await failureOf(source.call({ method: 'GET', path: '/export' }))).toEqual({
      code: 'UPSTREAM_BAD_RESPONSE',
      message: 'inventory sent a body that exceeds 10000 bytes',
    });
    await connections[0];
    expect(written).toBeLessThan(5_000_000);
  });
});

describe('content types', () => {
  it('refuses an answer that is not of the source format', async () => {
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html>maintenance</html>');
    });
    source = new HttpSource(sourceConfig(server.url));
    expect(await failureOf(source.call({ method: 'GET', path: '/stock' }))).toEqual({
      code: 'UPSTREAM_BAD_RESPONSE',
      message: 'inventory answered with content type text/html; expected application/json',
    });
  });

  it('accepts +json types and asks for the source format', async () => {
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.api+json; charset=utf-8' });
      res.end('{"data": []}');
    });
    source = new HttpSource(sourceConfig(server.url, { headers: { 'x-api-key': 'k' } }));
    expect((await source.call({ method: 'GET', path: '/stock' })).value).toEqual({ data: [] });
    expect(server.requests[0]!.headers).toMatchObject({ accept: 'application/json', 'x-api-key': 'k' });
  });

  it('asks an XML source for XML and refuses JSON from it', async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, {}));
    source = new HttpSource(sourceConfig(server.url, { name: 'fx', format: 'xml' }));
    expect(await failureOf(source.call({ method: 'GET', path: '/rates.xml' }))).toEqual({
      code: 'UPSTREAM_BAD_RESPONSE',
      message: 'fx answered with content type application/json; expected application/xml, text/xml',
    });
    expect(server.requests[0]!.headers.accept).toBe('application/xml, text/xml');
  });

  it('sends a JSON body with its content type', async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 201, { created: true }));
    source = new HttpSource(sourceConfig(server.url));
    const result = await source.call({ method: 'POST', path: '/orders', body: { isbn: '1' } });
    expect(result).toMatchObject({ status: 201, value: { created: true } });
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/orders',
      body: '{"isbn":"1"}',
      headers: { 'content-type': 'application/json' },
    });
  });

  it('answers 204 with a null value', async () => {
    server = await startLoopbackServer((_req, res) => res.writeHead(204).end());
    source = new HttpSource(sourceConfig(server.url));
    expect(await source.call({ method: 'DELETE', path: '/orders/1' })).toMatchObject({ status: 204, value: null });
  });
});

describe('unreachable upstreams', () => {
  it('fails with UPSTREAM_UNAVAILABLE when the port is closed', async () => {
    const gone = await startLoopbackServer(() => undefined);
    await gone.close();
    source = new HttpSource(sourceConfig(gone.url, { retries: 1 }));
    expect(await failureOf(source.call({ method: 'GET', path: '/stock' }))).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'inventory could not be reached (ECONNREFUSED)',
    });
  });

  it('does not follow redirects, which would take the source credentials elsewhere', async () => {
    server = await startLoopbackServer((_req, res) => res.writeHead(302, { location: 'http://example.com/' }).end());
    source = new HttpSource(sourceConfig(server.url));
    expect(await failureOf(source.call({ method: 'GET', path: '/stock' }))).toEqual({
      code: 'UPSTREAM_FAILED',
      message: 'inventory answered 302 for GET /stock',
      status: 302,
    });
    expect(server.requests).toHaveLength(1);
  });
});
