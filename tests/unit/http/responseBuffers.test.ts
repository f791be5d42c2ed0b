// ResponseBuffers writes a result with lists into a reused Buffer, one run of
// elements at a time; its bytes must be JSON.stringify's for any value, and a
// Buffer may go back to the pool only once the socket is done with it.
import { once } from 'node:events';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseBuffers } from '../../../src/http/responseBuffers.ts';

const bytes = (body: string | Buffer) => (typeof body === 'string' ? Buffer.from(body) : body);

const rows = (n: number, text: (i: number) => string = (i) => `review ${i}`) =>
  Array.from({ length: n }, (_, i) => ({ node: { id: String(i), rating: i % 5, body: text(i), at: null } }));

// Runs of list elements, growth past the first Buffer, and every odd corner of JSON.stringify.
const values: [string, unknown][] = [
  ['a result without lists', { data: { book: { id: '1', title: 'A' } } }],
  ['a page of rows', { data: { reviews: { edges: rows(1000), pageInfo: { hasNextPage: true } } } }],
  ['multi-byte text', { data: { list: rows(700, (i) => `é ✓ 😀 ${'ß'.repeat(i % 40)} \u2028 "quoted" \\ ${i}`) } }],
  ['lone surrogates', { data: { list: ['\ud800', 'a\udc00b', '😀'.repeat(5000)] } }],
  [
    'values JSON.stringify leaves out',
    { data: { a: undefined, b: [undefined, () => 1, Symbol('s')], c: () => 1 }, n: NaN },
  ],
  ['empty lists and objects', { data: { a: [], b: {}, c: [[], {}], d: { e: [] } }, errors: [] }],
  ['lists of lists', { data: Array.from({ length: 300 }, (_, i) => [i, [String(i), { x: [i] }]]) }],
  [
    'toJSON and class instances',
    { data: { when: new Date(0), items: [new Date(1), new Map([[1, 2]])], o: { toJSON: () => [1] } } },
  ],
  ['null-prototype objects', { data: Object.assign(Object.create(null) as object, { list: rows(50) }) }],
  ['a top-level list', rows(200)],
  ['elements too large for a run', { data: { authors: rows(3, () => 'x'.repeat(70_000)).concat(rows(2)) } }],
  [
    'large elements with lists inside, then small ones',
    { data: [{ books: rows(600, (i) => 'y'.repeat(i)) }, { books: [] }, 7, 'eight', null, { books: rows(2) }] },
  ],
  ['a list of scalars', { data: { ids: Array.from({ length: 5000 }, (_, i) => i * 1.5) } }],
  [
    // Elements over 64 K characters that hold lists are written part by part,
    // with runs again once the elements are small.
    'large elements with lists among small ones and leaves',
    {
      data: [
        { books: rows(500, (i) => 'y'.repeat(i)) },
        { books: rows(400, (i) => 'z'.repeat(i % 300)), n: 1 },
        [rows(700, (i) => 'w'.repeat(i % 200))],
        { books: [] },
        7,
        { books: rows(2) },
        'eight',
        null,
        ...rows(40),
        { books: rows(600, (i) => 'v'.repeat(i % 250)) },
        { books: rows(1) },
      ],
    },
  ],
];

describe('ResponseBuffers.encode', () => {
  it.each(values)('writes JSON.stringify bytes: %s', (_name, value) => {
    // Small Buffers, so that growth is exercised too.
    const pool = new ResponseBuffers({ initialBytes: 64 });
    expect(bytes(pool.encode(value)).equals(Buffer.from(JSON.stringify(value)))).toBe(true);
  });

  it('answers a result without lists as a string, and one with lists as a Buffer', () => {
    const pool = new ResponseBuffers();
    expect(typeof pool.encode({ data: { book: { id: '1' } } })).toBe('string');
    expect(Buffer.isBuffer(pool.encode({ data: { books: [] } }))).toBe(true);
  });

  it('copies a small body out and gives its pooled Buffer back at once', () => {
    const pool = new ResponseBuffers({ keep: 1 });
    const pooled = pool.take();
    pool.give(pooled);
    const small = pool.encode({ errors: [{ message: 'no' }] }) as Buffer;
    expect(small.buffer).not.toBe(pooled.buffer);
    expect(pool.take()).toBe(pooled);
  });

  it('throws where JSON.stringify throws', () => {
    const pool = new ResponseBuffers();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    // A cycle overflows the stack (RangeError) rather than JSON.stringify's TypeError; GraphQL results have none.
    expect(() => pool.encode({ data: [cyclic] })).toThrow(RangeError);
    expect(() => pool.encode({ data: [1n] })).toThrow(TypeError);
  });
});

describe('ResponseBuffers reuse', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A server that answers each request with `encode(value)` and hands the Buffer back after it. */
  async function serve(
    pool: ResponseBuffers,
    onRequest: (body: Buffer, res: import('node:http').ServerResponse) => void,
  ) {
    server = createServer((_req, res) => {
      const body = pool.encode({ data: rows(300) }) as Buffer;
      pool.releaseAfter(body, res);
      onRequest(body, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  function get(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      request({ port, host: '127.0.0.1' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
        res.on('error', reject);
      })
        .on('error', () => resolve(''))
        .end();
    });
  }

  it('writes overlapping large bodies into the Buffers kept, once they have grown', async () => {
    const pool = new ResponseBuffers();
    const result = { data: rows(3000, (i) => 'x'.repeat(60 + (i % 40))) };
    const kept = new Set<ArrayBufferLike>();
    const failures: string[] = [];
    let round = 0;
    let held: [Buffer, ServerResponse][] = [];
    // Three requests at a time: each body is encoded while the others are still unsent, then all three are sent.
    server = createServer((_req, res) => {
      held.push([pool.encode(result) as Buffer, res]);
      if (held.length < 3) return;
      for (const [body, response] of held) {
        if (body.length <= 300_000) failures.push(`round ${round}: ${body.length} bytes`);
        if (round > 0 && !kept.has(body.buffer)) failures.push(`round ${round}: a Buffer not kept`);
        kept.add(body.buffer);
        pool.releaseAfter(body, response);
        response.end(body);
      }
      held = [];
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    for (; round < 4; round++) {
      const answers = await Promise.all([get(port), get(port), get(port)]);
      for (const answer of answers) expect(answer.length).toBeGreaterThan(300_000);
    }
    expect(failures).toEqual([]);
  });

  it('takes a sent response’s Buffer again, once the response has finished', async () => {
    const pool = new ResponseBuffers();
    const seen: ArrayBufferLike[] = [];
    const port = await serve(pool, (body, res) => {
      seen.push(body.buffer);
      res.end(body);
    });
    expect(JSON.parse(await get(port))).toEqual({ data: rows(300) });
    expect(JSON.parse(await get(port))).toEqual({ data: rows(300) });
    expect(seen[1]).toBe(seen[0]);
  });

  it('never takes a Buffer whose response closed before finishing', async () => {
    const pool = new ResponseBuffers();
    const seen: ArrayBufferLike[] = [];
    const port = await serve(pool, (body, res) => {
      seen.push(body.buffer);
      if (seen.length === 1) res.destroy();
      else res.end(body);
    });
    await get(port);
    expect(JSON.parse(await get(port))).toEqual({ data: rows(300) });
    expect(seen[1]).not.toBe(seen[0]);
  });

  it('does not hand out a Buffer while a slow client is still being sent it', async () => {
    // 20 MB: more than the socket buffers hold, so the first response's
    // bytes still wait in its Buffer while the second is written.
    // One Buffer, large enough that neither body grows it: reused too early,
    // it would be the first response's.
    const pool = new ResponseBuffers({ keep: 1, maxBytes: 32 * 1024 * 1024, initialBytes: 32 * 1024 * 1024 });
    const body = (letter: string) => ({ data: rows(100_000, (i) => letter.repeat(150 + (i % 7))) });
    let written = 0;
    server = createServer((req, res) => {
      const encoded = pool.encode(body(req.url!.slice(1))) as Buffer;
      pool.releaseAfter(encoded, res);
      res.end(encoded);
      written += 1;
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;

    // A raw socket that reads nothing until the second response is out, so
    // its receive buffer stays small and most of the first body waits.
    const socket = connect(port, '127.0.0.1');
    socket.pause();
    socket.write('GET /a HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n');
    const slow = new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve(raw.subarray(raw.indexOf('\r\n\r\n') + 4).toString());
      });
      socket.on('error', reject);
    });
    while (written < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const fast = await new Promise<string>((resolve, reject) => {
      request({ port, host: '127.0.0.1', path: '/b' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
      })
        .on('error', reject)
        .end();
    });
    expect(fast === JSON.stringify(body('b'))).toBe(true);
    socket.resume();
    expect((await slow) === JSON.stringify(body('a'))).toBe(true);
  });

  it('keeps the `keep` largest Buffers and none grown past `maxBytes`', () => {
    const pool = new ResponseBuffers({ keep: 2, maxBytes: 4096, initialBytes: 512 });
    const [small, medium, large, larger, tooLarge] = [256, 512, 1024, 2048, 8192].map((n) => pool.take(n));
    for (const buffer of [medium, large, small, larger, tooLarge]) pool.give(buffer!);
    expect(pool.take()).toBe(larger);
    expect(pool.take()).toBe(large);
    expect([small, medium, tooLarge]).not.toContain(pool.take());
  });
});
