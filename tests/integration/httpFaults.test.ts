// Upstream faults through the whole gateway: GraphQL in, a real loopback
// upstream out, counting what the upstream receives. Each suite declares its
// sources in a compact schema of its own, so the limits under test (breaker,
// concurrency cap, body cap, timeouts) are visible beside the tests.
// The source-level behaviour is tested in http-source/; these tests prove the
// bindings, the loaders and the error formatting keep those promises.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { createTestGateway, type GraphQLResponse, type TestGateway } from '../helpers/gateway.ts';
import { startLoopbackServer, type LoopbackHandler, type LoopbackServer } from '../helpers/loopbackServer.ts';

const headerKey = 'hdr-secret-4d1f';
const pathKey = 'tmpl-secret-9b2c';

/** The bound fields every suite uses; `sources` is the suite's `extend schema @source(...)`. */
const schema = (sources: string) => /* GraphQL */ `
  extend schema ${sources}
  type Book @model {
    id: ID!
    isbn: String!
    title: String!
    createdAt: DateTime!
    stock: Stock @http(source: "inventory", get: "/stock?isbn={$parent.isbn}", select: "items",
                       batch: { param: "isbn", key: "isbn" })
    "Keyed by title, with a separator every seeded title contains."
    byTitle: Stock @http(source: "inventory", get: "/stock?title={$parent.title}", select: "items",
                         batch: { param: "title", key: "title", separator: " " })
    "Keyed by a DateTime column."
    byDate: Stock @http(source: "inventory", get: "/stock?at={$parent.createdAt}", select: "items",
                        batch: { param: "at", key: "at" })
    price(currency: String! = "EUR"): Money! @resolver
  }
  type Money { currency: String! amount: Float! formatted: String! rate: Float! date: DateTime! }
  type BookConnection { edges: [BookEdge!]! nodes: [Book!]! pageInfo: PageInfo! totalCount: Int! }
  type BookEdge { cursor: String! node: Book! }
  type Stock { isbn: String! available: Int! }
  type EuroRates {
    date: DateTime! @from(path: "Cube.Cube.@time")
    publisher: String! @from(path: "gesmes:Sender.gesmes:name")
    rates: [Rate!]! @from(path: "Cube.Cube.Cube")
  }
  type Rate { currency: String! rate: Float! }
  type Query {
    books(first: Int): BookConnection! @list
    stock(isbn: String!): Stock @http(source: "inventory", get: "/stock/{$args.isbn}")
    keyedStock(isbn: String!): Stock @http(source: "inventory", get: "/stock/{$args.isbn}?api_key=${pathKey}")
    euroRates: EuroRates! @http(source: "fx", get: "/eurofxref-daily.xml")
  }
  # src/resolvers implements it, so the schema must declare it; no test calls it.
  type Mutation { placeOrder: Boolean @resolver }
`;

const gesmes = 'http://www.gesmes.org/xml/2002-08-01';
const fxSource = (options = '') =>
  `@source(name: "fx", url: "env:FX_URL", format: XML, namespaces: [{ prefix: "gesmes", uri: "${gesmes}" }] ${options})`;
const inventorySource = (options = '') =>
  `@source(name: "inventory", url: "env:INVENTORY_URL", headers: [{ name: "x-api-key", value: "env:INVENTORY_API_KEY" }] ${options})`;

/** An ECB-format feed (default namespace and all), with `cube` as the content of the outer Cube. */
const feed = (
  cube = `<Cube time="2026-11-23"><Cube currency="USD" rate="1.0812"/><Cube currency="JPY" rate="162.47"/></Cube>`,
) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="${gesmes}" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube>${cube}</Cube>
</gesmes:Envelope>`;
const goodRates = {
  date: '2026-11-23T00:00:00.000Z',
  publisher: 'European Central Bank',
  rates: [
    { currency: 'USD', rate: 1.0812 },
    { currency: 'JPY', rate: 162.47 },
  ],
};

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const xml = (res: ServerResponse, body: string, headers: Record<string, string> = {}) =>
  void res.writeHead(200, { 'content-type': 'application/xml', ...headers }).end(body);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isbnOf = (req: IncomingMessage) => new URL(req.url!, 'http://x').pathname.split('/').pop()!;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('sqlite', {
    seed: { authors: 2, booksPerAuthor: 3, reviewsPerBook: 0, customers: 1 },
  });
});
afterAll(async () => {
  await database?.drop();
});

/**
 * A gateway over `schema(sources)` whose sources both call one loopback
 * upstream; the upstream runs `t.handler`, which tests replace.
 */
function useGateway(sources: string) {
  const t = {
    handler: ((_req, res) => void res.writeHead(404).end()) as LoopbackHandler,
  } as { handler: LoopbackHandler; upstream: LoopbackServer; gateway: TestGateway };
  beforeAll(async () => {
    t.upstream = await startLoopbackServer((req, res) => t.handler(req, res));
    const sourceEnv = { INVENTORY_URL: t.upstream.url, INVENTORY_API_KEY: headerKey, FX_URL: t.upstream.url };
    t.gateway = await createTestGateway(database, {}, { sdl: schema(sources), sourceEnv });
  });
  afterAll(async () => {
    await t.gateway?.close();
    await t.upstream?.close();
  });
  return t;
}

/** Requests the upstream received while `run` ran. */
async function counting<T>(upstream: LoopbackServer, run: () => Promise<T>) {
  const before = upstream.requests.length;
  const result = await run();
  return { result, calls: upstream.requests.slice(before) };
}

function onlyError(res: GraphQLResponse) {
  expect(res.errors).toHaveLength(1);
  return res.errors![0]!;
}

describe('the circuit breaker, through the gateway', () => {
  const resetMs = 2000;
  let healthy = false;
  const t = useGateway(
    `${inventorySource(`retries: 0, breaker: { failureRatio: 0.5, windowMs: 60000, minimumCalls: 4, resetMs: ${resetMs} }`)}
     ${fxSource()}`,
  );
  beforeAll(() => {
    t.handler = (req, res) => {
      if (req.url!.startsWith('/eurofxref')) return xml(res, feed(), { 'cache-control': 'no-store' });
      if (!healthy) return json(res, 503, { error: 'down' });
      return json(res, 200, { isbn: isbnOf(req), available: 1 });
    };
  });
  const lookup = (isbn: string) =>
    t.gateway.query(`query($isbn: String!) { stock(isbn: $isbn) { available } euroRates { publisher } }`, { isbn });

  it('opens after the failure ratio, fails fast without calling the upstream, and closes after resetMs', async () => {
    for (let i = 0; i < 4; i++) {
      const { result, calls } = await counting(t.upstream, () => lookup(`fail${i}`));
      expect(calls.map((c) => c.url).filter((url) => url.startsWith('/stock'))).toEqual([`/stock/fail${i}`]);
      expect(onlyError(result).extensions).toMatchObject({ code: 'UPSTREAM_FAILED', http: { status: 503 } });
    }
    const openedAt = performance.now();

    for (let i = 0; i < 3; i++) {
      const { result, calls } = await counting(t.upstream, () => lookup(`open${i}`));
      expect(calls.filter((c) => c.url.startsWith('/stock'))).toEqual([]);
      const error = onlyError(result);
      expect(error).toMatchObject({
        message: 'inventory: circuit open, failing fast',
        path: ['stock'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'inventory' },
      });
      // The sibling field from another source still resolves.
      expect(result.data).toEqual({ stock: null, euroRates: { publisher: 'European Central Bank' } });
    }
    // All of the above must have happened while the circuit was open, or it proved nothing.
    expect(performance.now() - openedAt).toBeLessThan(resetMs);

    healthy = true;
    await delay(resetMs + 200 - (performance.now() - openedAt));
    const probe = await counting(t.upstream, () => lookup('probe'));
    expect(probe.calls.map((c) => c.url)).toEqual(['/stock/probe', '/eurofxref-daily.xml']);
    expect(probe.result.errors).toBeUndefined();
    expect(probe.result.data!.stock).toEqual({ available: 1 });

    const after = await counting(t.upstream, () => lookup('closed'));
    expect(after.calls.map((c) => c.url)).toContain('/stock/closed');
    expect(after.result.errors).toBeUndefined();
  });
});

describe('the per-source concurrency cap, through the gateway', () => {
  let active = 0;
  let maxActive = 0;
  const t = useGateway(`${inventorySource('maxConcurrency: 2')} ${fxSource()}`);
  beforeAll(() => {
    t.handler = async (req, res) => {
      maxActive = Math.max(maxActive, ++active);
      await delay(60);
      active--;
      json(res, 200, { isbn: isbnOf(req), available: Number(isbnOf(req).slice(1)) });
    };
  });

  it('never has more than maxConcurrency calls at the upstream for distinct single-key lookups', async () => {
    const aliases = Array.from({ length: 10 }, (_, i) => `s${i}: stock(isbn: "c${i}") { isbn available }`);
    const { result, calls } = await counting(t.upstream, () => t.gateway.query(`{ ${aliases.join(' ')} }`));
    expect(result.errors).toBeUndefined();
    for (let i = 0; i < 10; i++) expect(result.data![`s${i}`]).toEqual({ isbn: `c${i}`, available: i });
    expect(calls.map((c) => c.url).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `/stock/c${i}`).sort());
    expect(maxActive).toBe(2);
  });
});

describe('a hostile XML feed, through the euroRates binding', () => {
  let body = feed();
  const t = useGateway(`${inventorySource()} ${fxSource('cache: true')}`);
  beforeAll(() => {
    // no-store: the healthy feed between two hostile ones must not be served from the shared cache.
    t.handler = (_req, res) => xml(res, body, { 'cache-control': 'no-store' });
  });
  const ratesQuery = `{ euroRates { date publisher rates { currency rate } } }`;

  async function expectHealthyAfterwards() {
    body = feed();
    const res = await t.gateway.query(ratesQuery);
    expect(res.errors).toBeUndefined();
    expect(res.data!.euroRates).toEqual(goodRates);
  }

  const deep = (n: number) => `${'<Cube>'.repeat(n)}${'</Cube>'.repeat(n)}`;
  it.each([
    [
      'billion laughs',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
        Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('') +
        `]><gesmes:Envelope xmlns:gesmes="${gesmes}"><gesmes:Sender><gesmes:name>&lol9;</gesmes:name></gesmes:Sender></gesmes:Envelope>`,
    ],
    [
      'an external entity',
      `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
        `<gesmes:Envelope xmlns:gesmes="${gesmes}"><gesmes:Sender><gesmes:name>&xxe;</gesmes:name></gesmes:Sender></gesmes:Envelope>`,
    ],
    ['10 000-deep nesting', feed(deep(10_000))],
    ['100 000 unclosed elements', feed().replace('</gesmes:Envelope>', '<Cube>'.repeat(100_000))],
    ['an undeclared entity', feed(`<Cube time="2026-11-23"><Cube currency="&xxe;" rate="1"/></Cube>`)],
    ['a __proto__ element', feed(`<__proto__ time="2026-11-23"><Cube currency="USD" rate="1"/></__proto__>`)],
  ])('answers UPSTREAM_BAD_RESPONSE for %s, in a short message, and keeps serving', async (_name, hostile) => {
    body = hostile;
    const res = await t.gateway.query(ratesQuery);
    expect(res.status).toBe(200);
    expect(res.data).toBeNull(); // euroRates is non-null
    const error = onlyError(res);
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', source: 'fx' });
    expect(error.message).toMatch(/^fx sent /);
    // Upstream data does not flow into client messages by the megabyte.
    expect(error.message.length).toBeLessThan(300);
    expect(({} as Record<string, unknown>).time).toBeUndefined();
    await expectHealthyAfterwards();
  });

  it('keeps constructor and prototype elements and attributes as plain data, polluting nothing', async () => {
    body = feed(
      `<constructor prototype="x" polluted="yes"/>` +
        `<Cube time="2026-11-23" prototype="x"><Cube currency="USD" rate="1.0812" constructor="c"/>` +
        `<Cube currency="JPY" rate="162.47"/></Cube>`,
    );
    const res = await t.gateway.query(ratesQuery);
    expect(res.errors).toBeUndefined();
    expect(res.data!.euroRates).toEqual(goodRates);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('a body over maxBodyBytes, through the gateway', () => {
  const closedUrls: string[] = [];
  let written = 0;
  const t = useGateway(`${inventorySource('maxBodyBytes: 4000, timeoutMs: 10000')} ${fxSource()}`);
  beforeAll(() => {
    // Chunked (no content-length) and endless: only the cap can end it before the timeout.
    t.handler = (req, res) => {
      res.once('close', () => closedUrls.push(req.url!));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"isbn":"big","available":1,"padding":"');
      const timer = setInterval(() => {
        res.write('x'.repeat(512));
        written += 512;
      }, 2);
      res.once('close', () => clearInterval(timer));
    };
  });

  it('answers UPSTREAM_BAD_RESPONSE and closes the connection, without retrying', async () => {
    const { result, calls } = await counting(t.upstream, () => t.gateway.query(`{ stock(isbn: "big") { available } }`));
    expect(onlyError(result)).toMatchObject({
      message: 'inventory sent a body that exceeds 4000 bytes',
      extensions: { code: 'UPSTREAM_BAD_RESPONSE', source: 'inventory' },
    });
    expect(result.data).toEqual({ stock: null });
    expect(calls).toHaveLength(1);
    const started = performance.now();
    while (!closedUrls.includes('/stock/big') && performance.now() - started < 5000) await delay(10);
    expect(closedUrls).toContain('/stock/big');
    expect(written).toBeLessThan(1_000_000);
  });
});

describe('an upstream whose port is closed', () => {
  let gateway: TestGateway;
  let refusedUrl: string;
  beforeAll(async () => {
    const gone = await startLoopbackServer(() => undefined);
    await gone.close();
    refusedUrl = gone.url;
    const sourceEnv = { INVENTORY_URL: refusedUrl, INVENTORY_API_KEY: headerKey, FX_URL: refusedUrl };
    gateway = await createTestGateway(database, {}, { sdl: schema(`${inventorySource()} ${fxSource()}`), sourceEnv });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('answers UPSTREAM_UNAVAILABLE naming the source, not the host, and still serves the database', async () => {
    const res = await gateway.query(`{ stock(isbn: "x") { available } books(first: 1) { totalCount } }`);
    expect(onlyError(res)).toMatchObject({
      message: 'inventory could not be reached (ECONNREFUSED)',
      path: ['stock'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'inventory' },
    });
    expect(res.data).toEqual({ stock: null, books: { totalCount: 6 } });
    expect(JSON.stringify(res.errors)).not.toContain(new URL(refusedUrl).port);
  });
});

describe('Retry-After on a 503, through the gateway', () => {
  const arrivals: number[] = [];
  // timeoutMs 2000 allows retry waits up to 2 s (the cap is max(1 s, timeoutMs)).
  const t = useGateway(`${inventorySource('retries: 1, timeoutMs: 2000')} ${fxSource()}`);
  beforeAll(() => {
    t.handler = (req, res) => {
      arrivals.push(performance.now());
      if (arrivals.length === 1) return json(res, 503, { error: 'busy' }, { 'retry-after': '1' });
      return json(res, 200, { isbn: isbnOf(req), available: 5 });
    };
  });

  it('waits at least the Retry-After seconds before the retry, then answers', async () => {
    const res = await t.gateway.query(`{ stock(isbn: "ra") { available } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ stock: { available: 5 } });
    expect(arrivals).toHaveLength(2);
    // Both times on the upstream's clock; 5 ms for the millisecond granularity of timers.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(995);
    expect(res.extensions!.sources!.find((s) => s.source === 'inventory')).toMatchObject({
      attempts: 2,
      status: 200,
    });
  });
});

describe("the shared cache's ETag revalidation, through the gateway", () => {
  let notModified = 0;
  const t = useGateway(`${inventorySource()} ${fxSource('cache: true')}`);
  beforeAll(() => {
    t.handler = (req, res) => {
      const headers = { etag: '"v1"', 'cache-control': 'max-age=0' };
      if (req.headers['if-none-match'] === '"v1"') {
        notModified++;
        return void res.writeHead(304, headers).end();
      }
      xml(res, feed(), headers);
    };
  });

  it('asks with If-None-Match once the answer is stale, and serves the stored one on 304', async () => {
    const query = `{ euroRates { date publisher rates { currency rate } } }`;
    const first = await counting(t.upstream, () => t.gateway.query(query));
    expect(first.result.errors).toBeUndefined();
    expect(first.result.data!.euroRates).toEqual(goodRates);
    expect(first.calls).toHaveLength(1);
    expect(first.calls[0]!.headers['if-none-match']).toBeUndefined();
    expect(first.result.extensions!.sources).toMatchObject([{ source: 'fx', cache: 'miss', status: 200 }]);

    const second = await counting(t.upstream, () => t.gateway.query(query));
    expect(second.calls).toHaveLength(1);
    expect(second.calls[0]!.headers['if-none-match']).toBe('"v1"');
    expect(notModified).toBe(1);
    expect(second.result.errors).toBeUndefined();
    expect(second.result.data).toEqual(first.result.data);
    expect(second.result.extensions!.sources).toMatchObject([{ source: 'fx', cache: 'revalidated', status: 200 }]);
  });
});

describe('secrets and paths, through the gateway', () => {
  const t = useGateway(`${inventorySource('retries: 0, timeoutMs: 300')} ${fxSource()}`);
  beforeAll(() => {
    t.handler = (req, res) => {
      const isbn = isbnOf(req);
      if (isbn === 'ok') return json(res, 200, { isbn, available: 1 });
      if (isbn === 'bad') return json(res, 200, { isbn, available: 'lots' });
      if (isbn === 'hang') return;
      return json(res, 503, { error: `no such key ${String(req.headers['x-api-key'])}` });
    };
  });

  it.each(['ok', 'fail', 'bad', 'hang'])(
    'keeps the API key header and a ?api_key= in the template out of the response (%s)',
    async (isbn) => {
      const { result, calls } = await counting(t.upstream, () =>
        t.gateway.query(`query($isbn: String!) { keyedStock(isbn: $isbn) { available } }`, { isbn }),
      );
      // The upstream did receive both secrets...
      expect(calls[0]!.url).toBe(`/stock/${isbn}?api_key=${pathKey}`);
      expect(calls[0]!.headers['x-api-key']).toBe(headerKey);
      // ...and the client sees neither, in data, errors or the source log.
      const text = JSON.stringify(result);
      expect(text).not.toContain(pathKey);
      expect(text).not.toContain(headerKey);
      const [entry] = result.extensions!.sources!;
      expect(entry!.url).toContain('api_key=***');
      if (isbn !== 'ok') expect(result.errors).toHaveLength(1);
    },
  );

  it.each(['..', '.'])('never lets an argument of %j climb out of the bound path', async (isbn) => {
    const { result, calls } = await counting(t.upstream, () =>
      t.gateway.query(`query($isbn: String!) { stock(isbn: $isbn) { available } }`, { isbn }),
    );
    for (const call of calls) expect(call.url).toMatch(/^\/stock\/[^/]/);
    expect(result.data).toEqual({ stock: null });
  });
});

describe('batch key matching, through the gateway', () => {
  let isbns: string[] = [];
  const t = useGateway(`${inventorySource()} ${fxSource()}`);
  beforeAll(async () => {
    const res = await t.gateway.query(`{ books(first: 6) { nodes { isbn } } }`);
    isbns = res.data!.books.nodes.map((b: { isbn: string }) => b.isbn);
    // Keys as numbers where they are numeric, the first item twice, an item nobody asked for, one key missing.
    t.handler = (req, res) => {
      const asked = new URL(req.url!, 'http://x').searchParams.get('isbn')!.split(',');
      const items = asked
        .slice(1)
        .map((isbn, i) => ({ isbn: /^\d+$/.test(isbn) ? Number(isbn) : isbn, available: i + 1 }));
      json(res, 200, { items: [{ isbn: 'unasked', available: 99 }, items[0], ...items] });
    };
  });

  it('matches numeric keys to string parents, takes the first of duplicates, and gives missing keys null', async () => {
    expect(isbns.filter((isbn) => /^\d+$/.test(isbn)).length).toBeGreaterThan(2);
    const { result, calls } = await counting(t.upstream, () =>
      t.gateway.query(`{ books(first: 6) { nodes { isbn stock { isbn available } } } }`),
    );
    expect(calls).toHaveLength(1);
    expect(result.errors).toBeUndefined();
    const stocks = result.data!.books.nodes.map((b: { stock: unknown }) => b.stock);
    expect(stocks).toEqual([null, ...isbns.slice(1).map((isbn, i) => ({ isbn, available: i + 1 }))]);
  });

  it('sends DateTime keys as ISO strings and matches them back', async () => {
    t.handler = (req, res) => {
      const asked = new URL(req.url!, 'http://x').searchParams.get('at')!.split(',');
      json(res, 200, { items: asked.map((at) => ({ at, isbn: at, available: 1 })) });
    };
    const { result, calls } = await counting(t.upstream, () =>
      t.gateway.query(`{ books(first: 3) { nodes { createdAt byDate { isbn } } } }`),
    );
    expect(result.errors).toBeUndefined();
    expect(calls).toHaveLength(1);
    // Seeded rows may share an instant: equal keys are sent once.
    expect(calls[0]!.url).toMatch(/^\/stock\?at=\d{4}-\d\d-\d\dT[^,]+Z(,[^,]+Z)*$/);
    for (const book of result.data!.books.nodes) expect(book.byDate).toEqual({ isbn: book.createdAt });
  });

  it('refuses, per parent, a key that contains the batch separator, without calling the upstream for it', async () => {
    const { result, calls } = await counting(t.upstream, () =>
      t.gateway.query(`{ books(first: 2) { nodes { title byTitle { isbn } } } }`),
    );
    expect(calls).toHaveLength(0);
    expect(result.data!.books.nodes.map((b: { byTitle: unknown }) => b.byTitle)).toEqual([null, null]);
    expect(result.errors).toHaveLength(2);
    expect(result.errors![0]).toMatchObject({
      message: expect.stringContaining('contains the batch separator " ", so it cannot be sent to inventory in title'),
      extensions: { code: 'UPSTREAM_FAILED', source: 'inventory' },
    });
  });
});
