// What ab.ts and experiments/integrations.ts share: one measured load run
// against a server already up, and the result files under results/ab/.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpRequest, LaunchOptions } from '../systems/types.ts';
import { assertPortsFree } from './args.ts';
import { benchDir, postgresUrl, repoRoot } from './db.ts';
import type { LoadJob, LoadResult } from './load.ts';
import {
  backendPids,
  cpuByPid,
  cpuDelta,
  cpuSeconds,
  jsonLines,
  startPinned,
  statusMiB,
  waitQuiet,
} from './processes.ts';
import { pretty } from './report.ts';

export interface Measured {
  rps: number;
  /** Server CPU (its process tree) per request sent, in ms. */
  cpuMsPerRequest: number;
  /** CPU of the Postgres backends serving `database` per request sent, in ms; null without a database to watch. */
  dbCpuMsPerRequest: number | null;
  /** Non-2xx, socket errors, timeouts and bodies carrying GraphQL errors. */
  errors: number;
  /** The server's peak RSS since it started (VmHWM). */
  hwmMiB: number;
}

export type Load = ReturnType<typeof jsonLines>;

/**
 * What a script measuring one server on core 0 checks first: `port` free and
 * two cores. Then it moves itself to core 1 and returns a new temporary folder.
 */
export async function setUpPinnedRun(script: string, port: number): Promise<string> {
  await assertPortsFree([port]);
  if (cpus().length < 2) throw new Error(`${script} needs 2 cores: one for the server, one for the load`);
  execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  return mkdtempSync(join(tmpdir(), `switchyard-${script.replace(/\.ts$/, '')}-`));
}

/** Switchyard on `port` over the small Postgres data. Only W8 calls the upstreams, but production needs their URLs to start. */
export function smallPostgresLaunch(port: number): LaunchOptions {
  return {
    port,
    databaseUrl: postgresUrl('small'),
    provider: 'postgres',
    upstreams: { inventoryUrl: 'http://127.0.0.1:9', inventoryApiKey: 'unused', fxUrl: 'http://127.0.0.1:9' },
  };
}

/** The load generator (lib/load.ts), pinned to core 1 like the harness's. */
export function startLoad(logFile: string): { load: Load; child: ChildProcess } {
  const child = startPinned(
    1,
    { command: process.execPath, args: ['--import', 'tsx', 'bench/lib/load.ts'], env: {}, cwd: repoRoot },
    logFile,
    'pipe',
  );
  return { load: jsonLines(child), child };
}

/**
 * A warm-up, then one measured run of `requests` against `url`, with the
 * server tree's CPU around it, and the CPU of the Postgres backends serving
 * `run.database` (a database name) when given.
 */
export async function measureLoad(
  load: Load,
  serverPids: number[],
  run: {
    url: string;
    requests: HttpRequest[];
    connections: number;
    duration: number;
    warmup: number;
    database?: string;
    /** Told the measured run's start and end, in microseconds of process.hrtime's clock (a CPU profile's clock too). */
    onWindow?: (window: { startUs: number; endUs: number }) => void;
  },
): Promise<Measured> {
  const job = (duration: number): LoadJob => ({
    url: run.url,
    connections: run.connections,
    duration,
    requests: run.requests,
  });
  await load.ask(job(run.warmup));
  await waitQuiet(serverPids);
  const cpu0 = cpuSeconds(serverPids);
  const database = run.database;
  const db0 = database ? cpuByPid(backendPids(database)) : null;
  const startUs = Number(process.hrtime.bigint() / 1000n);
  const reply = await load.ask<{ ok: boolean; result?: LoadResult; error?: string }>(job(run.duration));
  run.onWindow?.({ startUs, endUs: Number(process.hrtime.bigint() / 1000n) });
  if (!reply.ok || !reply.result) throw new Error(`load failed: ${reply.error}`);
  await waitQuiet(serverPids);
  const r = reply.result;
  const db = database && db0 ? cpuDelta(db0, cpuByPid(backendPids(database))) : null;
  return {
    rps: r.requestsPerSecond,
    cpuMsPerRequest: ((cpuSeconds(serverPids) - cpu0) * 1000) / Math.max(1, r.sent),
    dbCpuMsPerRequest: db === null ? null : (db * 1000) / Math.max(1, r.sent),
    errors: r.non2xx + r.errors + r.timeouts + r.bodyErrors,
    hwmMiB: statusMiB(serverPids, 'VmHWM'),
  };
}

/** Writes results/ab/<stamp>[-suffix].md (the command, a note, the table) and .json, formatted; returns the .md path. */
export async function writeAbResult(
  suffix: string,
  script: string,
  note: string,
  table: string,
  data: object,
): Promise<string> {
  const stamp = new Date().toISOString().slice(0, 16).replace(':', '-');
  const commit = execFileSync('git', ['describe', '--always', '--dirty'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const quoted = process.argv.slice(2).map((a) => (/[\s']/.test(a) ? `'${a}'` : a));
  mkdirSync(join(benchDir, 'results/ab'), { recursive: true });
  const file = join(benchDir, `results/ab/${stamp}${suffix}.md`);
  const markdown = `# A/B ${stamp}, at ${commit}\n\n${note}\n\n\`\`\`sh\nnode --import tsx ${script} ${quoted.join(' ')}\n\`\`\`\n\n${table}\n`;
  writeFileSync(file, await pretty(file, markdown));
  const json = file.replace(/\.md$/, '.json');
  writeFileSync(json, await pretty(json, JSON.stringify({ commit, ...data })));
  return file;
}
