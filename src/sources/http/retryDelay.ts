// How long to wait before a retry. Full jitter (a uniform delay between 0 and
// the exponential ceiling) spreads the retries of many callers that failed at
// the same moment, so a recovering upstream is not hit by them in lock step.
// An upstream that says when to come back (`Retry-After`) is taken at its word.

export interface RetryDelayOptions {
  retryBaseMs: number;
  maxRetryDelayMs: number;
}

/**
 * The delay before retry number `retry` (1 for the first retry), in ms; or
 * undefined when the upstream's `Retry-After` asks for longer than
 * `maxRetryDelayMs`, which means: do not retry, fail now.
 *
 * @param retryAfter the `Retry-After` header of the failed answer (seconds or
 *   an HTTP date), if the status honours one (429, 503).
 * @param now the current time in epoch ms, for HTTP dates.
 */
export function retryDelay(
  retry: number,
  options: RetryDelayOptions,
  retryAfter?: string | null,
  now: number = Date.now(),
  random: () => number = Math.random,
): number | undefined {
  const asked = retryAfter == null ? undefined : parseRetryAfter(retryAfter, now);
  if (asked !== undefined) return asked > options.maxRetryDelayMs ? undefined : asked;
  const ceiling = Math.min(options.maxRetryDelayMs, options.retryBaseMs * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}

/** `Retry-After` in ms from `now`: delta seconds or an HTTP date; undefined when unreadable. */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
