// The opt-in cache shared by all requests to one source (`@source(cache:)`),
// honouring the upstream's Cache-Control and validators. Per-request
// DataLoaders already de-duplicate within a request; this saves calls across
// requests, for data the upstream itself declares cacheable.
//
// Keys hold the method, the full URL and the forwarded client headers
// (credentials), so an entry only ever serves callers that would have sent
// the very same request. That is why `private` answers are stored: a shared
// cache must not hand one user's private answer to another, and with
// credentials in the key it cannot. (The source's own configured headers are
// the same for every caller and are not part of the key.)
//
// Bounded by bytes (lru-cache `maxSize`), an entry weighing its body's byte
// length; an entry larger than the whole cache is not stored.
import { LRUCache } from 'lru-cache';
import type { ResponseHeaders } from './sendRequest.ts';

export interface CachedAnswer {
  status: number;
  /** The decoded body, shared by every hit: callers must treat it as read-only. */
  value: unknown;
  /** Body bytes: the entry's weight in the cache. */
  size: number;
  etag?: string;
  lastModified?: string;
  /** Epoch ms until which the entry may be served without asking the upstream. */
  freshUntil: number;
  /** Freshness granted by the last answer, in ms (0: always revalidate), reused when a 304 says nothing. */
  lifetimeMs: number;
}

interface CacheControl {
  maxAgeMs?: number;
  noStore: boolean;
  noCache: boolean;
}

export class SharedCache {
  private readonly entries: LRUCache<string, CachedAnswer>;

  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, CachedAnswer>({
      maxSize: maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.size),
    });
  }

  /** The stored answer for `key` and whether it is fresh at `now`. */
  lookup(key: string, now: number): { answer: CachedAnswer; fresh: boolean } | undefined {
    const answer = this.entries.get(key);
    return answer && { answer, fresh: now < answer.freshUntil };
  }

  /**
   * Stores a 200 answer if its headers allow: not `no-store` nor `Vary: *`,
   * and either fresh for a while (`s-maxage`, else `max-age`) or carrying a
   * validator to revalidate with. An answer that may not be stored also
   * evicts what was stored under its key.
   */
  store(key: string, status: number, headers: ResponseHeaders, value: unknown, size: number, now: number): void {
    const control = parseCacheControl(headers.get('cache-control'));
    const etag = headers.get('etag') ?? undefined;
    const lastModified = headers.get('last-modified') ?? undefined;
    const lifetimeMs = control.noCache ? 0 : (control.maxAgeMs ?? 0);
    const storable =
      status === 200 &&
      !control.noStore &&
      headers.get('vary')?.trim() !== '*' &&
      (lifetimeMs > 0 || etag !== undefined || lastModified !== undefined);
    if (!storable) {
      this.entries.delete(key);
      return;
    }
    const freshUntil = now + Math.max(0, lifetimeMs - ageMs(headers));
    this.entries.set(key, { status, value, size, etag, lastModified, freshUntil, lifetimeMs });
  }

  /**
   * After a 304: the stored answer is still good. Its freshness is renewed
   * from the 304's own Cache-Control, or from the stored one if the 304 has
   * none; a new validator replaces the old. Returns the refreshed answer.
   */
  refresh(key: string, answer: CachedAnswer, headers: ResponseHeaders, now: number): CachedAnswer {
    const header = headers.get('cache-control');
    const control = header === null ? undefined : parseCacheControl(header);
    if (control?.noStore) {
      this.entries.delete(key);
      return answer;
    }
    const lifetimeMs = control === undefined ? answer.lifetimeMs : control.noCache ? 0 : (control.maxAgeMs ?? 0);
    const refreshed: CachedAnswer = {
      ...answer,
      etag: headers.get('etag') ?? answer.etag,
      lastModified: headers.get('last-modified') ?? answer.lastModified,
      freshUntil: now + Math.max(0, lifetimeMs - ageMs(headers)),
      lifetimeMs,
    };
    this.entries.set(key, refreshed);
    return refreshed;
  }

  /** Bytes held (sum of stored bodies); never above maxBytes. */
  get size(): number {
    return this.entries.calculatedSize;
  }

  /** Entries held. */
  get count(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

// Only the directives a shared cache in front of one upstream needs.
// `s-maxage` wins over `max-age` (it is meant for shared caches).
function parseCacheControl(header: string | null): CacheControl {
  const control: CacheControl = { noStore: false, noCache: false };
  let maxAge: number | undefined;
  let sMaxAge: number | undefined;
  for (const part of (header ?? '').split(',')) {
    const [rawName, rawValue] = part.split('=', 2);
    const name = rawName!.trim().toLowerCase();
    const seconds = rawValue === undefined ? NaN : Number(rawValue.trim().replace(/^"|"$/g, ''));
    if (name === 'no-store') control.noStore = true;
    else if (name === 'no-cache') control.noCache = true;
    else if (name === 'max-age' && Number.isFinite(seconds) && seconds >= 0) maxAge = seconds;
    else if (name === 's-maxage' && Number.isFinite(seconds) && seconds >= 0) sMaxAge = seconds;
  }
  const chosen = sMaxAge ?? maxAge;
  if (chosen !== undefined) control.maxAgeMs = chosen * 1000;
  return control;
}

// The Age header: how long the answer already sat in caches upstream of us.
function ageMs(headers: ResponseHeaders): number {
  const age = Number(headers.get('age'));
  return Number.isFinite(age) && age > 0 ? age * 1000 : 0;
}
