// The contract of the HTTP source: what a source is configured with (read from
// `@source` in schema.graphql by src/bindings), what a call asks for, and what
// it returns. Like every source, it knows nothing of GraphQL.

export type SourceFormat = 'json' | 'xml';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpSourceConfig {
  /** The name bindings use (`@http(source: "inventory")`); also in every error and log entry. */
  name: string;
  /** Absolute base URL; request paths are appended to it. */
  baseUrl: string;
  format: SourceFormat;
  /** Per attempt, from sending the request to the last byte of the body. */
  timeoutMs: number;
  /** Sent with every call (API keys read from the environment at startup). */
  headers: Record<string, string>;
  /** Lower-cased names of client request headers passed through (credentials such as `authorization`). */
  forwardHeaders: string[];
  /** Calls in flight at once; further calls wait in a queue. */
  maxConcurrency: number;
  /** Bodies larger than this fail with UPSTREAM_BAD_RESPONSE, without being read further. */
  maxBodyBytes: number;
  /** Retries after the first attempt, for idempotent calls (or calls that opt in). */
  retries: number;
  /** Base of the exponential backoff; each delay gets full jitter, capped by maxRetryDelayMs. */
  retryBaseMs: number;
  maxRetryDelayMs: number;
  breaker: {
    /** Opens when failures / calls over the window reach this ratio (0..1)... */
    failureRatio: number;
    windowMs: number;
    /** ...and the window holds at least this many calls. */
    minimumCalls: number;
    /** Open for this long, then one probe call decides (half-open). */
    resetMs: number;
  };
  /** The opt-in shared cache (across requests), honouring Cache-Control max-age and ETag. */
  sharedCache?: { maxBytes: number };
  /** XML only: prefix → namespace URI, for prefixed names in selection paths. */
  namespaces?: Record<string, string>;
}

export interface HttpCall {
  method: HttpMethod;
  /** Path and query already rendered and percent-encoded, e.g. `/stock?isbn=a,b`. Appended to baseUrl. */
  path: string;
  /** A JSON body for POST/PUT/PATCH. */
  body?: unknown;
  /** Forwarded client headers (already filtered to the source's forwardHeaders). Part of dedup and cache keys. */
  headers?: Record<string, string>;
  /** Allows retries for a non-idempotent method (the binding opted in). */
  retryNonIdempotent?: boolean;
  /** Aborts the call (and its retries) when the client request is gone. */
  signal?: AbortSignal;
}

/** Where a call's result came from. */
export type CacheOutcome = 'miss' | 'shared-hit' | 'revalidated' | 'in-flight';

export interface HttpResult {
  status: number;
  /** The decoded body: a JSON value, or the root XmlElement for XML sources. */
  value: unknown;
  cache: CacheOutcome;
  /** Attempts made (1 when no retry was needed; 0 for a cache hit or a joined in-flight call). */
  attempts: number;
  /** The URL called, with credentials in query parameters and user info replaced by `***`. */
  url: string;
  durationMs: number;
}

/** An XML element after namespace resolution. Attributes and children keep document order. */
export interface XmlElement {
  /** Local name, without prefix. */
  name: string;
  /** Namespace URI, or '' for none. */
  ns: string;
  /** Attribute local name → value (prototype-free object; namespace declarations excluded). */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text and CDATA directly inside this element, entities decoded, trimmed. */
  text: string;
}

export type UpstreamErrorCode =
  'UPSTREAM_TIMEOUT' | 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_FAILED' | 'UPSTREAM_BAD_RESPONSE';

/** Every failure of an HTTP source call. `message` is safe to show to clients: no secrets, no stack. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly code: UpstreamErrorCode,
    readonly source: string,
    message: string,
    /** The upstream's HTTP status, for UPSTREAM_FAILED. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
