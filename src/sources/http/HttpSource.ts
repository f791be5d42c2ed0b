// The client of one HTTP source (one `@source`), shared by every request the
// gateway serves. A call goes through, in order:
//
//   shared cache (fresh hit: no network)  →  in-flight de-duplication (join an
//   identical GET already on its way)  →  retries  →  circuit breaker (fail
//   fast while open)  →  concurrency cap (queue)  →  one attempt (sendRequest)
//
// Only GET is de-duplicated and cached: it is the only method whose answer
// one caller may reuse for another. De-duplication and cache keys hold the
// forwarded client headers, so callers with different credentials never
// share an answer.
//
// Retries are a small loop here rather than cockatiel's RetryPolicy: that
// policy sleeps on a timer neither the caller's AbortSignal nor close() can
// cancel (a client that went away would still hold a retry for up to
// maxRetryDelayMs, and vitest would wait for it), and "honour Retry-After,
// but fail at once when it asks for longer than maxRetryDelayMs" needs the
// failed answer in both the retry filter and the backoff. The breaker and the
// concurrency cap are cockatiel's.
//
// The breaker counts attempts, not calls: a call that fails three times has
// told us three times that the upstream is unwell, and a retry issued after
// the circuit opened fails fast like any other attempt.
import {
  bulkhead,
  circuitBreaker,
  CircuitState,
  handleWhen,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  isTaskCancelledError,
  wrap,
} from 'cockatiel';
import { buildRequest, requestKey } from './buildRequest.ts';
import { joinUrl } from './joinUrl.ts';
import { RatioBreaker } from './RatioBreaker.ts';
import { redactUrl } from './redactUrl.ts';
import { retryDelay } from './retryDelay.ts';
import { sendRequest, type UpstreamAnswer, type UpstreamRequest } from './sendRequest.ts';
import { type CachedAnswer, SharedCache } from './sharedCache.ts';
import type { CacheOutcome, HttpCall, HttpResult, HttpSourceConfig } from './types.ts';
import { UpstreamError } from './types.ts';
import {
  asUpstreamError,
  cancelled,
  isCancellation,
  circuitOpen,
  isBreakerFailure,
  isTransient,
  queueFull,
  slotTimeout,
  retryAfterOf,
} from './upstreamFailures.ts';

/** Calls that may wait for a free slot; beyond this the source is overloaded and calls fail fast. */
const QUEUE_LIMIT = 1000;

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What the upstream work behind one or more identical calls produced. */
interface Fetched {
  status: number;
  value: unknown;
  cache: CacheOutcome;
  attempts: number;
}

/** Upstream work shared by the calls that joined it; aborted when the last of them leaves. */
interface Work {
  key: string;
  promise: Promise<Fetched>;
  controller: AbortController;
  participants: number;
}

export class HttpSource {
  private readonly now: () => number;
  private readonly cache: SharedCache | undefined;
  private readonly breaker;
  private readonly policy;
  private readonly inFlight = new Map<string, Work>();
  private readonly running = new Set<AbortController>();
  private openedAt = 0;
  private closed = false;

  /**
   * @param options.now the clock for HTTP freshness (Cache-Control ages,
   *   Retry-After dates), in epoch ms. The breaker runs on the real clock,
   *   as cockatiel's half-open timer does.
   */
  constructor(
    private readonly config: HttpSourceConfig,
    options: { now?: () => number } = {},
  ) {
    try {
      joinUrl(config.baseUrl, '');
    } catch {
      throw new TypeError(`@source "${config.name}": baseUrl ${redactUrl(config.baseUrl)} is not an absolute URL`);
    }
    this.now = options.now ?? Date.now;
    this.cache = config.sharedCache && new SharedCache(config.sharedCache.maxBytes);
    // A probe its caller abandoned proved nothing: it counts as failed, so the
    // circuit stays open for another resetMs instead of closing unproven.
    const isFailure = (error: Error) =>
      isBreakerFailure(error) || (this.breaker.state === CircuitState.HalfOpen && isCancellation(error));
    this.breaker = circuitBreaker(handleWhen(isFailure), {
      halfOpenAfter: config.breaker.resetMs,
      breaker: new RatioBreaker(config.breaker),
    });
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
    });
    // The cap is outside the breaker: a call that waited for a slot while the
    // circuit opened fails fast instead of reaching the upstream.
    this.policy = wrap(bulkhead(config.maxConcurrency, QUEUE_LIMIT), this.breaker);
  }

  get breakerState(): BreakerState {
    const state = this.breaker.state;
    if (state === CircuitState.Closed) return 'closed';
    return state === CircuitState.HalfOpen ? 'half-open' : 'open';
  }

  /** Bytes held by the shared cache (0 without one); never above `sharedCache.maxBytes`. */
  get cacheBytes(): number {
    return this.cache?.size ?? 0;
  }

  /** Calls the upstream (or not: cache, de-duplication). Rejects only with an UpstreamError. */
  async call(call: HttpCall): Promise<HttpResult> {
    const started = performance.now();
    const { name } = this.config;
    const request = buildRequest(this.config, call);
    const shownUrl = redactUrl(joinUrl(this.config.baseUrl, call.path));
    const result = (fetched: { status: number; value: unknown }, cache: CacheOutcome, attempts: number) => ({
      status: fetched.status,
      value: fetched.value,
      cache,
      attempts,
      url: shownUrl,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
    if (this.closed) throw cancelled(name, 'the source is closed');
    if (call.signal?.aborted) throw cancelled(name, 'the caller aborted', call.signal.reason);
    const shareable = call.method === 'GET';
    const key = requestKey(request, call.headers);
    const stored = shareable ? this.cache?.lookup(key, this.now()) : undefined;
    if (stored?.fresh) return result(stored.answer, 'shared-hit', 0);
    const joined = shareable ? this.inFlight.get(key) : undefined;
    if (joined) return result(await this.join(joined, call.signal), 'in-flight', 0);
    const work = this.start(key, request, call, stored?.answer, shareable);
    const fetched = await this.join(work, call.signal);
    return result(fetched, fetched.cache, fetched.attempts);
  }

  /** Stops the source: in-flight calls and retry waits are aborted, the cache is dropped, later calls fail. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const reason = cancelled(this.config.name, 'the source is closed');
    for (const controller of this.running) controller.abort(reason);
    this.inFlight.clear();
    this.cache?.clear();
  }

  // Starts the upstream work for a call, registered for de-duplication when shareable.
  private start(
    key: string,
    request: UpstreamRequest,
    call: HttpCall,
    stale: CachedAnswer | undefined,
    shareable: boolean,
  ): Work {
    const controller = new AbortController();
    this.running.add(controller);
    const promise = this.fetchWithRetries(request, call, key, stale, controller.signal).finally(() => {
      this.running.delete(controller);
      if (this.inFlight.get(key) === work) this.inFlight.delete(key);
    });
    // Every participant handles the outcome; this covers work all of them left.
    promise.catch(() => undefined);
    const work: Work = { key, controller, participants: 0, promise };
    if (shareable) this.inFlight.set(key, work);
    return work;
  }

  // One caller's view of shared work: it may leave when its own signal aborts,
  // and the work is aborted only when nobody is left waiting for it.
  private join(work: Work, signal: AbortSignal | undefined): Promise<Fetched> {
    work.participants++;
    if (!signal) return work.promise;
    return new Promise<Fetched>((resolve, reject) => {
      const leave = () => {
        reject(cancelled(this.config.name, 'the caller aborted', signal.reason));
        if (--work.participants > 0) return;
        if (this.inFlight.get(work.key) === work) this.inFlight.delete(work.key);
        work.controller.abort(cancelled(this.config.name, 'every caller aborted'));
      };
      if (signal.aborted) return leave();
      signal.addEventListener('abort', leave, { once: true });
      work.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave));
    });
  }

  // The retry loop. A stale cached answer makes every attempt conditional.
  private async fetchWithRetries(
    request: UpstreamRequest,
    call: HttpCall,
    key: string,
    stale: CachedAnswer | undefined,
    signal: AbortSignal,
  ): Promise<Fetched> {
    const { name } = this.config;
    const retries = mayRetry(call) ? this.config.retries : 0;
    const sent = stale ? { ...request, headers: { ...request.headers, ...conditionalHeaders(stale) } } : request;
    for (let attempt = 1; ; attempt++) {
      try {
        return this.settle(await this.attempt(sent, signal), key, stale, request.method, attempt);
      } catch (error) {
        const failure = asUpstreamError(name, error);
        if (attempt > retries || !isTransient(failure) || signal.aborted) throw failure;
        const delay = retryDelay(attempt, this.config, retryAfterOf(failure), this.now());
        if (delay === undefined) throw failure;
        await sleep(delay, signal);
      }
    }
  }

  // One attempt through the breaker and the concurrency cap. Failures that are
  // not the upstream's fault (4xx, unusable bodies) pass the breaker as
  // values, so it counts them as the healthy answers they are; cancellations
  // are thrown unhandled, so it does not count them at all.
  private async attempt(request: UpstreamRequest, signal: AbortSignal): Promise<UpstreamAnswer> {
    const { name } = this.config;
    if (this.failsFast()) throw circuitOpen(name);
    // The wait for a concurrency slot has the attempt's deadline too: an
    // attempt still queued after timeoutMs fails as a timeout. Cockatiel's
    // queue keeps the entry, which then gives its slot straight back.
    let gaveUp = false;
    let timer: NodeJS.Timeout | undefined;
    const slotDeadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        gaveUp = true;
        reject(slotTimeout(name, this.config.timeoutMs));
      }, this.config.timeoutMs);
    });
    const run = this.policy.execute(async () => {
      clearTimeout(timer);
      // Not a breaker failure: the upstream was never asked.
      if (gaveUp) return { error: slotTimeout(name, this.config.timeoutMs) };
      try {
        return { answer: await sendRequest(request, this.config, signal) };
      } catch (error) {
        if (signal.aborted || isBreakerFailure(error)) throw error;
        return { error };
      }
    }, signal);
    run.catch(() => undefined); // settled after a give-up, with nobody waiting for it
    try {
      const outcome = await Promise.race([run, slotDeadline]);
      if ('error' in outcome) throw outcome.error;
      return outcome.answer;
    } catch (error) {
      if (isBrokenCircuitError(error)) throw circuitOpen(name, error);
      if (isBulkheadRejectedError(error)) throw queueFull(name, QUEUE_LIMIT, error);
      if (isTaskCancelledError(error)) throw signal.reason ?? cancelled(name, 'aborted', error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  // Open and not yet due for a probe, or a probe already on its way: do not even queue.
  private failsFast(): boolean {
    const state = this.breaker.state;
    if (state === CircuitState.HalfOpen || state === CircuitState.Isolated) return true;
    return state === CircuitState.Open && Date.now() - this.openedAt < this.config.breaker.resetMs;
  }

  // Turns an answer into the call's outcome, storing or refreshing the shared cache.
  private settle(
    answer: UpstreamAnswer,
    key: string,
    stale: CachedAnswer | undefined,
    method: string,
    attempts: number,
  ): Fetched {
    const { name } = this.config;
    if (answer.status === 304) {
      if (!stale || !this.cache) {
        throw new UpstreamError(
          'UPSTREAM_BAD_RESPONSE',
          name,
          `${name} answered 304 to a request that was not conditional`,
        );
      }
      const refreshed = this.cache.refresh(key, stale, answer.headers, this.now());
      return { status: refreshed.status, value: refreshed.value, cache: 'revalidated', attempts };
    }
    if (this.cache && method === 'GET') {
      this.cache.store(key, answer.status, answer.headers, answer.value, answer.size, this.now());
    }
    return { status: answer.status, value: answer.value, cache: 'miss', attempts };
  }
}

/** GET, PUT and DELETE may be repeated safely; POST and PATCH only when the binding opted in. */
function mayRetry(call: HttpCall): boolean {
  return call.method === 'GET' || call.method === 'PUT' || call.method === 'DELETE' || call.retryNonIdempotent === true;
}

function conditionalHeaders(stale: CachedAnswer): Record<string, string> {
  const headers: Record<string, string> = {};
  if (stale.etag) headers['if-none-match'] = stale.etag;
  if (stale.lastModified) headers['if-modified-since'] = stale.lastModified;
  return headers;
}

// A retry wait that ends early, rejecting with the reason, when the signal aborts (caller gone, source closed).
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
