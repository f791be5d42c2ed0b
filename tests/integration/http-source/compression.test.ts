// Compressed upstream answers, decoded as fetch did before sendRequest.ts moved
// to undici's `request`: real loopback servers, real zlib streams.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSource } from '../../../src/sources/http/HttpSource.ts';
import { type LoopbackServer, startLoopbackServer } from '../../helpers/loopbackServer.ts';
import { failureOf, sourceConfig } from './fixtures.ts';

let server: LoopbackServer;
let source: HttpSource;
afterEach(async () => {
  source?.close();
  await server?.close();
});

function serveEncoded(type: string, encoding: string, body: Buffer): Promise<LoopbackServer> {
  return startLoopbackServer((_req, res) => {
    res.writeHead(200, { 'content-type': type, 'content-encoding': encoding, 'content-length': body.length });
    res.end(body);
  });
}

describe('compressed answers', () => {
  it('asks for gzip, deflate and brotli, and reads a gzip JSON body', async () => {
    server = await serveEncoded('application/json', 'gzip', gzipSync(JSON.stringify({ isbn: '1', available: 3 })));
    source = new HttpSource(sourceConfig(server.url));
    expect((await source.call({ method: 'GET', path: '/stock/1' })).value).toEqual({ isbn: '1', available: 3 });
    expect(server.requests[0]!.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('reads a brotli XML body and a deflate JSON body', async () => {
    const xml = '<rates><rate currency="USD">1.08</rate></rates>';
    server = await serveEncoded('application/xml', 'br', brotliCompressSync(xml));
    source = new HttpSource(sourceConfig(server.url, { name: 'fx', format: 'xml' }));
    expect((await source.call({ method: 'GET', path: '/rates.xml' })).value).toMatchObject({
      name: 'rates',
      children: [{ name: 'rate', attributes: { currency: 'USD' }, text: '1.08' }],
    });
    source.close();
    await server.close();
    server = await serveEncoded('application/json', 'deflate', deflateSync('[1,2,3]'));
    source = new HttpSource(sourceConfig(server.url));
    expect((await source.call({ method: 'GET', path: '/ids' })).value).toEqual([1, 2, 3]);
  });

  it('undoes stacked encodings last-applied first', async () => {
    server = await serveEncoded('application/json', 'gzip, br', brotliCompressSync(gzipSync('{"ok":true}')));
    source = new HttpSource(sourceConfig(server.url));
    expect((await source.call({ method: 'GET', path: '/x' })).value).toEqual({ ok: true });
  });

  it('caps the decoded bytes: a small gzip bomb stops at maxBodyBytes', async () => {
    const bomb = gzipSync(Buffer.alloc(50_000_000, 32)); // 50 MB of spaces, about 50 KB compressed
    expect(bomb.length).toBeLessThan(100_000);
    server = await serveEncoded('application/json', 'gzip', bomb);
    source = new HttpSource(sourceConfig(server.url, { maxBodyBytes: 1_000_000 }));
    expect(await failureOf(source.call({ method: 'GET', path: '/bomb' }))).toEqual({
      code: 'UPSTREAM_BAD_RESPONSE',
      message: 'inventory sent a body that exceeds 1000000 bytes',
    });
  });

  it('refuses an encoding it cannot decode, and a corrupt body, as bad responses (not retried)', async () => {
    let encoding = 'compress';
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
      res.end('{}');
    });
    source = new HttpSource(sourceConfig(server.url));
    for (encoding of ['compress', 'constructor']) {
      expect(await failureOf(source.call({ method: 'GET', path: `/${encoding}` }))).toEqual({
        code: 'UPSTREAM_BAD_RESPONSE',
        message: `inventory sent its body in content encoding ${encoding}, which Switchyard cannot decode`,
      });
    }
    source.close();
    await server.close();
    server = await serveEncoded('application/json', 'gzip', Buffer.from('{"this is": "not gzip"}'));
    source = new HttpSource(sourceConfig(server.url));
    expect(await failureOf(source.call({ method: 'GET', path: '/x' }))).toEqual({
      code: 'UPSTREAM_BAD_RESPONSE',
      message: 'inventory sent a body that is not valid gzip',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('passes an identity body through, and reuses the connection after a plain or a decoded body', async () => {
    const ports: number[] = [];
    server = await startLoopbackServer((req, res) => {
      ports.push(req.socket.remotePort!);
      const plain = req.url === '/plain';
      const body = plain ? Buffer.from('{"n":1}') : gzipSync('{"n":1}');
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': plain ? 'identity' : 'gzip' });
      res.end(body);
    });
    source = new HttpSource(sourceConfig(server.url));
    for (const path of ['/plain', '/gzip', '/plain', '/gzip'])
      expect((await source.call({ method: 'GET', path })).value).toEqual({ n: 1 });
    // One keep-alive connection served all four, one after the other.
    expect(new Set(ports).size).toBe(1);
  });
});
