// The benchmark: every system in the registry, on the same generated data, in
// one run. Systems are pinned to core 0 and the load generator (with this
// harness, and the example HTTP upstreams W8 reads) to core 1; see README.md
// for what is measured and why.
//
//   node --import tsx bench/run.ts [--quick] [--systems switchyard,floor] [--workloads W1,W2] …
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { ensureData } from './data/generate.ts';
import { parseArgs, assertPortsFree } from './lib/args.ts';
import { databaseUrl, postgresUrl } from './lib/db.ts';
import { measureSystem, tmpDirFor, type Check, type Context, type Run } from './lib/measure.ts';
import { ensurePgStatStatements, statementCounter } from './lib/postgres.ts';
import { jsonLines, processTree, startPinned, stopAll } from './lib/processes.ts';
import { writeReport, type Report } from './lib/report.ts';
import { startUpstreams } from './lib/upstreams.ts';
import { floor } from './systems/floor.ts';
import { switchyard } from './systems/switchyard.ts';
import { supports, type SystemSpec, type WorkloadId } from './systems/types.ts';
import { workloads } from './workloads.ts';

const PORTS = Array.from({ length: 10 }, (_, i) => 4810 + i); // all checked free
const SYSTEM_PORTS = PORTS.slice(0, 8); // one per system, in registry order
const INVENTORY_PORT = 4818;
const FX_PORT = 4819;
const log = (line: string) => console.log(line);

/** The systems measured; peers written elsewhere are optional until they exist. */
async function registry(): Promise<SystemSpec[]> {
  const systems: SystemSpec[] = [switchyard, floor];
  for (const [file, name] of [
    ['./systems/naive.ts', 'naive'],
    ['./systems/postgraphile.ts', 'postgraphile'],
  ] as const) {
    try {
      const module = (await import(file)) as Record<string, unknown>;
      const spec = (module[name] ??
        module.default ??
        Object.values(module).find((v) => v && typeof v === 'object' && 'launch' in v)) as SystemSpec | undefined;
      if (spec) systems.push(spec);
      else log(`notice: ${file} exports no SystemSpec; skipped`);
    } catch (error) {
      const missing =
        (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String(error).includes(file.slice(2));
      log(
        missing
          ? `notice: ${file} not present; ${name} skipped`
          : `notice: ${file} failed to load (${String(error)}); skipped`,
      );
    }
  }
  return systems;
}

/** Fisher–Yates. */
function shuffle<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const options = parseArgs(process.argv.slice(2));
  await assertPortsFree(PORTS);
  if (cpus().length < 2) throw new Error('the harness needs 2 cores: one for the server, one for the load');
  execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' }); // the harness shares the load's core

  const all = await registry();
  const systems = options.systems ? all.filter((s) => options.systems!.includes(s.name)) : all;
  const unknown = (options.systems ?? []).filter((n) => !all.some((s) => s.name === n));
  if (unknown.length)
    throw new Error(`--systems names ${unknown.join(', ')}; known: ${all.map((s) => s.name).join(', ')}`);
  const selected = workloads.filter((w) => !options.workloads || options.workloads.includes(w.id));
  const reads = selected.filter((w) => !w.writes).map((w) => w.id);
  const writes = selected.filter((w) => w.writes).map((w) => w.id);

  const perSystem = (s: SystemSpec) => {
    const n = selected.filter((w) => supports(s, w.id)).length;
    return n ? 6 + n * (options.warmup + 1) + n * options.connections.length * (options.duration + 0.5) : 0;
  };
  const estimate =
    options.reps *
    options.providers.reduce(
      (sum, p) => sum + systems.filter((s) => s.providers.includes(p)).reduce((t, s) => t + perSystem(s), 0),
      0,
    );
  log(
    `systems: ${systems.map((s) => s.name).join(', ')}; workloads: ${selected.map((w) => w.id).join(', ')}; connections: ${options.connections.join(', ')}`,
  );
  log(
    `${options.reps} rep(s) × ${options.duration} s runs; estimated ${(estimate / 60).toFixed(1)} min after data generation`,
  );

  const generation: Report['generation'] = [];
  for (const provider of options.providers) {
    const g = await ensureData({ size: options.size, provider, force: options.force });
    generation.push({ provider, size: options.size, ...g });
    log(
      `data: ${options.size} on ${provider} ${g.generated ? `generated in ${g.seconds.toFixed(1)} s` : `current (checked in ${g.seconds.toFixed(1)} s)`}`,
    );
  }

  const tmpDir = tmpDirFor();
  mkdirSync(tmpDir, { recursive: true });
  const loader = startPinned(
    1,
    { command: process.execPath, args: ['--import', 'tsx', 'bench/lib/load.ts'], env: {} },
    `${tmpDir}/load.log`,
    'pipe',
  );
  const load = jsonLines(loader);
  const upstreams = await startUpstreams(`${tmpDir}/upstreams.log`, { inventory: INVENTORY_PORT, fx: FX_PORT });
  log(`upstreams: inventory ${upstreams.upstreams.inventoryUrl}, fx ${upstreams.upstreams.fxUrl} (core 1)`);
  const runs: Run[] = [];
  const checks: Check[] = [];
  const debugStatements: Report['debugStatements'] = {};
  const debugUpstreamCalls: Report['debugUpstreamCalls'] = {};
  const failures: Report['failures'] = [];
  const order: Report['order'] = [];

  for (const provider of options.providers) {
    const pgStats = provider === 'postgres' && (await ensurePgStatStatements(postgresUrl(options.size), log));
    const counter = pgStats ? await statementCounter(postgresUrl(options.size)) : null;
    const ctx: Context = {
      size: options.size,
      databaseUrl: databaseUrl(provider, options.size),
      duration: options.duration,
      warmup: options.warmup,
      connections: options.connections,
      load,
      loaderPid: loader.pid!,
      upstreams: upstreams.upstreams,
      upstreamPids: processTree(upstreams.pid),
      database: provider === 'postgres' ? new URL(postgresUrl(options.size)).pathname.slice(1) : null,
      statements: counter,
      references: new Map(),
      tmpDir,
      log,
    };
    const eligible = systems.filter((s) => s.providers.includes(provider));
    for (let rep = 1; rep <= options.reps; rep++) {
      const repOrder = shuffle(eligible);
      for (const system of repOrder) {
        // W7 last, on fresh data; workloads the system cannot answer are n/a in the report.
        const workloadOrder: WorkloadId[] = [...shuffle(reads), ...writes].filter((w) => supports(system, w));
        const unsupported = [...reads, ...writes].filter((w) => !supports(system, w));
        const na = unsupported.length ? ` (n/a: ${unsupported.join(' ')})` : '';
        log(`[${provider} rep ${rep}/${options.reps}] ${system.name}: ${workloadOrder.join(' ')}${na}`);
        if (!workloadOrder.length) continue;
        order.push({ provider, rep, system: system.name, workloads: workloadOrder });
        const port = SYSTEM_PORTS[all.indexOf(system)]!;
        const result = await measureSystem(system, provider, rep, port, workloadOrder, ctx);
        runs.push(...result.runs);
        checks.push(...result.checks);
        for (const [w, n] of Object.entries(result.debugStatements)) (debugStatements[provider] ??= {})[w] = n;
        for (const [w, calls] of Object.entries(result.debugUpstreamCalls))
          (debugUpstreamCalls[provider] ??= {})[w] = calls;
        if (result.error) failures.push({ provider, rep, system: system.name, error: result.error });
      }
    }
    await counter?.close();
  }

  const totalSeconds = (performance.now() - t0) / 1000;
  const files = await writeReport({
    options,
    systems: systems.map((s) => ({
      name: s.name,
      description: s.description,
      providers: s.providers,
      workloads: s.workloads,
    })),
    generation,
    runs,
    checks,
    debugStatements,
    debugUpstreamCalls,
    failures,
    order,
    totalSeconds,
  });
  log(`\nwrote ${files.join(', ')} in ${(totalSeconds / 60).toFixed(1)} min`);
  const invalid = checks.filter((c) => c.mismatchWith || c.error);
  if (invalid.length) {
    log(`INVALID: ${invalid.length} answer check(s) failed; see the report`);
    process.exitCode = 1;
  }
}

const shutdown = async (code: number) => {
  await stopAll();
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));
main()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => void stopAll().then(() => process.exit()));
