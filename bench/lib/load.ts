// The load generator: a long-lived child process (the harness pins it to its
// own core) that takes one job per stdin line and answers one JSON line per job.
// Every response body is checked: a GraphQL `errors` member or a floor `error`
// counts as a mismatch, as autocannon calls a failed verifyBody.
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import type { HttpRequest } from '../systems/types.ts';

export interface LoadJob {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  requests: HttpRequest[];
}

export interface LoadResult {
  requestsPerSecond: number;
  /** Completed requests (any status). */
  requests: number;
  /** Requests sent: completed plus the ≤ one per connection still in flight at the end. */
  sent: number;
  latencyP50: number;
  latencyP99: number;
  latencyMean: number;
  non2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
  timeouts: number;
  /** 2xx responses whose body carried an error. */
  bodyErrors: number;
  bytesPerSecond: number;
  seconds: number;
}

const failed = (body: string) => body.includes('"errors":') || body.startsWith('{"error":');

async function run(job: LoadJob): Promise<LoadResult> {
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.duration,
    requests: job.requests.map((r) => ({ method: r.method, path: r.path, headers: r.headers, body: r.body })),
    verifyBody: (body: string) => !failed(body),
    timeout: 10,
  });
  return {
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    sent: result.requests.sent,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMean: result.latency.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    bodyErrors: result.mismatches,
    bytesPerSecond: result.throughput.average,
    seconds: result.duration,
  };
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  try {
    process.stdout.write(`${JSON.stringify({ ok: true, result: await run(JSON.parse(line)) })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: String(error) })}\n`);
  }
}
