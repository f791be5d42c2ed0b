// HTTP sources through the whole gateway: schema.graphql's @http bindings
// against real upstream servers on loopback (the example inventory API and
// exchange-rate feed, and purpose-built failing ones), counting the requests
// the upstreams receive. SQLite only: the database supplies the parent rows,
// which every other suite checks on both providers; nothing here depends on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockFor } from '../../examples/upstreams/inventory.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { createTestGateway, type GraphQLResponse, type TestGateway } from '../helpers/gateway.ts';
import { startLoopbackServer, type LoopbackHandler, type LoopbackServer } from '../helpers/loopbackServer.ts';
import { signToken } from '../helpers/tokens.ts';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';

const seed = { authors: 10, booksPerAuthor: 5, reviewsPerBook: 1, customers: 2 };
const shippedSchema = readFileSync('schema.graphql', 'utf8');

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('sqlite', { seed });
});
afterAll(async () => {
  await database?.drop();
});

/**
 * A gateway whose sources all call one loopback upstream (whose handler the
 * suite supplies), over the shipped schema as `edit` changes it.
 */
function useUpstreamGateway(handler: LoopbackHandler, edit: (sdl: string) => string) {
  const t = {} as { upstream: LoopbackServer; gateway: TestGateway };
  beforeAll(async () => {
    t.upstream = await startLoopbackServer(handler);
    const sourceEnv = { INVENTORY_URL: t.upstream.url, INVENTORY_API_KEY: 'k', FX_URL: t.upstream.url };
    t.gateway = await createTestGateway(database, {}, { sdl: edit(shippedSchema), sourceEnv });
  });
  afterAll(async () => {
    await t.gateway?.close();
    await t.upstream?.close();
  });
  return t;
}

/** A stock item in the inventory API's format. */
const stockItem = (isbn: string) => ({
  isbn,
  available: 3,
  reserved: 0,
  warehouse: { code: 'A', city: 'B' },
  updatedAt: '2026-01-01T00:00:00Z',
});

/** The body of a request the upstream received (the loopback server has read it already). */
const bodyOf = (t: { upstream: LoopbackServer }, req: IncomingMessage) =>
  JSON.parse(t.upstream.requests.find((r) => r.headers === req.headers)!.body || '{}');

describe('HTTP sources with the example upstreams', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await createTestGateway(database);
  });
  afterAll(async () => {
    await gateway?.close();
  });
  const inventory = () => gateway.upstreams!.inventory;
  const fx = () => gateway.upstreams!.fx;

  it('loads the stock of 50 books with one inventory call, matched by ISBN, unknown ones null', async () => {
    const before = inventory().requests.length;
    const res = await gateway.query(`{
      books(first: 50) { nodes { isbn title stock { isbn available reserved warehouse { code city } updatedAt } } }
    }`);
    expect(res.errors).toBeUndefined();
    const calls = inventory().requests.slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toMatch(/^\/stock\?isbn=[\dX]+(,[\dX]+){49}$/);
    const books = res.data!.books.nodes as { isbn: string; stock: Record<string, unknown> | null }[];
    expect(books).toHaveLength(50);
    for (const book of books) {
      const expected = stockFor(book.isbn);
      if (!expected) expect(book.stock).toBeNull();
      else expect(book.stock).toEqual({ ...expected, updatedAt: new Date(expected.updatedAt).toISOString() });
    }
    // The seed has both kinds, so the matching is really exercised.
    expect(books.filter((b) => b.stock === null).length).toBeGreaterThan(0);
    expect(books.filter((b) => b.stock !== null).length).toBeGreaterThan(25);

    const call = res.extensions!.sources!.find((s) => s.source === 'inventory')!;
    expect(call).toMatchObject({ operation: 'Book.stock', method: 'GET', batchSize: 50, status: 200, cache: 'miss' });
    expect(call.attempts).toBe(1);
    expect(call.url).toContain('/stock?isbn=');
  });

  it('de-duplicates identical single-key calls within a request', async () => {
    const [a, b] = ['9781000000000', '9781000007919'];
    const before = inventory().requests.length;
    const res = await gateway.query(
      `query($a: String!, $b: String!) {
        x: stock(isbn: $a) { available } y: stock(isbn: $a) { reserved } z: stock(isbn: $b) { available }
      }`,
      { a, b },
    );
    expect(res.errors).toBeUndefined();
    expect(
      inventory()
        .requests.slice(before)
        .map((r) => r.url)
        .sort(),
    ).toEqual([`/stock/${a}`, `/stock/${b}`]);
    expect(res.data!.x).toEqual({ available: stockFor(a)?.available });
  });

  it('answers null for a single-key lookup the upstream does not know (404)', async () => {
    const res = await gateway.query(`{ stock(isbn: "9781000000070") { available } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.stock).toBeNull();
  });

  it('reads the XML feed into typed values: attributes, namespaced elements, repeated elements', async () => {
    const res = await gateway.query(`{ euroRates { date publisher rates { currency rate } } }`);
    expect(res.errors).toBeUndefined();
    const rates = res.data!.euroRates;
    expect(rates.date).toBe('2026-11-23T00:00:00.000Z');
    expect(rates.publisher).toBe('European Central Bank');
    expect(rates.rates.length).toBeGreaterThan(25);
    expect(rates.rates[0]).toEqual({ currency: 'USD', rate: 1.0812 });
  });

  it('serves the feed from the shared cache while fresh (max-age), without calling the upstream', async () => {
    await gateway.query(`{ euroRates { date } }`);
    const before = fx().requests.length;
    const res = await gateway.query(`{ euroRates { date } }`);
    expect(fx().requests.length).toBe(before);
    expect(res.extensions!.sources!.find((s) => s.source === 'fx')).toMatchObject({ cache: 'shared-hit' });
  });

  it('prices books in another currency from the feed, one feed lookup for the whole page', async () => {
    const res = await gateway.query(`{
      books(first: 20) { nodes { priceCents usd: price(currency: "USD") { amount currency rate formatted }
                                             eur: price { amount } jpy: price(currency: "JPY") { amount } } }
    }`);
    expect(res.errors).toBeUndefined();
    for (const book of res.data!.books.nodes) {
      expect(book.usd.amount).toBe(Math.round(book.priceCents * 1.0812) / 100);
      expect(book.usd.formatted).toMatch(/^\$[\d,]+\.\d\d$/);
      expect(book.eur.amount).toBe(book.priceCents / 100);
      expect(Number.isInteger(book.jpy.amount)).toBe(true);
    }
    expect(res.extensions!.sources!.filter((s) => s.source === 'fx')).toHaveLength(1);
  });

  it('refuses an unknown currency with BAD_USER_INPUT', async () => {
    const res = await gateway.query(`{ book(id: 1) { title price(currency: "XXX") { amount } } }`);
    expect(res.data?.book).toBeNull();
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toContain('No euro reference rate for XXX; known: EUR, USD');
  });
});

describe('HTTP sources when the upstream misbehaves', () => {
  let handler: LoopbackHandler = (_req, res) => void res.end();
  // The feed always fails; the inventory answers as each test's handler says.
  // Short timeouts and one retry keep the failure tests fast; the bindings are the shipped ones.
  const t = useUpstreamGateway(
    (req, res) => (req.url!.startsWith('/eurofxref') ? void res.writeHead(503).end() : handler(req, res)),
    (sdl) => sdl.replace('timeoutMs: 1500', 'timeoutMs: 300, retries: 1'),
  );

  const query = `{ books(first: 3) { nodes { title stock { available } } } }`;

  async function run(h: LoopbackHandler) {
    handler = h;
    const before = t.upstream.requests.length;
    const res = await t.gateway.query(query);
    return { res, calls: t.upstream.requests.length - before };
  }

  function expectPartial(res: GraphQLResponse<any>, code: string) {
    expect(res.status).toBe(200);
    const books = res.data!.books.nodes as { title: string; stock: unknown }[];
    expect(books).toHaveLength(3);
    for (const book of books) {
      expect(book.title).toEqual(expect.any(String)); // the database field still resolves
      expect(book.stock).toBeNull();
    }
    expect(res.errors).toHaveLength(3);
    for (const error of res.errors!) {
      expect(error.extensions).toMatchObject({ code, source: 'inventory' });
      expect(error.path).toEqual(['books', 'nodes', expect.any(Number), 'stock']);
    }
    return res.errors![0]!;
  }

  it('turns an error status into UPSTREAM_FAILED with extensions.http.status, after retrying once', async () => {
    const { res, calls } = await run(
      (_req, res) => void res.writeHead(503, { 'content-type': 'application/json' }).end('{}'),
    );
    const error = expectPartial(res, 'UPSTREAM_FAILED');
    expect(error.extensions!.http).toEqual({ status: 503 });
    expect(calls).toBe(2);
  });

  it('sends the API key header from the environment, and nothing of the client request', async () => {
    await run((_req, res) => void res.writeHead(404).end());
    const last = t.upstream.requests.at(-1)!;
    expect(last.headers['x-api-key']).toBe('k');
    expect(last.headers['x-switchyard-debug']).toBeUndefined();
  });

  it('does not retry a 400', async () => {
    const { res, calls } = await run((_req, res) => void res.writeHead(400).end());
    expect(expectPartial(res, 'UPSTREAM_FAILED').extensions!.http).toEqual({ status: 400 });
    expect(calls).toBe(1);
  });

  it('times out a silent upstream at the configured timeout', async () => {
    const started = performance.now();
    const { res } = await run(() => undefined); // never answers
    expectPartial(res, 'UPSTREAM_TIMEOUT');
    // Two attempts of 300 ms plus a backoff under 1 s; generous slack for a loaded machine.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it.each([
    ['malformed JSON', '{"items": [', 'application/json'],
    ['the wrong content type', '<html>oops</html>', 'text/html'],
    ['a value of the wrong type', '{"items":[{"isbn":"X","available":"lots"}]}', 'application/json'],
  ])('answers UPSTREAM_BAD_RESPONSE for %s, and keeps serving', async (_name, body, type) => {
    const h: LoopbackHandler = (req, res) => {
      const isbns = new URL(req.url!, 'http://x').searchParams.get('isbn')!.split(',');
      const text = body.replace('"X"', JSON.stringify(isbns[0]));
      res.writeHead(200, { 'content-type': type }).end(text);
    };
    const { res } = await run(h);
    if (body.includes('lots')) {
      expect(res.errors!.some((e) => e.extensions!.code === 'UPSTREAM_BAD_RESPONSE')).toBe(true);
      expect(res.errors!.find((e) => e.message.includes('Stock.available'))!.message).toContain('"lots"');
    } else {
      expectPartial(res, 'UPSTREAM_BAD_RESPONSE');
    }
    const healthy = await run((req, res) => {
      const isbns = new URL(req.url!, 'http://x').searchParams.get('isbn')!.split(',');
      const items = isbns.map(stockItem);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items }));
    });
    expect(healthy.res.errors).toBeUndefined();
  });

  it('keeps the rest of the response when the feed behind a hand-written resolver fails', async () => {
    const res = await t.gateway.query(`{ book(id: 1) { title price(currency: "USD") { amount } } }`);
    expect(res.data!.book).toBeNull(); // price is non-null, so the error nulls its parent
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_FAILED', source: 'fx', http: { status: 503 } });
  });
});

describe('HTTP sources shared across requests', () => {
  const upstreamClosed: string[] = [];
  // A slow single-item endpoint, so concurrent requests overlap in flight; `/stock/hang…` never answers.
  const t = useUpstreamGateway(
    async (req, res) => {
      res.once('close', () => upstreamClosed.push(req.url!));
      if (req.url!.startsWith('/stock/hang')) return;
      await new Promise((resolve) => setTimeout(resolve, 300));
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(stockItem(req.url!.split('/').pop()!)));
    },
    (sdl) => sdl.replace('timeoutMs: 1500', 'timeoutMs: 1500, forwardHeaders: ["authorization"]'),
  );

  it('shares one upstream call between concurrent requests with the same credentials, not across credentials', async () => {
    // Verified by the gateway, then forwarded as they came.
    const [a, b] = [`Bearer ${await signToken({ sub: 'a' })}`, `Bearer ${await signToken({ sub: 'b' })}`];
    const ask = (auth: string) =>
      t.gateway.query(`{ stock(isbn: "9781000000000") { available } }`, {}, { authorization: auth });
    const answers = await Promise.all([ask(a), ask(a), ask(a), ask(b)]);
    for (const answer of answers) expect(answer.data).toEqual({ stock: { available: 3 } });
    const forwarded = t.upstream.requests.map((r) => r.headers.authorization).sort();
    expect(forwarded).toEqual([a, b].sort());
    const outcomes = answers.map((a) => a.extensions!.sources![0]!.cache).sort();
    expect(outcomes).toEqual(['in-flight', 'in-flight', 'miss', 'miss']);
  });

  it('aborts the upstream call when the client goes away', async () => {
    const url = await t.gateway.listen();
    const client = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ stock(isbn: "hang1") { available } }' }),
      signal: AbortSignal.timeout(300),
    });
    await expect(client).rejects.toThrow();
    // The source's timeout is 1500 ms; the upstream socket closes well before it.
    const started = performance.now();
    while (!upstreamClosed.includes('/stock/hang1') && performance.now() - started < 1000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(upstreamClosed).toContain('/stock/hang1');
  });
});

describe('HTTP bindings that POST', () => {
  // Answers a batch of ISBNs (in reverse, to exercise matching) or echoes a reservation.
  const t = useUpstreamGateway(
    (req, res) => {
      const body = bodyOf(t, req);
      const answer =
        req.url === '/stock/batch'
          ? { items: [...body.isbns].reverse().map((isbn: string) => stockItem(isbn)) }
          : { id: 'r1', isbn: body.isbn, quantity: body.quantity };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    },
    (sdl) =>
      sdl.replace(
        '"A book\'s stock, as the inventory API reports it."',
        `extend type Book {
           postedStock: Stock @http(source: "inventory", post: "/stock/batch", select: "items",
                                    batch: { bodyField: "isbns", from: "$parent.isbn", key: "isbn", maxSize: 4 })
         }
         input ReserveInput { isbn: String! quantity: Int! }
         type Reservation { id: ID! isbn: String! quantity: Int! }
         extend type Mutation {
           reserve(input: ReserveInput!): Reservation! @http(source: "inventory", post: "/reservations", body: "$args.input")
         }
         "A book's stock."`,
      ),
  );

  it('sends the keys of all parents as a JSON array, split at maxSize, and matches items back', async () => {
    const before = t.upstream.requests.length;
    const res = await t.gateway.query(`{ books(first: 10) { nodes { isbn postedStock { isbn } } } }`);
    expect(res.errors).toBeUndefined();
    const calls = t.upstream.requests.slice(before);
    expect(calls.map((c) => [c.method, c.url, JSON.parse(c.body).isbns.length])).toEqual([
      ['POST', '/stock/batch', 4],
      ['POST', '/stock/batch', 4],
      ['POST', '/stock/batch', 2],
    ]);
    for (const book of res.data!.books.nodes) expect(book.postedStock.isbn).toBe(book.isbn);
  });

  it('sends an input argument as the JSON body of a mutation, each time it is asked', async () => {
    const before = t.upstream.requests.length;
    const res = await t.gateway.query(`mutation {
      a: reserve(input: { isbn: "9781000000000", quantity: 2 }) { id isbn quantity }
      b: reserve(input: { isbn: "9781000000000", quantity: 2 }) { id }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.a).toEqual({ id: 'r1', isbn: '9781000000000', quantity: 2 });
    const calls = t.upstream.requests.slice(before);
    expect(calls).toHaveLength(2);
    expect(JSON.parse(calls[0]!.body)).toEqual({ isbn: '9781000000000', quantity: 2 });
    expect(calls[0]!.headers['content-type']).toMatch(/^application\/json/);
  });
});
