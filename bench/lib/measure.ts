// One system, one repetition: start it pinned, check every workload's answer
// against the other systems by checksum, warm up, then load it at each
// connection count while reading its CPU, memory and SQL statements.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { checksum, params } from '../workloads.ts';
import type { HttpRequest, Provider, SystemSpec, Upstreams, WorkloadId } from '../systems/types.ts';
import { benchDir, type Size } from './db.ts';
import type { LoadJob, LoadResult } from './load.ts';
import {
  backendPids,
  cpuByPid,
  cpuDelta,
  cpuSeconds,
  machineBusySeconds,
  processTree,
  waitQuiet,
  startPinned,
  statusMiB,
  stopGroup,
  waitReady,
  watchRss,
} from './processes.ts';
import { resetWrites } from '../data/generate.ts';

export interface Run extends LoadResult {
  rep: number;
  system: string;
  provider: Provider;
  workload: WorkloadId;
  connections: number;
  statementsPerRequest: number | null;
  peakRssMiB: number;
  cpuSecondsPer1k: number;
  /** CPU of the Postgres backends serving the bench database, per 1000 requests (Postgres only). */
  dbCpuSecondsPer1k: number | null;
  /**
   * Busy CPU of the machine not used by the server, the load generator, the
   * harness, the example upstreams or the bench database's backends, as a
   * share of one core: other work on the machine (a noisy neighbour) when it
   * is well above zero.
   */
  otherCpuShare: number;
  /** Responses re-fetched after the run whose checksum differed or that failed. */
  sampleFailures: number;
}

export interface Check {
  rep: number;
  system: string;
  provider: Provider;
  workload: WorkloadId;
  checksums: string[];
  /** The system whose answer set the reference, when this one differs from it. */
  mismatchWith?: string;
  error?: string;
}

export interface Context {
  size: Size;
  databaseUrl: string;
  duration: number;
  warmup: number;
  connections: number[];
  load: { ask<T>(message: unknown): Promise<T> };
  loaderPid: number;
  /** The example HTTP upstreams every system is launched with (W8 reads them). */
  upstreams: Upstreams;
  /** Their process tree: its CPU is not counted as other work on the machine. */
  upstreamPids: number[];
  /** The Postgres database whose backends are measured; null on SQLite. */
  database: string | null;
  statements: { total(): Promise<number> } | null;
  /** provider/workload → reference checksums and who set them. */
  references: Map<string, { system: string; checksums: string[]; canonical: unknown[] }>;
  tmpDir: string;
  log(line: string): void;
}

export interface SystemResult {
  runs: Run[];
  checks: Check[];
  /** Switchyard's own count (`extensions.statements`), per workload. */
  debugStatements: Partial<Record<WorkloadId, number>>;
  /** Switchyard's HTTP source calls (`extensions.sources`, not `db`) of one request, per workload: source → calls. */
  debugUpstreamCalls: Partial<Record<WorkloadId, UpstreamCalls>>;
  startSeconds?: number;
  hwmMiB?: number;
  error?: string;
}

/**
 * One request's calls to HTTP sources, by source, and how many never reached
 * the upstream (answered by the shared cache, or joined to a call in flight).
 */
export type UpstreamCalls = Record<string, { calls: number; cacheHits: number }>;

/** Tallies the HTTP sources' entries of Switchyard's source log (the database's are counted as statements). */
function upstreamCalls(sources: { source: string; cache?: string }[]): UpstreamCalls {
  const tally: UpstreamCalls = {};
  for (const { source, cache } of sources) {
    if (source === 'db') continue;
    const entry = (tally[source] ??= { calls: 0, cacheHits: 0 });
    entry.calls++;
    if (cache === 'shared-hit' || cache === 'in-flight') entry.cacheHits++;
  }
  return tally;
}

/** Sends one request and parses the JSON answer. */
async function fetchJson(
  base: string,
  request: HttpRequest,
  extraHeaders: Record<string, string> = {},
): Promise<unknown> {
  const res = await fetch(base + request.path, {
    method: request.method,
    headers: { ...request.headers, ...extraHeaders },
    body: request.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** The checksums of one pass over a workload's requests, and their canonical data. */
async function answer(base: string, system: SystemSpec, workload: WorkloadId) {
  const canonical: unknown[] = [];
  for (const request of system.requests(workload))
    canonical.push(system.canonical(workload, await fetchJson(base, request)));
  return { canonical, checksums: canonical.map(checksum) };
}

export async function measureSystem(
  system: SystemSpec,
  provider: Provider,
  rep: number,
  port: number,
  workloads: WorkloadId[],
  ctx: Context,
): Promise<SystemResult> {
  const out: SystemResult = { runs: [], checks: [], debugStatements: {}, debugUpstreamCalls: {} };
  const base = `http://127.0.0.1:${port}`;
  await resetWrites(provider, ctx.size, params.W7.bookId);
  const logFile = `${ctx.tmpDir}/${system.name}-${provider}.log`;
  let child: ChildProcess | undefined;
  try {
    child = startPinned(
      0,
      system.launch({ port, databaseUrl: ctx.databaseUrl, provider, upstreams: ctx.upstreams }),
      logFile,
    );
    out.startSeconds = await waitReady(child, base + system.readyPath);
    const tree = processTree(child.pid!);
    for (const workload of workloads) {
      if (workload === 'W7') await resetWrites(provider, ctx.size, params.W7.bookId);
      const check = await checkAnswer(base, system, provider, workload, rep, ctx);
      out.checks.push(check);
      if (check.error) continue;
      if (system.name === 'switchyard') {
        const body = (await fetchJson(base, system.requests(workload)[0]!, { 'x-switchyard-debug': '1' })) as {
          extensions?: { statements?: number; sources?: { source: string; cache?: string }[] };
        };
        if (typeof body.extensions?.statements === 'number') out.debugStatements[workload] = body.extensions.statements;
        const calls = upstreamCalls(body.extensions?.sources ?? []);
        if (Object.keys(calls).length) out.debugUpstreamCalls[workload] = calls;
      }
      const job = (connections: number, duration: number): LoadJob => ({
        url: base,
        connections,
        duration,
        requests: system.requests(workload),
      });
      if (ctx.warmup > 0) await ask(ctx, job(10, ctx.warmup));
      for (const connections of ctx.connections) {
        const cpu0 = cpuSeconds(tree);
        const machine0 = machineBusySeconds();
        const load0 = cpuSeconds([ctx.loaderPid]);
        const upstream0 = cpuSeconds(ctx.upstreamPids);
        const harness0 = process.cpuUsage();
        const db0 = ctx.database ? cpuByPid(backendPids(ctx.database)) : null;
        const statements0 = await ctx.statements?.total();
        const rss = watchRss(tree);
        const result = await ask(ctx, job(connections, ctx.duration));
        const peakRssMiB = rss.stop();
        // Requests in flight when the load stopped still run on the server: wait for them,
        // then divide by requests sent, so their statements and CPU are matched.
        await waitQuiet(tree);
        const cpu = cpuSeconds(tree) - cpu0;
        const harness = process.cpuUsage(harness0);
        const db = db0 && ctx.database ? cpuDelta(db0, cpuByPid(backendPids(ctx.database))) : null;
        const other =
          machineBusySeconds() -
          machine0 -
          cpu -
          (cpuSeconds([ctx.loaderPid]) - load0) -
          (cpuSeconds(ctx.upstreamPids) - upstream0) -
          (harness.user + harness.system) / 1e6 -
          (db ?? 0);
        const statements =
          ctx.statements && statements0 !== undefined ? (await ctx.statements.total()) - statements0 : null;
        const n = Math.max(result.sent, result.requests, 1);
        out.runs.push({
          ...result,
          rep,
          system: system.name,
          provider,
          workload,
          connections,
          statementsPerRequest: statements === null ? null : statements / n,
          peakRssMiB,
          cpuSecondsPer1k: (cpu / n) * 1000,
          dbCpuSecondsPer1k: db === null ? null : (db / n) * 1000,
          otherCpuShare: Math.max(0, other) / result.seconds,
          sampleFailures: await sampleFailures(base, system, provider, workload, ctx),
        });
        ctx.log(
          `  ${system.name.padEnd(12)} ${workload} c=${String(connections).padEnd(2)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.latencyP50} ms  p99 ${result.latencyP99} ms` +
            (statements === null ? '' : `  ${(statements / n).toFixed(2)} stmt/req`) +
            (result.non2xx + result.bodyErrors + result.errors
              ? `  ERRORS non2xx=${result.non2xx} body=${result.bodyErrors} socket=${result.errors}`
              : ''),
        );
      }
    }
    out.hwmMiB = statusMiB(tree, 'VmHWM');
  } catch (error) {
    out.error = String(error instanceof Error ? error.message : error);
    if (child && (child.exitCode !== null || child.signalCode !== null))
      out.error += ` (the server had exited: code ${child.exitCode}, signal ${child.signalCode})`;
    ctx.log(`  ${system.name}: ${out.error} (log: ${logFile})`);
  } finally {
    if (child) await stopGroup(child);
  }
  return out;
}

async function ask(ctx: Context, job: LoadJob): Promise<LoadResult> {
  const reply = await ctx.load.ask<{ ok: boolean; result?: LoadResult; error?: string }>(job);
  if (!reply.ok) throw new Error(`load generator: ${reply.error}`);
  return reply.result!;
}

/** Fetches the workload once and compares it with the first system's answer in this run. */
async function checkAnswer(
  base: string,
  system: SystemSpec,
  provider: Provider,
  workload: WorkloadId,
  rep: number,
  ctx: Context,
): Promise<Check> {
  const check: Check = { rep, system: system.name, provider, workload, checksums: [] };
  try {
    const { canonical, checksums } = await answer(base, system, workload);
    check.checksums = checksums;
    const key = `${provider}/${workload}`;
    const reference = ctx.references.get(key);
    if (!reference) ctx.references.set(key, { system: system.name, checksums, canonical });
    else if (reference.checksums.join() !== checksums.join()) {
      check.mismatchWith = reference.system;
      mkdirSync(ctx.tmpDir, { recursive: true });
      const file = (name: string) => `${ctx.tmpDir}/mismatch-${provider}-${workload}-${name}.json`;
      writeFileSync(file(reference.system), JSON.stringify(reference.canonical, null, 1));
      writeFileSync(file(system.name), JSON.stringify(canonical, null, 1));
      ctx.log(`  CHECKSUM MISMATCH ${workload}: ${system.name} ≠ ${reference.system} (see ${file(system.name)})`);
    }
  } catch (error) {
    check.error = String(error instanceof Error ? error.message : error);
    ctx.log(`  ${system.name} ${workload}: ${check.error}`);
  }
  return check;
}

/** After a run: re-fetch the workload twice; count answers that fail or differ from the reference. */
async function sampleFailures(
  base: string,
  system: SystemSpec,
  provider: Provider,
  workload: WorkloadId,
  ctx: Context,
): Promise<number> {
  const reference = ctx.references.get(`${provider}/${workload}`)!;
  let failures = 0;
  for (let i = 0; i < 2; i++) {
    try {
      const { checksums } = await answer(base, system, workload);
      if (checksums.join() !== reference.checksums.join()) failures++;
    } catch {
      failures++;
    }
  }
  return failures;
}

export const tmpDirFor = () => `${benchDir}results/tmp`;
