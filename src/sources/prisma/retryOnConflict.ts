// Retrying a whole transaction after a conflict the database resolved by
// aborting it: Postgres serialization failures (40001) and deadlocks (40P01),
// which Prisma reports as P2034, and SQLite's SQLITE_BUSY family (another
// process holds the write lock past the busy timeout, or wrote since this
// transaction's snapshot), which the adapter reports as a socket timeout. The
// aborted attempt changed nothing, so running the function again is safe; any
// other error is thrown at once.

export interface DriverAdapterCause {
  kind?: string;
  originalCode?: string;
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** The first retry waits up to this long; each further retry up to twice as long as the one before, capped. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * What the driver adapter said of a failure: from a Prisma error that wraps
 * it, or from the adapter's own DriverAdapterError (the SQL read and write
 * paths call the adapter directly).
 */
export function driverAdapterCause(error: unknown): DriverAdapterCause | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'DriverAdapterError' && typeof error.cause === 'object') return error.cause as DriverAdapterCause;
  return (error as { meta?: { driverAdapterError?: { cause?: DriverAdapterCause } } }).meta?.driverAdapterError?.cause;
}

/** True for an error meaning "the transaction lost a race and was rolled back; try again". */
export function isTransactionConflict(error: unknown): boolean {
  if ((error as { code?: unknown } | null)?.code === 'P2034') return true;
  const cause = driverAdapterCause(error);
  return cause?.kind === 'TransactionWriteConflict' || (cause?.originalCode ?? '').startsWith('SQLITE_BUSY');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `run` (one whole transaction) and runs it again, after a random wait
 * (full jitter, so racing callers spread out), when it fails with a transaction
 * conflict; after `attempts` conflicts the last one is thrown.
 */
export async function retryOnConflict<T>(run: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 5, baseDelayMs = 10, maxDelayMs = 250, onRetry } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (attempt >= attempts || !isTransactionConflict(error)) throw error;
      const delayMs = Math.round(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
      onRetry?.(error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}
