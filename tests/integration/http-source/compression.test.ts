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
    server = await serveEncoded('application/json', 'compress', Buffer.from('{}'));
    source = new HttpSource(sourceConfig(server.url));
    expect(await failureOf(source.call({ method: 'GET', path: '/x' }))).toEqual({
      code: 'UPSTREAM_BAD_RESPONSE',
      message: 'inventory sent its body in content encoding compress, which Switchyard cannot decode',
    });
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
});
