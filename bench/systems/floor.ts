// The floor: a plain Node HTTP server (floor-server.ts) answering each workload
// with one hand-written prepared SQL statement that returns the JSON. Whatever
// a GraphQL server costs above it is the price of being a GraphQL server.
// W8 adds the HTTP upstreams: one batched stock call and a cached rates feed.
import { fileURLToPath } from 'node:url';
import { params } from '../workloads.ts';
import { serverEnv, type HttpRequest, type SystemSpec, type WorkloadId } from './types.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

const get = (path: string, query: Record<string, number | string>): HttpRequest => ({
  method: 'GET',
  path: `${path}?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`,
  headers: {},
});
const post = (path: string, body: unknown): HttpRequest => ({
  method: 'POST',
  path,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const floor: SystemSpec = {
  name: 'floor',
  description:
    'Floor: node:http + one prepared SQL statement per workload returning the JSON (pg / better-sqlite3); W8: + one batched stock call, rates cached for their max-age',
  providers: ['postgres', 'sqlite'],
  launch: (options) => ({
    command: process.execPath,
    args: ['--import', 'tsx', 'bench/systems/floor-server.ts'],
    cwd: root,
    env: serverEnv(options),
  }),
  readyPath: '/ready',
  requests(workload: WorkloadId): HttpRequest[] {
    switch (workload) {
      case 'W1':
        return [get('/W1', { id: params.W1.bookId })];
      case 'W2':
        return [get('/W2', { first: params.W2.first })];
      case 'W3':
        return [get('/W3', { authors: params.W3.authors, books: params.W3.books })];
      case 'W4':
        return [get('/W4', { authors: params.W4.authors, books: params.W4.books, reviews: params.W4.reviews })];
      case 'W5':
        return [get('/W5', { first: params.W5.first })];
      case 'W6':
        return [get('/W6', { first: params.W6.first })];
      case 'W7': {
        const p = params.W7;
        return [
          post('/W7a', { bookId: p.bookId, rating: p.rating, body: p.body }),
          post('/W7b', { id: p.bookId, stockQuantity: p.stockQuantity }),
        ];
      }
      case 'W8':
        return [get('/W8', { first: params.W8.first, currency: params.W8.currency })];
    }
  },
  // The SQL already returns the canonical shape; W8's amount is named after its currency there.
  canonical(workload, body) {
    if (body && typeof body === 'object' && 'error' in body) throw new Error(`floor error: ${JSON.stringify(body)}`);
    if (workload === 'W8')
      return (body as { id: number; title: string; available: number | null; amount: number }[]).map(
        ({ amount, ...book }) => ({ ...book, usd: amount }),
      );
    return body;
  },
};
