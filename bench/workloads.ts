// The workloads: what each asks for, and the canonical data every system must
// return for it (ids as numbers, dates as ISO strings, lists ordered by id).
// Each system writes its own GraphQL document (or SQL, for the floor) for the
// same data; the harness compares sha256 of the canonical JSON across systems.
import { createHash } from 'node:crypto';
import type { WorkloadId } from './systems/types.ts';

export interface Workload {
  id: WorkloadId;
  title: string;
  /** The canonical shape, as a reader would write it. */
  shape: string;
  /** Runs last, on fresh data: it writes. */
  writes?: boolean;
}

/** Fixed parameters: every system's documents use these. */
export const params = {
  W1: { bookId: 4242 },
  W2: { first: 50 },
  W3: { authors: 20, books: 10 },
  W4: { authors: 10, books: 10, reviews: 10 },
  W5: { first: 200 },
  W6: { first: 1000 },
  W7: { bookId: 77, rating: 4, body: 'Bench review', stockQuantity: 5 },
  W8: { first: 100, currency: 'USD' },
} as const;

export const workloads: Workload[] = [
  { id: 'W1', title: 'one book by id', shape: '{ id, isbn, title, pages, priceCents } for book 4242' },
  { id: 'W2', title: 'a flat page of 50 books', shape: '[{ id, isbn, title, priceCents }] first 50 books by id' },
  {
    id: 'W3',
    title: 'authors → books (2 levels)',
    shape: '[{ id, name, books: [{ id, title }] }] 20 authors × first 10 books, by id',
  },
  {
    id: 'W4',
    title: 'authors → books → reviews (3 levels)',
    shape: '[{ id, books: [{ id, reviews: [{ id, rating }] }] }] 10 × 10 × 10, by id',
  },
  {
    id: 'W5',
    title: '200 books, each with its author',
    shape: '[{ id, title, author: { id, name } }] first 200 books by id',
  },
  {
    id: 'W6',
    title: 'a large result (~300 KB)',
    shape: '[{ id, rating, body, createdAt }] first 1000 reviews by id, createdAt as ISO string',
  },
  {
    id: 'W7',
    title: 'a mutation mix',
    shape:
      'alternately createReview(book 77, rating 4) → { bookId, rating, body } and updateBook(77, stockQuantity 5) → { id, stockQuantity }',
    writes: true,
  },
  {
    id: 'W8',
    title: '100 books with stock and price from the HTTP upstreams',
    shape:
      '[{ id, title, available, usd }] first 100 books by id (70–79 not stocked); available from the inventory API (null when not stocked), usd = round(priceCents / 100 × ECB USD rate, 2)',
  },
];

/** sha256 of the canonical JSON (keys sorted, so key order never matters). */
export function checksum(data: unknown): string {
  return createHash('sha256').update(stableJson(data)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
