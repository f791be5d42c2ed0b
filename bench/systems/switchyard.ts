// Switchyard itself: the real server (src/main.ts) over the bench database,
// in production mode, with the page cap raised for W5/W6.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { params } from '../workloads.ts';
import { SignJWT } from 'jose';
import {
  graphqlData,
  graphqlPost,
  serverEnv,
  type HttpRequest,
  type LaunchOptions,
  type SystemSpec,
  type WorkloadId,
} from './types.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

const documents: Record<Exclude<WorkloadId, 'W7'>, [string, Record<string, unknown>]> = {
  W1: ['query W1($id: ID!) { book(id: $id) { id isbn title pages priceCents } }', { id: String(params.W1.bookId) }],
  W2: ['query W2($n: Int!) { books(first: $n) { nodes { id isbn title priceCents } } }', { n: params.W2.first }],
  W3: [
    'query W3($a: Int!, $b: Int!) { authors(first: $a) { nodes { id name books(first: $b) { nodes { id title } } } } }',
    { a: params.W3.authors, b: params.W3.books },
  ],
  W4: [
    'query W4($a: Int!, $b: Int!, $r: Int!) { authors(first: $a) { nodes { id books(first: $b) { nodes { id reviews(first: $r) { nodes { id rating } } } } } } }',
    { a: params.W4.authors, b: params.W4.books, r: params.W4.reviews },
  ],
  W5: ['query W5($n: Int!) { books(first: $n) { nodes { id title author { id name } } } }', { n: params.W5.first }],
  W6: ['query W6($n: Int!) { reviews(first: $n) { nodes { id rating body createdAt } } }', { n: params.W6.first }],
  W8: [
    'query W8($n: Int!, $c: String!) { books(first: $n) { nodes { id title stock { available } price(currency: $c) { amount } } } }',
    { n: params.W8.first, c: params.W8.currency },
  ],
};

const num = (id: string) => Number(id);

/** The Node flags of `npm start` (package.json), so the bench runs the server as shipped. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return pkg.scripts.start!.split(' ').filter((word) => word.startsWith('--') && !word.startsWith('--env-file'));
}

// W7's writes are admin-only in the example schema (@auth): they carry an
// admin's token, verified on every request like any client's. Reads are public.
const benchJwtSecret = 'switchyard-bench-secret-0f1e2d3c4b5a69788796';
const adminToken = await new SignJWT({ roles: ['admin'] })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('bench-admin')
  .setExpirationTime('12h')
  .sign(new TextEncoder().encode(benchJwtSecret));
const asAdmin = (request: HttpRequest): HttpRequest => ({
  ...request,
  headers: { ...request.headers, authorization: `Bearer ${adminToken}` },
});

/**
 * The server process as the bench runs it: `npm start`'s Node flags, then
 * BENCH_SWITCHYARD_NODE_FLAGS, then `extraNodeFlags` (ab.ts's variants), and
 * `mainJs` (relative to the repository, or absolute for ab.ts's builds).
 */
export function switchyardProcess(
  options: LaunchOptions,
  mainJs: string,
  extraNodeFlags: string[] = [],
): { command: string; args: string[]; env: Record<string, string>; cwd: string } {
  return {
    command: process.execPath,
    // BENCH_SWITCHYARD_NODE_FLAGS tries V8 flags without editing this file (e.g. GC sizes).
    args: [
      ...startFlags(),
      ...(process.env.BENCH_SWITCHYARD_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      ...extraNodeFlags,
      mainJs,
    ],
    cwd: root,
    env: {
      ...serverEnv(options),
      MIGRATE_ON_START: 'false',
      SEED_ON_START: 'false',
      MAX_PAGE_SIZE: '1000',
      LOG_LEVEL: 'warn',
      SWITCHYARD_DEBUG: '1',
      // One client (the load generator) at thousands of requests a second is the point here.
      RATE_LIMIT_MAX: '0',
      AUTH_JWT_SECRET: benchJwtSecret,
    },
  };
}

/** What `npm start`'s prestart does: builds dist/ from the working tree. */
export function buildSwitchyard(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'ignore' });
}

export const switchyard: SystemSpec = {
  name: 'switchyard',
  description: 'Switchyard: schema.graphql bindings, per-request DataLoaders, Fastify + Apollo Server 5',
  providers: ['postgres', 'sqlite'],
  launch: (options) => {
    // What `npm start` runs, without npm's own process in the measured tree.
    buildSwitchyard();
    return switchyardProcess(options, 'dist/main.js');
  },
  readyPath: '/readyz',
  requests(workload) {
    if (workload === 'W7') {
      const p = params.W7;
      return [
        graphqlPost(
          '/graphql',
          'mutation W7a($input: CreateReviewInput!) { createReview(input: $input) { book { id } rating body } }',
          { input: { bookId: String(p.bookId), rating: p.rating, body: p.body } },
        ),
        graphqlPost(
          '/graphql',
          'mutation W7b($id: ID!, $s: Int!) { updateBook(id: $id, input: { stockQuantity: $s }) { id stockQuantity } }',
          {
            id: String(p.bookId),
            s: p.stockQuantity,
          },
        ),
      ].map(asAdmin);
    }
    const [query, variables] = documents[workload];
    return [graphqlPost('/graphql', query, variables)];
  },
  canonical(workload, body) {
    const data = graphqlData(body);
    switch (workload) {
      case 'W1': {
        const b = data.book;
        return { id: num(b.id), isbn: b.isbn, title: b.title, pages: b.pages, priceCents: b.priceCents };
      }
      case 'W2':
        return data.books.nodes.map((b: any) => ({
          id: num(b.id),
          isbn: b.isbn,
          title: b.title,
          priceCents: b.priceCents,
        }));
      case 'W3':
        return data.authors.nodes.map((a: any) => ({
          id: num(a.id),
          name: a.name,
          books: a.books.nodes.map((b: any) => ({ id: num(b.id), title: b.title })),
        }));
      case 'W4':
        return data.authors.nodes.map((a: any) => ({
          id: num(a.id),
          books: a.books.nodes.map((b: any) => ({
            id: num(b.id),
            reviews: b.reviews.nodes.map((r: any) => ({ id: num(r.id), rating: r.rating })),
          })),
        }));
      case 'W5':
        return data.books.nodes.map((b: any) => ({
          id: num(b.id),
          title: b.title,
          author: { id: num(b.author.id), name: b.author.name },
        }));
      case 'W6':
        return data.reviews.nodes.map((r: any) => ({
          id: num(r.id),
          rating: r.rating,
          body: r.body,
          createdAt: r.createdAt,
        }));
      case 'W7':
        return data.createReview
          ? { bookId: num(data.createReview.book.id), rating: data.createReview.rating, body: data.createReview.body }
          : { id: num(data.updateBook.id), stockQuantity: data.updateBook.stockQuantity };
      case 'W8':
        return data.books.nodes.map((b: any) => ({
          id: num(b.id),
          title: b.title,
          available: b.stock?.available ?? null,
          usd: b.price.amount,
        }));
    }
  },
};
