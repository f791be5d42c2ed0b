// Every way an HTTP source call can fail, as an UpstreamError with a message
// a client may read (source name, status, method and path without query; no
// URL, host or header). Two facts about a failure are kept beside it rather
// than on it, so the public error stays the shape types.ts declares:
// whether it is transient (a retry may succeed) and what Retry-After said.
import { UpstreamError } from './types.ts';

/** Statuses a retry may cure: the upstream was busy, overloaded, or restarting. */
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** Statuses whose Retry-After header is honoured. */
const RETRY_AFTER_STATUS = new Set([429, 503]);

const transient = new WeakMap<UpstreamError, { retryAfter?: string }>();

export function timedOut(source: string, timeoutMs: number, cause?: unknown): UpstreamError {
  const error = new UpstreamError(
    'UPSTREAM_TIMEOUT',
    source,
    `${source} did not answer within ${timeoutMs} ms`,
    undefined,
    {
      cause,
    },
  );
  transient.set(error, {});
  return error;
}

/** Connection refused or reset, DNS failure, or a body broken off half-way. */
export function unreachable(source: string, cause: unknown, afterHeaders: boolean): UpstreamError {
  const code = networkCodeOf(cause);
  const what = afterHeaders ? `${source} broke off its answer` : `${source} could not be reached`;
  const error = new UpstreamError('UPSTREAM_UNAVAILABLE', source, code ? `${what} (${code})` : what, undefined, {
    cause,
  });
  transient.set(error, {});
  return error;
}

export function answered(
  source: string,
  status: number,
  method: string,
  path: string,
  retryAfter: string | null,
): UpstreamError {
  const error = new UpstreamError(
    'UPSTREAM_FAILED',
    source,
    `${source} answered ${status} for ${method} ${path.split('?')[0]}`,
    status,
  );
  if (RETRYABLE_STATUS.has(status)) {
    transient.set(error, RETRY_AFTER_STATUS.has(status) && retryAfter !== null ? { retryAfter } : {});
  }
  return error;
}

export function circuitOpen(source: string, cause?: unknown): UpstreamError {
  return new UpstreamError('UPSTREAM_UNAVAILABLE', source, `${source}: circuit open, failing fast`, undefined, {
    cause,
  });
}

export function queueFull(source: string, waiting: number, cause?: unknown): UpstreamError {
  return new UpstreamError(
    'UPSTREAM_UNAVAILABLE',
    source,
    `${source} has ${waiting} calls waiting, failing fast`,
    undefined,
    {
      cause,
    },
  );
}

/** Every concurrency slot stayed busy for the whole timeout. Transient: a retry may find one free. */
export function slotTimeout(source: string, timeoutMs: number): UpstreamError {
  const error = new UpstreamError(
    'UPSTREAM_TIMEOUT',
    source,
    `${source}: no free connection slot within ${timeoutMs} ms (maxConcurrency reached)`,
  );
  transient.set(error, {});
  return error;
}

/** The caller went away (its AbortSignal fired) or the source was closed. */
export function cancelled(source: string, why: string, cause?: unknown): UpstreamError {
  const error = new UpstreamError('UPSTREAM_UNAVAILABLE', source, `${source} call cancelled: ${why}`, undefined, {
    cause,
  });
  cancellations.add(error);
  return error;
}

const cancellations = new WeakSet<UpstreamError>();

/** The call stopped because its caller went away or the source closed, not because of the upstream. */
export function isCancellation(error: unknown): boolean {
  return error instanceof UpstreamError && cancellations.has(error);
}

/** Anything that is not already an UpstreamError (a bug, a decoder surprise) becomes a bad response, kept as cause. */
export function asUpstreamError(source: string, error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  return new UpstreamError(
    'UPSTREAM_BAD_RESPONSE',
    source,
    `${source} sent an answer that could not be used`,
    undefined,
    {
      cause: error,
    },
  );
}

/** A retry may succeed: a timeout, a network failure, or 408, 429, 500, 502, 503, 504. */
export function isTransient(error: unknown): boolean {
  return error instanceof UpstreamError && transient.has(error);
}

/** What the failed answer's Retry-After said (429 and 503 only). */
export function retryAfterOf(error: unknown): string | undefined {
  return error instanceof UpstreamError ? transient.get(error)?.retryAfter : undefined;
}

/**
 * The upstream itself is unwell: transient failures and every 5xx. Other 4xx
 * and unusable bodies are not: the upstream answered, the request (or what it
 * asked for) was the problem, and failing fast for everyone would not help.
 */
export function isBreakerFailure(error: unknown): boolean {
  return isTransient(error) || (error instanceof UpstreamError && (error.status ?? 0) >= 500);
}

// undici wraps the system error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
function networkCodeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
