// When a source's circuit opens: the failure ratio over a sliding window,
// once the window holds enough calls to mean something. Plugged into
// cockatiel's CircuitBreakerPolicy, which owns the states (closed, open,
// half-open after resetMs, one probe).
//
// cockatiel's own SamplingBreaker is close but not the contract of
// `@source(breaker:)`: it opens on a ratio strictly above the threshold, only
// accepts thresholds strictly between 0 and 1, and counts a minimum rate
// (calls per second) rather than a minimum number of calls.
import { CircuitState, type IBreaker } from 'cockatiel';

/** Buckets per window: the window slides in steps of windowMs / BUCKETS. */
const BUCKETS = 10;

interface Bucket {
  /** Index of the time slice this bucket counts (epoch ms / bucket length). */
  slice: number;
  successes: number;
  failures: number;
}

export interface RatioBreakerOptions {
  /** Opens when failures / calls reach this ratio (0..1)... */
  failureRatio: number;
  /** ...over this sliding window... */
  windowMs: number;
  /** ...holding at least this many calls. */
  minimumCalls: number;
}

export class RatioBreaker implements IBreaker {
  private readonly bucketMs: number;
  private buckets: Bucket[];

  constructor(
    private readonly options: RatioBreakerOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.bucketMs = Math.max(1, options.windowMs / BUCKETS);
    this.buckets = emptyBuckets();
  }

  /** Serialized by CircuitBreakerPolicy.toJSON(); unused by Switchyard but part of IBreaker. */
  get state(): unknown {
    return { buckets: this.buckets };
  }

  set state(value: unknown) {
    const buckets = (value as { buckets?: Bucket[] } | undefined)?.buckets;
    this.buckets = Array.isArray(buckets) && buckets.length === BUCKETS ? buckets : emptyBuckets();
  }

  success(state: CircuitState): void {
    // A successful probe closes the circuit with a clean slate: the failures
    // that opened it must not reopen it on the next hiccup.
    if (state === CircuitState.HalfOpen) this.buckets = emptyBuckets();
    this.count(true);
  }

  failure(state: CircuitState): boolean {
    this.count(false);
    if (state !== CircuitState.Closed) return true; // a failed probe reopens
    let calls = 0;
    let failures = 0;
    const current = this.slice();
    for (const bucket of this.buckets) {
      if (current - bucket.slice >= BUCKETS) continue;
      calls += bucket.successes + bucket.failures;
      failures += bucket.failures;
    }
    return calls >= this.options.minimumCalls && failures >= this.options.failureRatio * calls;
  }

  // Adds one outcome to the current time slice, recycling the bucket of a slice that left the window.
  private count(success: boolean): void {
    const slice = this.slice();
    const index = slice % BUCKETS;
    let bucket = this.buckets[index]!;
    if (bucket.slice !== slice) bucket = this.buckets[index] = { slice, successes: 0, failures: 0 };
    if (success) bucket.successes++;
    else bucket.failures++;
  }

  private slice(): number {
    return Math.floor(this.now() / this.bucketMs);
  }
}

function emptyBuckets(): Bucket[] {
  return Array.from({ length: BUCKETS }, () => ({ slice: -Infinity, successes: 0, failures: 0 }));
}
