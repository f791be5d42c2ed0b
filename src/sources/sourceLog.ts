// The per-request source log: one entry per call a request makes to a source,
// in the order made. It backs `extensions.sources` (SWITCHYARD_DEBUG=1 with the
// header `x-switchyard-debug: 1`), which tests and benchmarks use to prove
// batching from outside the process.
//
// A call's SQL statements are counted by the driver adapter, which is shared by
// all requests; AsyncLocalStorage ties each statement to the call that made it.
// That costs a promise hook on every promise in the process (measured: about
// 20% of throughput on a 200-row query), so statements are counted only for
// logs that ask for it: requests that asked for the debug source log. And the
// hook is switched off again when no counted call is running: Node keeps it on
// from the first run() until disable(), so one debug request would otherwise
// slow every request after it.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface SourceCall {
  source: string;
  /** Database calls: the Prisma model and operation. */
  model?: string;
  operation: string;
  /** How many keys a batched call served. */
  batchSize?: number;
  /** Database calls: SQL statements sent to the database. */
  statements?: number;
  durationMs: number;
  /** HTTP calls: the method, the URL without secrets, the status and where the answer came from. */
  method?: string;
  url?: string;
  status?: number;
  cache?: string;
  attempts?: number;
  /** The error's code (UPSTREAM_TIMEOUT, …) or name. */
  error?: string;
}

export class SourceLog {
  readonly calls: SourceCall[] = [];

  constructor(private readonly options: { countStatements: boolean } = { countStatements: true }) {}

  /** Runs one source call, recording it (and its statements) in this log. */
  async record<T>(call: Omit<SourceCall, 'durationMs'>, run: (entry: SourceCall) => Promise<T>): Promise<T> {
    const entry: SourceCall = { ...call, durationMs: 0 };
    const counted = this.options.countStatements && call.source === 'db';
    if (counted) entry.statements = 0;
    this.calls.push(entry);
    const started = performance.now();
    try {
      // Awaited inside the scope: Prisma's promises are lazy and start on
      // `.then()`, so an await outside `run` would start the query unscoped.
      return counted ? await countingStatements(entry, run) : await run(entry);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      entry.error = typeof code === 'string' ? code : error instanceof Error ? error.name : 'Error';
      throw error;
    } finally {
      entry.durationMs = Math.round((performance.now() - started) * 100) / 100;
    }
  }

  /** Total SQL statements across the request's calls; undefined when not counted. */
  get statements(): number | undefined {
    if (!this.options.countStatements) return undefined;
    return this.calls.reduce((sum, c) => sum + (c.statements ?? 0), 0);
  }
}

const currentCall = new AsyncLocalStorage<SourceCall>();
let countedCalls = 0;

async function countingStatements<T>(entry: SourceCall, run: (entry: SourceCall) => Promise<T>): Promise<T> {
  countedCalls++;
  try {
    return await currentCall.run(entry, async () => await run(entry));
  } finally {
    if (--countedCalls === 0) currentCall.disable();
  }
}

/** Called by the database adapter for every statement it sends. */
export function countStatement(): void {
  const call = currentCall.getStore();
  if (call) call.statements = (call.statements ?? 0) + 1;
}
