import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSource } from '../../../src/sources/http/HttpSource.ts';
import { type LoopbackServer, startLoopbackServer } from '../../helpers/loopbackServer.ts';
import { failureOf, sendJson, sourceConfig } from './fixtures.ts';

// One source, one upstream that misbehaves in every way it can, then behaves:
// nothing it sent may have crashed the process or broken the source.
let server: LoopbackServer;
let source: HttpSource;

beforeAll(async () => {
  server = await startLoopbackServer((req, res) => {
    switch (req.url) {
      case '/hang':
        return;
      case '/stall':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"a":');
        return;
      case '/reset':
        req.socket.destroy();
        return;
      case '/reset-mid-body':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"a":');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      case '/huge':
        return sendJson(res, 200, 'x'.repeat(100_000));
      case '/lying-length':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
        return res.end('{"a": 1}');
      case '/garbage':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"a": ');
      case '/not-utf8':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(Buffer.from([0x22, 0xff, 0xfe, 0x22]));
      case '/no-type':
        return res.end('{}');
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<h1>oops</h1>');
      case '/throws':
        throw new Error('handler bug');
      case '/good':
        return sendJson(res, 200, { ok: true });
      default:
        return sendJson(res, 404, { error: 'not found' });
    }
  });
  source = new HttpSource(sourceConfig(server.url, { timeoutMs: 300, retries: 0, maxBodyBytes: 10_000 }));
});

afterAll(async () => {
  source.close();
  await server.close();
});

describe('a hostile upstream', () => {
  const cases: [string, string][] = [
    ['/hang', 'UPSTREAM_TIMEOUT'],
    ['/stall', 'UPSTREAM_TIMEOUT'],
    ['/reset', 'UPSTREAM_UNAVAILABLE'],
    ['/reset-mid-body', 'UPSTREAM_UNAVAILABLE'],
    ['/huge', 'UPSTREAM_BAD_RESPONSE'],
    ['/lying-length', 'UPSTREAM_BAD_RESPONSE'],
    ['/garbage', 'UPSTREAM_BAD_RESPONSE'],
    ['/not-utf8', 'UPSTREAM_BAD_RESPONSE'],
    ['/no-type', 'UPSTREAM_BAD_RESPONSE'],
    ['/html', 'UPSTREAM_BAD_RESPONSE'],
    ['/throws', 'UPSTREAM_FAILED'],
    ['/missing', 'UPSTREAM_FAILED'],
  ];

  it.each(cases)('%s fails with %s', async (path, code) => {
    const failure = await failureOf(source.call({ method: 'GET', path }));
    expect(failure.code).toBe(code);
    expect(failure.message).toMatch(/^inventory /);
  });

  it('leaves the source serving good calls afterwards', async () => {
    expect(await source.call({ method: 'GET', path: '/good' })).toMatchObject({ status: 200, value: { ok: true } });
    expect(source.breakerState).toBe('closed');
  });
});
