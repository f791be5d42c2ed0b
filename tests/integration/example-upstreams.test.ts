// The example upstreams over real loopback HTTP: the inventory's batch and
// single endpoints with their fixture rules and API key, the ECB feed with its
// caching headers, robustness against odd requests, and a clean close().
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFxServer } from '../../examples/upstreams/fx.ts';
import { startInventoryServer, stockFor } from '../../examples/upstreams/inventory.ts';
import { startExampleUpstreams, type ExampleUpstreams } from '../../examples/upstreams/start.ts';
import type { UpstreamServer } from '../../examples/upstreams/types.ts';
import { decodeBody } from '../../src/sources/http/decode/decodeBody.ts';
import type { XmlElement } from '../../src/sources/http/types.ts';

/** The ISBN of demo book `id`, as src/sources/prisma/seedDemoData.ts makes it. */
const demoIsbn = (id: number) => `978${String(1_000_000_000 + (id - 1) * 7919).slice(-10)}`;
const demoIsbns = Array.from({ length: 125 }, (_, i) => demoIsbn(i + 1));
/** Demo books whose ISBN has a 7 before the check digit: the inventory does not stock them. */
const absentDemoBooks = [5, 10, 26, 31, 42, 47, 63, 68, 84, 89, 105, 110];

interface StockBody {
  items: { isbn: string; available: number; reserved: number; warehouse: { code: string; city: string } }[];
}

describe('example upstreams', () => {
  let upstreams: ExampleUpstreams;
  beforeAll(async () => {
    upstreams = await startExampleUpstreams();
  });
  afterAll(() => upstreams?.close());

  describe('inventory', () => {
    it('stocks every demo book but the ones with a 7 before the check digit', () => {
      const absent = demoIsbns.flatMap((isbn, i) => (stockFor(isbn) === null ? [i + 1] : []));
      expect(absent).toEqual(absentDemoBooks);
    });

    it('answers a batch with the known ISBNs only, not in request order, never cached', async () => {
      const asked = [demoIsbn(1), demoIsbn(5), 'not-an-isbn', demoIsbn(2), demoIsbn(3), demoIsbn(4), demoIsbn(6)];
      const response = await fetch(`${upstreams.inventory.url}/stock?isbn=${asked.join(',')}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const { items } = (await response.json()) as StockBody;
      const known = [demoIsbn(1), demoIsbn(2), demoIsbn(3), demoIsbn(4), demoIsbn(6)];
      expect(items.map((item) => item.isbn).sort()).toEqual([...known].sort());
      expect(items.map((item) => item.isbn)).not.toEqual(known);
      expect(items).toContainEqual(stockFor(demoIsbn(1)));
      for (const item of items) {
        expect(item.available).toBeGreaterThanOrEqual(0);
        expect(item.available).toBeLessThanOrEqual(40);
        expect(item.reserved).toBeLessThanOrEqual(item.available);
        expect(item.warehouse.code).toMatch(/^[A-Z]{3}$/);
      }
      expect(upstreams.inventory.requests).toContainEqual({ method: 'GET', url: `/stock?isbn=${asked.join(',')}` });
    });

    it('accepts repeated isbn parameters and answers each ISBN once', async () => {
      const isbn = demoIsbn(7);
      const response = await fetch(`${upstreams.inventory.url}/stock?isbn=${isbn}&isbn=${isbn},${isbn}`);
      expect(((await response.json()) as StockBody).items.map((item) => item.isbn)).toEqual([isbn]);
    });

    it('refuses a batch of more than 100 ISBNs, or none', async () => {
      const tooMany = await fetch(`${upstreams.inventory.url}/stock?isbn=${demoIsbns.slice(0, 101).join(',')}`);
      expect([tooMany.status, await tooMany.json()]).toEqual([
        400,
        { error: 'at most 100 ISBNs per request, got 101' },
      ]);
      const hundred = await fetch(`${upstreams.inventory.url}/stock?isbn=${demoIsbns.slice(0, 100).join(',')}`);
      expect(((await hundred.json()) as StockBody).items).toHaveLength(100 - 10);
      const none = await fetch(`${upstreams.inventory.url}/stock`);
      expect([none.status, await none.json()]).toEqual([
        400,
        { error: 'query parameter isbn is required, e.g. /stock?isbn=a,b,c' },
      ]);
    });

    it('answers one ISBN, or 404 for one it does not stock', async () => {
      const found = await fetch(`${upstreams.inventory.url}/stock/${demoIsbn(1)}`);
      expect([found.status, await found.json()]).toEqual([200, stockFor(demoIsbn(1))]);
      const absent = await fetch(`${upstreams.inventory.url}/stock/${demoIsbn(5)}`);
      expect([absent.status, await absent.json()]).toEqual([404, { error: 'not found' }]);
    });

    describe('with an API key', () => {
      let inventory: UpstreamServer;
      beforeAll(async () => {
        inventory = await startInventoryServer({ apiKey: 's3cret' });
      });
      afterAll(() => inventory?.close());

      it('requires x-api-key to equal it', async () => {
        const url = `${inventory.url}/stock/${demoIsbn(1)}`;
        const missing = await fetch(url);
        expect([missing.status, await missing.json()]).toEqual([401, { error: 'missing or wrong x-api-key header' }]);
        expect((await fetch(url, { headers: { 'x-api-key': 'guess' } })).status).toBe(401);
        expect((await fetch(url, { headers: { 'x-api-key': 's3cret' } })).status).toBe(200);
      });
    });
  });

  describe('fx', () => {
    const feed = () => `${upstreams.fx.url}/eurofxref-daily.xml`;

    it('serves the ECB feed with caching headers, and it decodes into rates', async () => {
      const response = await fetch(feed());
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/xml');
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      expect(response.headers.get('etag')).toMatch(/^"[\w-]+"$/);
      const root = decodeBody('xml', new Uint8Array(await response.arrayBuffer()), 'fx') as XmlElement;
      expect([root.name, root.ns]).toEqual(['Envelope', 'http://www.gesmes.org/xml/2002-08-01']);
      const day = root.children.find((child) => child.name === 'Cube')!.children[0]!;
      expect([day.ns, day.attributes.time]).toEqual([
        'http://www.ecb.int/vocabulary/2002-08-01/eurofxref',
        '2026-11-23',
      ]);
      const rates = new Map(day.children.map((cube) => [cube.attributes.currency, Number(cube.attributes.rate)]));
      expect(rates.size).toBeGreaterThanOrEqual(29);
      expect(rates.get('USD')).toBe(1.0812);
      for (const rate of rates.values()) expect(rate).toBeGreaterThan(0);
    });

    it('answers 304 to a matching If-None-Match, strong or weak, and 200 otherwise', async () => {
      const etag = (await fetch(feed())).headers.get('etag')!;
      const revalidated = await fetch(feed(), { headers: { 'if-none-match': etag } });
      expect([revalidated.status, await revalidated.text()]).toEqual([304, '']);
      expect(revalidated.headers.get('etag')).toBe(etag);
      const weak = await fetch(feed(), { headers: { 'if-none-match': `"other", W/${etag}` } });
      expect(weak.status).toBe(304);
      const stale = await fetch(feed(), { headers: { 'if-none-match': '"other"' } });
      expect(stale.status).toBe(200);
    });

    it('answers 404 elsewhere', async () => {
      const response = await fetch(`${upstreams.fx.url}/eurofxref-hist.xml`);
      expect([response.status, await response.json()]).toEqual([404, { error: 'not found' }]);
    });
  });

  describe('robustness', () => {
    it.each([
      ['/nowhere', 404, { error: 'not found' }],
      ['/stock/%E0%A4%A', 400, { error: 'malformed ISBN in path' }],
      ['/stock/a/b', 404, { error: 'not found' }],
      ['/stock?isbn=%FF%FE', 200, { items: [] }],
    ])('answers %s with %i JSON', async (path, status, body) => {
      const response = await fetch(upstreams.inventory.url + path);
      expect([response.status, await response.json()]).toEqual([status, body]);
    });

    it('refuses other methods with 405', async () => {
      const response = await fetch(`${upstreams.inventory.url}/stock?isbn=1`, { method: 'POST', body: '{}' });
      expect([response.status, response.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    });

    it('survives a huge query string and garbage on the socket', async () => {
      const huge = await fetch(`${upstreams.inventory.url}/stock?isbn=${'9'.repeat(100_000)}`);
      expect(huge.status).toBe(431);
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(upstreams.inventory.url).port), '127.0.0.1');
        let data = '';
        socket.on('data', (chunk) => (data += chunk));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
        socket.write('NOT HTTP AT ALL\r\n\r\n');
      });
      expect(reply).toMatch(/^HTTP\/1\.1 400/);
      expect((await fetch(`${upstreams.inventory.url}/stock/${demoIsbn(1)}`)).status).toBe(200);
    });
  });

  it('closes every connection on close(), even one in the middle of a request', async () => {
    const fx = await startFxServer();
    const socket = connect(Number(new URL(fx.url).port), '127.0.0.1');
    const socketClosed = new Promise((resolve) => socket.on('close', () => resolve('socket closed')));
    await new Promise((resolve) => socket.on('connect', resolve));
    // Headers not finished: the request is in progress, which server.close() alone waits for.
    socket.write('GET /eurofxref-daily.xml HTTP/1.1\r\nHost: example\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const outcome = await Promise.race([
      fx.close().then(() => socketClosed),
      new Promise((resolve) => setTimeout(resolve, 2_000, 'still open')),
    ]);
    socket.destroy();
    expect(outcome).toBe('socket closed');
  });
});
