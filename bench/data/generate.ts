// The bookstore the benchmark reads: deterministic rows, every value a function
// of the row number, so every system (and every run) sees identical data.
// Postgres is filled set-based (INSERT … SELECT FROM generate_series); SQLite by
// prepared inserts in one transaction, computing the same values in JS.
//
//   node --import tsx bench/data/generate.ts --size small|medium --provider postgres|sqlite [--force]
import { existsSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { applyMigrations } from '../../src/sources/prisma/engine/applyMigrations.ts';
import type { Provider } from '../systems/types.ts';
import {
  databaseUrl,
  generatedStock,
  generatorVersion,
  postgresBaseUrl,
  postgresDbName,
  postgresUrl,
  repoRoot,
  sizes,
  sqliteFile,
  type Size,
} from '../lib/db.ts';

const first = ['Ada', 'Ben', 'Cleo', 'Dan', 'Eva', 'Finn', 'Gia', 'Hugo', 'Iris', 'Jon', 'Kai', 'Lea', 'Max', 'Nia', 'Otto', 'Pia'];
const last = ['Alder', 'Brook', 'Crane', 'Dale', 'Ellis', 'Frost', 'Grey', 'Hale', 'Irwin', 'Jay', 'Kerr', 'Lowe', 'Moss', 'Nash', 'Orr', 'Pike'];
const adjectives = ['Silent', 'Red', 'Lost', 'Golden', 'Hidden', 'Last', 'Broken', 'Quiet', 'Distant', 'Bright', 'Winter', 'Iron', 'Paper', 'Salt', 'Glass', 'Wild'];
const nouns = ['River', 'Garden', 'Harbor', 'Engine', 'Letter', 'Forest', 'Tower', 'Signal', 'Orchard', 'Bridge', 'Island', 'Archive', 'Station', 'Map', 'Lantern', 'Road'];
const topics = ['history', 'the sea', 'cities', 'machines', 'music', 'gardens', 'trains', 'mountains'];
/** Review bodies are windows into this text: ~200 characters each. */
const lorem =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ' +
  'Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure ' +
  'dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non ' +
  'proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';

const DAY = 86_400_000;
const t2019 = Date.UTC(2019, 0, 1);
const t2020 = Date.UTC(2020, 0, 1);
const t2021 = Date.UTC(2021, 0, 1);
const t1900 = Date.UTC(1900, 0, 1);
const t1950 = Date.UTC(1950, 0, 1);

/** The same values as the SQL below, for SQLite. */
const row = {
  author: (i: number) => ({
    id: i,
    name: `${first[i % 16]} ${last[(i * 7) % 16]} ${i}`,
    bio: `Writes about ${topics[i % 8]}.`,
    born: t1900 + ((i * 7919) % 36500) * DAY,
    createdAt: t2020 + i * 1000,
  }),
  book: (i: number, authors: number) => ({
    id: i,
    isbn: `978${String(i).padStart(10, '0')}`,
    title: `${adjectives[i % 16]} ${nouns[(i * 3) % 16]} ${i}`,
    publishedAt: t1950 + ((i * 7) % 25000) * DAY,
    pages: 80 + ((i * 13) % 900),
    priceCents: 499 + ((i * 37) % 5000),
    stockQuantity: generatedStock(i),
    authorId: ((i - 1) % authors) + 1,
    createdAt: t2020 + i * 1000,
  }),
  customer: (i: number) => ({ id: i, email: `customer${i}@example.com`, name: `Customer ${i}`, createdAt: t2019 + i * 1000 }),
  review: (i: number, books: number, customers: number) => ({
    id: i,
    rating: 1 + ((i * 7) % 5),
    body: `Review ${i}: ${lorem.substr((i * 31) % 200, 190)}`,
    bookId: ((i - 1) % books) + 1,
    customerId: ((i - 1) % customers) + 1,
    createdAt: t2021 + i * 60_000,
  }),
};

const arr = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]`;

/** Set-based Postgres inserts; each expression mirrors `row` above. */
function postgresInserts(n: (typeof sizes)[Size]): string[] {
  return [
    `INSERT INTO "Author" (id, name, bio, born, "createdAt")
     SELECT i, (${arr(first)})[1 + i % 16] || ' ' || (${arr(last)})[1 + (i * 7) % 16] || ' ' || i,
            'Writes about ' || (${arr(topics)})[1 + i % 8] || '.',
            timestamp '1900-01-01' + ((i * 7919) % 36500) * interval '1 day',
            timestamp '2020-01-01' + i * interval '1 second'
     FROM generate_series(1, ${n.authors}) i`,
    `INSERT INTO "Book" (id, isbn, title, "publishedAt", pages, "priceCents", "stockQuantity", "authorId", "createdAt")
     SELECT i, '978' || lpad(i::text, 10, '0'),
            (${arr(adjectives)})[1 + i % 16] || ' ' || (${arr(nouns)})[1 + (i * 3) % 16] || ' ' || i,
            timestamp '1950-01-01' + ((i * 7) % 25000) * interval '1 day',
            80 + (i * 13) % 900, 499 + (i * 37) % 5000, i % 50, (i - 1) % ${n.authors} + 1,
            timestamp '2020-01-01' + i * interval '1 second'
     FROM generate_series(1, ${n.books}) i`,
    `INSERT INTO "Customer" (id, email, name, "createdAt")
     SELECT i, 'customer' || i || '@example.com', 'Customer ' || i, timestamp '2019-01-01' + i * interval '1 second'
     FROM generate_series(1, ${n.customers}) i`,
    `INSERT INTO "Review" (id, rating, body, "bookId", "customerId", "createdAt")
     SELECT i, 1 + (i * 7) % 5, 'Review ' || i || ': ' || substr('${lorem}', 1 + (i * 31) % 200, 190),
            (i - 1) % ${n.books} + 1, (i - 1) % ${n.customers} + 1,
            timestamp '2021-01-01' + i * interval '1 minute'
     FROM generate_series(1, ${n.reviews}) i`,
  ];
}

const tables = ['Author', 'Book', 'Customer', 'Review'] as const;
const expectedCounts = (size: Size) => ({
  Author: sizes[size].authors,
  Book: sizes[size].books,
  Customer: sizes[size].customers,
  Review: sizes[size].reviews,
});

export interface GenerateResult {
  generated: boolean;
  seconds: number;
}

/** Makes sure the bench database holds the generated data; regenerates when not (or when forced). */
export async function ensureData(options: { size: Size; provider: Provider; force?: boolean }): Promise<GenerateResult> {
  const started = performance.now();
  const generated =
    options.provider === 'postgres' ? await ensurePostgres(options.size, !!options.force) : await ensureSqlite(options.size, !!options.force);
  return { generated, seconds: (performance.now() - started) / 1000 };
}

async function ensurePostgres(size: Size, force: boolean): Promise<boolean> {
  if (!force && (await postgresIsCurrent(size))) return false;
  const admin = new pg.Client({ connectionString: postgresBaseUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${postgresDbName(size)} WITH (FORCE)`);
  await admin.end();
  await applyMigrations({ url: postgresUrl(size), migrationsDir: `${repoRoot}prisma/postgres/migrations` });
  const db = new pg.Client({ connectionString: postgresUrl(size) });
  await db.connect();
  try {
    // Superuser only: skips FK triggers while filling (the data is consistent by construction).
    await db.query(`SET session_replication_role = replica`);
    for (const sql of postgresInserts(sizes[size])) await db.query(sql);
    await db.query(`SET session_replication_role = DEFAULT`);
    for (const t of [...tables, 'Order', 'OrderLine'])
      await db.query(`SELECT setval(pg_get_serial_sequence('"${t}"', 'id'), coalesce((SELECT max(id) FROM "${t}"), 0) + 1, false)`);
    await db.query(`ANALYZE`);
    // Its own schema, so PostGraphile (which exposes "public") never sees it.
    await db.query(`CREATE SCHEMA IF NOT EXISTS bench; CREATE TABLE bench.meta (size text NOT NULL, version int NOT NULL)`);
    await db.query(`INSERT INTO bench.meta VALUES ($1, $2)`, [size, generatorVersion]);
  } finally {
    await db.end();
  }
  return true;
}

/** Whether the database exists with this generator's marker and the expected row counts (after undoing W7). */
async function postgresIsCurrent(size: Size): Promise<boolean> {
  const db = new pg.Client({ connectionString: postgresUrl(size) });
  try {
    await db.connect();
  } catch {
    return false; // no such database yet
  }
  try {
    const meta = await db.query(`SELECT size, version FROM bench.meta`).catch(() => ({ rows: [] as any[] }));
    if (meta.rows[0]?.size !== size || meta.rows[0]?.version !== generatorVersion) return false;
    await resetWrites('postgres', size);
    for (const [t, n] of Object.entries(expectedCounts(size))) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${t}"`);
      if (rows[0].n !== n) return false;
    }
    return true;
  } finally {
    await db.end();
  }
}

async function ensureSqlite(size: Size, force: boolean): Promise<boolean> {
  const file = sqliteFile(size);
  if (!force && existsSync(file) && sqliteIsCurrent(size)) return false;
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
  await applyMigrations({ url: databaseUrl('sqlite', size), migrationsDir: `${repoRoot}prisma/sqlite/migrations` });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const n = sizes[size];
    const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00'); // the adapter's iso8601 format
    const insert = (table: string, cols: string[]) =>
      db.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(',')}) VALUES (${cols.map((c) => `@${c}`).join(',')})`);
    const authors = insert('Author', ['id', 'name', 'bio', 'born', 'createdAt']);
    const books = insert('Book', ['id', 'isbn', 'title', 'publishedAt', 'pages', 'priceCents', 'stockQuantity', 'authorId', 'createdAt']);
    const customers = insert('Customer', ['id', 'email', 'name', 'createdAt']);
    const reviews = insert('Review', ['id', 'rating', 'body', 'bookId', 'customerId', 'createdAt']);
    db.transaction(() => {
      for (let i = 1; i <= n.authors; i++) {
        const r = row.author(i);
        authors.run({ ...r, born: iso(r.born), createdAt: iso(r.createdAt) });
      }
      for (let i = 1; i <= n.books; i++) {
        const r = row.book(i, n.authors);
        books.run({ ...r, publishedAt: iso(r.publishedAt), createdAt: iso(r.createdAt) });
      }
      for (let i = 1; i <= n.customers; i++) {
        const r = row.customer(i);
        customers.run({ ...r, createdAt: iso(r.createdAt) });
      }
      for (let i = 1; i <= n.reviews; i++) {
        const r = row.review(i, n.books, n.customers);
        reviews.run({ ...r, createdAt: iso(r.createdAt) });
      }
      db.exec(`CREATE TABLE bench_meta (size TEXT NOT NULL, version INTEGER NOT NULL)`);
      db.prepare(`INSERT INTO bench_meta VALUES (?, ?)`).run(size, generatorVersion);
    })();
    db.exec('ANALYZE');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return true;
}

function sqliteIsCurrent(size: Size): boolean {
  const db = new Database(sqliteFile(size));
  try {
    const meta = db.prepare(`SELECT size, version FROM bench_meta`).get() as { size: string; version: number } | undefined;
    if (meta?.size !== size || meta.version !== generatorVersion) return false;
    resetSqlite(db, size);
    return Object.entries(expectedCounts(size)).every(
      ([t, n]) => (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n === n,
    );
  } catch {
    return false;
  } finally {
    db.close();
  }
}

/** Undoes what W7 writes: reviews past the generated ones, and book 77's stock. */
export async function resetWrites(provider: Provider, size: Size, bookId = 77): Promise<void> {
  if (provider === 'sqlite') {
    const db = new Database(sqliteFile(size));
    try {
      resetSqlite(db, size, bookId);
    } finally {
      db.close();
    }
    return;
  }
  const db = new pg.Client({ connectionString: postgresUrl(size) });
  await db.connect();
  try {
    const n = sizes[size].reviews;
    await db.query(`DELETE FROM "Review" WHERE id > ${n}`);
    await db.query(`UPDATE "Book" SET "stockQuantity" = ${generatedStock(bookId)} WHERE id = ${bookId}`);
    await db.query(`SELECT setval(pg_get_serial_sequence('"Review"', 'id'), ${n + 1}, false)`);
    // The undone writes leave dead rows: W7's reviews, all of book 77, under
    // its index entries, and book 77's row versions. Where autovacuum is off
    // (as on the bench machine) they pile up from run to run, so later runs
    // read through more of them than earlier ones. Vacuumed here, every run
    // reads the same pages. No ANALYZE: its random sample would give each run
    // slightly different statistics, where generation's stay fixed.
    await db.query(`VACUUM "Review", "Book"`);
  } finally {
    await db.end();
  }
}

function resetSqlite(db: Database.Database, size: Size, bookId = 77): void {
  const n = sizes[size].reviews;
  db.prepare(`DELETE FROM "Review" WHERE id > ?`).run(n);
  db.prepare(`UPDATE "Book" SET "stockQuantity" = ? WHERE id = ?`).run(generatedStock(bookId), bookId);
  db.prepare(`UPDATE sqlite_sequence SET seq = ? WHERE name = 'Review'`).run(n);
}

/** `--name value` from argv. */
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const size = (flag('size') ?? 'small') as Size;
  const provider = (flag('provider') ?? 'postgres') as Provider;
  if (!(size in sizes)) throw new Error(`--size must be small or medium, but got: ${size}`);
  if (provider !== 'postgres' && provider !== 'sqlite') throw new Error(`--provider must be postgres or sqlite, but got: ${provider}`);
  if (provider === 'sqlite' && size !== 'small') throw new Error('the medium size is generated on Postgres only');
  const result = await ensureData({ size, provider, force: process.argv.includes('--force') });
  console.log(
    result.generated
      ? `generated ${size} on ${provider} in ${result.seconds.toFixed(1)} s (${JSON.stringify(sizes[size])})`
      : `${size} on ${provider} is current (checked in ${result.seconds.toFixed(1)} s); --force regenerates`,
  );
  process.exit(0); // the migration engine keeps the event loop alive for seconds
}
