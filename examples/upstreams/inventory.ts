// The example inventory REST/JSON API: stock levels per ISBN, one at a time or
// in batches. Stock is a deterministic function of the ISBN (see README.md), so
// every book the seeder or the benchmark creates has an answer.
import { readFileSync } from 'node:fs';
import { allowOnlyReads, sendJson, serve } from './serve.ts';
import type { UpstreamOptions, UpstreamServer } from './types.ts';

export interface Warehouse {
  code: string;
  city: string;
}

export interface StockItem {
  isbn: string;
  available: number;
  reserved: number;
  warehouse: Warehouse;
  updatedAt: string;
}

/** ISBNs per batch call; more is a 400, as with real batch APIs. */
export const MAX_BATCH = 100;

const warehouses = JSON.parse(
  readFileSync(new URL('./fixtures/warehouses.json', import.meta.url), 'utf8'),
) as Warehouse[];

const noStore = { 'cache-control': 'no-store' };

/**
 * The stock of an ISBN, or null when the inventory does not know it: anything
 * but 10 or 13 digits (an ISBN-10 may end in X), and every ISBN whose last digit
 * before the check digit is 7 ("not stocked").
 */
export function stockFor(isbn: string): StockItem | null {
  if (!/^(?:\d{9}[\dX]|\d{13})$/.test(isbn) || isbn[isbn.length - 2] === '7') return null;
  const hash = fnv1a(isbn);
  const available = (hash >>> 8) % 41;
  const hoursAgo = (hash >>> 20) % 72;
  return {
    isbn,
    available,
    reserved: Math.min(available, (hash >>> 16) % 4),
    warehouse: warehouses[hash % warehouses.length]!,
    updatedAt: new Date(Date.UTC(2026, 10, 23, 8) - hoursAgo * 3_600_000).toISOString().replace('.000Z', 'Z'),
  };
}

export function startInventoryServer(options: UpstreamOptions & { apiKey?: string } = {}): Promise<UpstreamServer> {
  const { apiKey, ...listen } = options;
  return serve((request, url, response) => {
    if (apiKey !== undefined && request.headers['x-api-key'] !== apiKey) {
      sendJson(response, 401, { error: 'missing or wrong x-api-key header' });
      return;
    }
    if (!allowOnlyReads(request, response)) return;
    if (url.pathname === '/stock') {
      const isbns = url.searchParams
        .getAll('isbn')
        .flatMap((value) => value.split(','))
        .map((isbn) => isbn.trim())
        .filter((isbn) => isbn !== '');
      if (isbns.length === 0) {
        sendJson(response, 400, { error: 'query parameter isbn is required, e.g. /stock?isbn=a,b,c' });
      } else if (isbns.length > MAX_BATCH) {
        sendJson(response, 400, { error: `at most ${MAX_BATCH} ISBNs per request, got ${isbns.length}` });
      } else {
        // Unknown ISBNs are simply absent; the order is not the request's.
        const items = [...new Set(isbns)]
          .map(stockFor)
          .filter((item) => item !== null)
          .sort((a, b) => fnv1a(`order:${a.isbn}`) - fnv1a(`order:${b.isbn}`));
        sendJson(response, 200, { items }, noStore);
      }
      return;
    }
    const single = /^\/stock\/([^/]+)$/.exec(url.pathname);
    if (single) {
      let isbn: string;
      try {
        isbn = decodeURIComponent(single[1]!);
      } catch {
        sendJson(response, 400, { error: 'malformed ISBN in path' });
        return;
      }
      const item = stockFor(isbn);
      if (item) sendJson(response, 200, item, noStore);
      else sendJson(response, 404, { error: 'not found' }, noStore);
      return;
    }
    sendJson(response, 404, { error: 'not found' });
  }, listen);
}

// 32-bit FNV-1a: a small, stable hash, so stock is the same on every machine.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
