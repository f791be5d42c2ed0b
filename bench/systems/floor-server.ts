// The floor: a plain node:http server that answers each workload with ONE
// prepared SQL statement whose single cell is the response JSON. Nothing sits
// between HTTP and the database but parameter parsing, so it bounds what any
// GraphQL server can reach on the same machine.
//
// W8 also reads the HTTP upstreams, as the best hand-written code would: one
// SQL statement for the page of books, one batched GET /stock?isbn=a,b,… for
// their stock, and the rates feed fetched once and held for its max-age; the
// JSON is written by hand.
//
// Env: PORT, DATABASE_URL (postgres:// or file:), HOST (default 127.0.0.1);
// for W8, INVENTORY_URL, INVENTORY_API_KEY and FX_URL.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Database from 'better-sqlite3';
import { XMLParser } from 'fast-xml-parser';
import pg from 'pg';

type Params = (string | number)[];
type Route = { method: 'GET' | 'POST'; params: (input: Record<string, unknown>) => Params };

const int = (value: unknown, name: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new BadRequest(`${name} must be an integer, but got: ${String(value)}`);
  return n;
};
class BadRequest extends Error {}

/** Path → how its statement's parameters come from the query string or body. */
const routes: Record<string, Route> = {
  W1: { method: 'GET', params: (q) => [int(q.id, 'id')] },
  W2: { method: 'GET', params: (q) => [int(q.first, 'first')] },
  W3: { method: 'GET', params: (q) => [int(q.authors, 'authors'), int(q.books, 'books')] },
  W4: { method: 'GET', params: (q) => [int(q.authors, 'authors'), int(q.books, 'books'), int(q.reviews, 'reviews')] },
  W5: { method: 'GET', params: (q) => [int(q.first, 'first')] },
  W6: { method: 'GET', params: (q) => [int(q.first, 'first')] },
  W7a: { method: 'POST', params: (b) => [int(b.bookId, 'bookId'), int(b.rating, 'rating'), String(b.body)] },
  W7b: { method: 'POST', params: (b) => [int(b.id, 'id'), int(b.stockQuantity, 'stockQuantity')] },
  W8: { method: 'GET', params: (q) => [int(q.first, 'first')] },
};

/** Routes whose statement returns rows (the handler writes the JSON), not one JSON cell. */
const rowRoutes = new Set(['W8']);

const iso = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Postgres: json_build_object / json_agg, one statement per route. */
const postgresSql: Record<string, string> = {
  W1: `SELECT json_build_object('id', id, 'isbn', isbn, 'title', title, 'pages', pages, 'priceCents', "priceCents")::text
       FROM "Book" WHERE id = $1`,
  W2: `SELECT coalesce(json_agg(json_build_object('id', id, 'isbn', isbn, 'title', title, 'priceCents', "priceCents") ORDER BY id), '[]')::text
       FROM (SELECT id, isbn, title, "priceCents" FROM "Book" ORDER BY id LIMIT $1) b`,
  W3: `SELECT coalesce(json_agg(json_build_object('id', a.id, 'name', a.name, 'books',
         (SELECT coalesce(json_agg(json_build_object('id', b.id, 'title', b.title) ORDER BY b.id), '[]')
          FROM (SELECT id, title FROM "Book" WHERE "authorId" = a.id ORDER BY id LIMIT $2) b)) ORDER BY a.id), '[]')::text
       FROM (SELECT id, name FROM "Author" ORDER BY id LIMIT $1) a`,
  W4: `SELECT coalesce(json_agg(json_build_object('id', a.id, 'books',
         (SELECT coalesce(json_agg(json_build_object('id', b.id, 'reviews',
            (SELECT coalesce(json_agg(json_build_object('id', r.id, 'rating', r.rating) ORDER BY r.id), '[]')
             FROM (SELECT id, rating FROM "Review" WHERE "bookId" = b.id ORDER BY id LIMIT $3) r)) ORDER BY b.id), '[]')
          FROM (SELECT id FROM "Book" WHERE "authorId" = a.id ORDER BY id LIMIT $2) b)) ORDER BY a.id), '[]')::text
       FROM (SELECT id FROM "Author" ORDER BY id LIMIT $1) a`,
  W5: `SELECT coalesce(json_agg(json_build_object('id', b.id, 'title', b.title, 'author', json_build_object('id', a.id, 'name', a.name)) ORDER BY b.id), '[]')::text
       FROM (SELECT id, title, "authorId" FROM "Book" ORDER BY id LIMIT $1) b JOIN "Author" a ON a.id = b."authorId"`,
  W6: `SELECT coalesce(json_agg(json_build_object('id', id, 'rating', rating, 'body', body, 'createdAt', ${iso('"createdAt"')}) ORDER BY id), '[]')::text
       FROM (SELECT id, rating, body, "createdAt" FROM "Review" ORDER BY id LIMIT $1) r`,
  W7a: `INSERT INTO "Review" ("bookId", rating, body) VALUES ($1, $2, $3)
        RETURNING json_build_object('bookId', "bookId", 'rating', rating, 'body', body)::text`,
  W7b: `UPDATE "Book" SET "stockQuantity" = $2 WHERE id = $1
        RETURNING json_build_object('id', id, 'stockQuantity', "stockQuantity")::text`,
  W8: `SELECT id, isbn, title, "priceCents" FROM "Book" ORDER BY id LIMIT $1`,
};

/** SQLite: json_object / json_group_array (aggregate ORDER BY needs SQLite ≥ 3.44). */
const sqliteIso = (col: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${col})`;
const sqliteSql: Record<string, string> = {
  W1: `SELECT json_object('id', id, 'isbn', isbn, 'title', title, 'pages', pages, 'priceCents', "priceCents") FROM "Book" WHERE id = @p1`,
  W2: `SELECT json_group_array(json_object('id', id, 'isbn', isbn, 'title', title, 'priceCents', "priceCents") ORDER BY id)
       FROM (SELECT id, isbn, title, "priceCents" FROM "Book" ORDER BY id LIMIT @p1)`,
  W3: `SELECT json_group_array(json_object('id', a.id, 'name', a.name, 'books',
         json((SELECT json_group_array(json_object('id', b.id, 'title', b.title) ORDER BY b.id)
          FROM (SELECT id, title FROM "Book" WHERE "authorId" = a.id ORDER BY id LIMIT @p2) b))) ORDER BY a.id)
       FROM (SELECT id, name FROM "Author" ORDER BY id LIMIT @p1) a`,
  W4: `SELECT json_group_array(json_object('id', a.id, 'books',
         json((SELECT json_group_array(json_object('id', b.id, 'reviews',
            json((SELECT json_group_array(json_object('id', r.id, 'rating', r.rating) ORDER BY r.id)
             FROM (SELECT id, rating FROM "Review" WHERE "bookId" = b.id ORDER BY id LIMIT @p3) r))) ORDER BY b.id)
          FROM (SELECT id FROM "Book" WHERE "authorId" = a.id ORDER BY id LIMIT @p2) b))) ORDER BY a.id)
       FROM (SELECT id FROM "Author" ORDER BY id LIMIT @p1) a`,
  W5: `SELECT json_group_array(json_object('id', b.id, 'title', b.title, 'author', json_object('id', a.id, 'name', a.name)) ORDER BY b.id)
       FROM (SELECT id, title, "authorId" FROM "Book" ORDER BY id LIMIT @p1) b JOIN "Author" a ON a.id = b."authorId"`,
  W6: `SELECT json_group_array(json_object('id', id, 'rating', rating, 'body', body, 'createdAt', ${sqliteIso('"createdAt"')}) ORDER BY id)
       FROM (SELECT id, rating, body, "createdAt" FROM "Review" ORDER BY id LIMIT @p1)`,
  W7a: `INSERT INTO "Review" ("bookId", rating, body, "createdAt") VALUES (@p1, @p2, @p3, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))
        RETURNING json_object('bookId', "bookId", 'rating', rating, 'body', body)`,
  W7b: `UPDATE "Book" SET "stockQuantity" = @p2 WHERE id = @p1 RETURNING json_object('id', id, 'stockQuantity', "stockQuantity")`,
  W8: `SELECT id, isbn, title, "priceCents" FROM "Book" ORDER BY id LIMIT @p1`,
};

interface Execute {
  /** Runs a route's statement; resolves to the JSON text, or null when no row came back. */
  json(route: string, params: Params): Promise<string | null>;
  /** Runs a route's statement (a `rowRoutes` one); resolves to its rows as arrays. */
  rows(route: string, params: Params): Promise<unknown[][]>;
}

function postgresExecutor(url: string): Execute {
  // Generic plans always: a `LIMIT $1` statement otherwise gets a custom plan,
  // made again on every run (45–210 µs of Postgres CPU per statement; see
  // Statement.limit in src/sources/prisma/sqlStatement.ts). The floor's
  // statements are fixed lookups whose generic plan is the right one.
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.POOL_SIZE ?? 10),
    options: '-c plan_cache_mode=force_generic_plan',
  });
  const rows = async (route: string, params: Params) =>
    (await pool.query({ name: route, text: postgresSql[route]!, values: params, rowMode: 'array' }))
      .rows as unknown[][];
  return {
    json: async (route, params) => ((await rows(route, params))[0]?.[0] as string | undefined) ?? null,
    rows,
  };
}

function sqliteExecutor(file: string): Execute {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // As durable as Switchyard (src/sources/prisma/sqlitePragmas.ts): the log is
  // fsynced at every commit. better-sqlite3 is built with
  // DEFAULT_WAL_SYNCHRONOUS=1, so a file already in WAL mode opens with
  // NORMAL, which skips that fsync: W7 measured 11095 req/s that way against
  // Switchyard's 1136 (results/2026-12-07T13-42.md), a floor for a weaker promise.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const statements = Object.fromEntries(
    Object.entries(sqliteSql).map(([k, sql]) => [
      k,
      rowRoutes.has(k) ? db.prepare(sql).raw() : db.prepare(sql).pluck(),
    ]),
  );
  const named = (params: Params) => Object.fromEntries(params.map((v, i) => [`p${i + 1}`, v]));
  return {
    json: async (route, params) => (statements[route]!.get(named(params)) as string | undefined) ?? null,
    rows: async (route, params) => statements[route]!.all(named(params)) as unknown[][],
  };
}

const url = process.env.DATABASE_URL ?? '';
const execute = url.startsWith('file:') ? sqliteExecutor(url.slice('file:'.length)) : postgresExecutor(url);

/** An upstream's base URL from the environment; W8 fails (500) without it. */
function upstreamUrl(name: 'INVENTORY_URL' | 'FX_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value.replace(/\/$/, '');
}

/** The inventory batch endpoint's cap on ISBNs per call. */
const inventoryBatch = 100;

/** isbn → copies available, for the ISBNs the inventory stocks: one batched call per 100 ISBNs. */
async function stockByIsbn(isbns: string[]): Promise<Map<string, number>> {
  const base = upstreamUrl('INVENTORY_URL');
  const headers = { 'x-api-key': process.env.INVENTORY_API_KEY ?? '' };
  const chunks: string[][] = [];
  for (let i = 0; i < isbns.length; i += inventoryBatch) chunks.push(isbns.slice(i, i + inventoryBatch));
  const stock = new Map<string, number>();
  await Promise.all(
    chunks.map(async (chunk) => {
      const response = await fetch(`${base}/stock?isbn=${chunk.map(encodeURIComponent).join(',')}`, { headers });
      if (!response.ok) throw new Error(`inventory answered ${response.status}`);
      const { items } = (await response.json()) as { items: { isbn: string; available: number }[] };
      for (const item of items) stock.set(item.isbn, item.available);
    }),
  );
  return stock;
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
let rates: { byCurrency: Map<string, number>; expires: number } | undefined;
let ratesPending: Promise<Map<string, number>> | undefined;

/** currency → units per euro, from the ECB feed: one fetch per max-age, shared by concurrent requests. */
function euroRates(): Promise<Map<string, number>> {
  if (rates && performance.now() < rates.expires) return Promise.resolve(rates.byCurrency);
  ratesPending ??= (async () => {
    const response = await fetch(`${upstreamUrl('FX_URL')}/eurofxref-daily.xml`);
    if (!response.ok) throw new Error(`the rates feed answered ${response.status}`);
    const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1] ?? 0);
    const day = xml.parse(await response.text())['gesmes:Envelope'].Cube.Cube;
    const byCurrency = new Map<string, number>([['EUR', 1]]);
    for (const c of [day.Cube].flat() as { currency: string; rate: string }[])
      byCurrency.set(c.currency, Number(c.rate));
    rates = { byCurrency, expires: performance.now() + maxAge * 1000 };
    return byCurrency;
  })().finally(() => (ratesPending = undefined));
  return ratesPending;
}

const minorDigits = new Map<string, number>();
/** The currency's minor unit (2 for USD, 0 for JPY), as Switchyard's price resolver takes it from Intl. */
function digitsOf(code: string): number {
  let digits = minorDigits.get(code);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits;
    minorDigits.set(code, digits ?? 2);
  }
  return digits ?? 2;
}

/** W8: one statement, one batched stock call, the cached rates; `[{ id, title, available, amount }]` by id. */
async function booksWithStockAndPrice(first: number, currency: string): Promise<string> {
  const code = currency.toUpperCase();
  const books = (await execute.rows('W8', [first])) as [number, string, string, number][];
  const [stock, byCurrency] = await Promise.all([stockByIsbn(books.map((b) => b[1])), euroRates()]);
  const rate = byCurrency.get(code);
  if (rate === undefined) throw new BadRequest(`no euro reference rate for ${currency}`);
  const scale = 10 ** digitsOf(code);
  let json = '[';
  for (const [id, isbn, title, priceCents] of books) {
    // The same expression as src/resolvers/price.ts, so the amounts agree to the last bit.
    const amount = Math.round((priceCents / 100) * rate * scale) / scale;
    json += `${json.length > 1 ? ',' : ''}{"id":${id},"title":${JSON.stringify(title)},"available":${stock.get(isbn) ?? 'null'},"amount":${amount}}`;
  }
  return `${json}]`;
}

/** The request body, parsed as JSON (POST routes only). */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest('the body must be JSON');
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer(async (req, res) => {
  try {
    const [path, query = ''] = (req.url ?? '/').split('?', 2) as [string, string?];
    if (path === '/ready') return send(res, 200, '{"ready":true}');
    const name = path.slice(1);
    const route = routes[name];
    if (!route || route.method !== req.method) return send(res, 404, '{"error":"no such route"}');
    const input = route.method === 'GET' ? Object.fromEntries(new URLSearchParams(query)) : await readJson(req);
    const json =
      name === 'W8'
        ? await booksWithStockAndPrice(route.params(input)[0] as number, String(input.currency ?? 'EUR'))
        : await execute.json(name, route.params(input));
    if (json === null) return send(res, 404, '{"error":"not found"}');
    send(res, 200, json);
  } catch (error) {
    if (error instanceof BadRequest) return send(res, 400, JSON.stringify({ error: error.message }));
    console.error(error);
    send(res, 500, '{"error":"internal"}');
  }
});

server.listen(Number(process.env.PORT ?? 4810), process.env.HOST ?? '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
