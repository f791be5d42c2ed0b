// Memory across repetitions, in one Switchyard process: the issue asks for
// peak RSS under 200 MB and no growth across repetitions, and run.ts starts
// every system afresh for each repetition, so it cannot show growth. This
// runs the same passes (W1–W7 at each connection count) again and again
// against one server, and after each pass records its idle RSS, its peak RSS
// so far, and the smallest V8 heap a full GC left during the pass (from
// --trace-gc). A leak shows as a floor that rises pass after pass.
//
//   node --import tsx bench/soak.ts [--passes 6] [--connections 10,50] [--duration 3]
//     [--node <flag>]... [--env NAME=value]...   (a variant of the server, as in ab.ts)
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { resetWrites } from './data/generate.ts';
import {
  measureLoad,
  setUpPinnedRun,
  smallPostgresLaunch,
  startLoad,
  writeAbResult,
  type Measured,
} from './lib/interleaved.ts';
import { processTree, startPinned, statusMiB, stopAll, stopGroup, waitQuiet, waitReady } from './lib/processes.ts';
import { params } from './workloads.ts';
import { buildSwitchyard, switchyard, switchyardProcess } from './systems/switchyard.ts';
import type { WorkloadId } from './systems/types.ts';

const PORT = 4822;
const WORKLOADS: WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7'];
const usage =
  'usage: node --import tsx bench/soak.ts [--passes 6] [--connections 10,50] [--duration 3] [--node <flag>]... [--env NAME=value]...';

interface Pass {
  pass: number;
  /** VmRSS once the pass's requests are done. */
  idleRssMiB: number;
  /** VmHWM: the process's peak so far. */
  peakRssMiB: number;
  /** The smallest heap a full GC (Mark-Compact) left during the pass; null if none ran. */
  heapFloorMiB: number | null;
  fullGcs: number;
  /** req/s per workload and connection count, to see that throughput holds too. */
  rps: Record<string, number>;
  errors: number;
}

function parseArgs(argv: string[]) {
  const options = {
    passes: 6,
    connections: [10, 50],
    duration: 3,
    nodeFlags: [] as string[],
    env: {} as Record<string, string>,
  };
  const positive = (v: string | undefined) => {
    const n = Number(v);
    if (!(n > 0)) throw new Error(`expected a positive number, got ${v}\n${usage}`);
    return n;
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [arg, value] = [argv[i], argv[i + 1]];
    if (arg === '--passes') options.passes = positive(value);
    else if (arg === '--connections') options.connections = (value ?? '').split(',').map(positive);
    else if (arg === '--duration') options.duration = positive(value);
    else if (arg === '--node' && value) options.nodeFlags.push(value);
    else if (arg === '--env' && /^\w+=/.test(value ?? ''))
      options.env[value!.slice(0, value!.indexOf('='))] = value!.slice(value!.indexOf('=') + 1);
    else throw new Error(`unknown argument ${arg}\n${usage}`);
  }
  return options;
}

/** The heap sizes after each full GC in V8's --trace-gc lines ("Mark-Compact 65.4 (89.3) -> 38.7 (86.5) MB"). */
function fullGcHeaps(log: string): number[] {
  return [...log.matchAll(/Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/g)].map((m) => Number(m[1]));
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const work = await setUpPinnedRun('soak.ts', PORT);
  const { load } = startLoad(join(work, 'load.log'));
  const launch = smallPostgresLaunch(PORT);
  // As run.ts launches it (`npm run build`, then `npm start`'s flags), plus --trace-gc for the heap floor.
  buildSwitchyard();
  const spec = switchyardProcess(launch, 'dist/main.js', [...options.nodeFlags, '--trace-gc']);
  const logFile = join(work, 'server.log');
  const passes: Pass[] = [];
  try {
    await resetWrites('postgres', 'small', params.W7.bookId);
    const server = startPinned(0, { ...spec, env: { ...spec.env, ...options.env } }, logFile);
    await waitReady(server, `http://127.0.0.1:${PORT}/readyz`);
    const pids = processTree(server.pid!);
    // The full GCs of start-up (modules loading) are not the floor under load.
    let seen = fullGcHeaps(readFileSync(logFile, 'utf8')).length;
    for (let pass = 1; pass <= options.passes; pass++) {
      const rps: Record<string, number> = {};
      let errors = 0;
      for (const workload of WORKLOADS)
        for (const connections of options.connections) {
          const measured: Measured = await measureLoad(load, pids, {
            url: `http://127.0.0.1:${PORT}`,
            requests: switchyard.requests(workload),
            connections,
            duration: options.duration,
            warmup: 0.5,
          });
          rps[`${workload} c${connections}`] = Math.round(measured.rps);
          errors += measured.errors;
        }
      await waitQuiet(pids);
      const heaps = fullGcHeaps(readFileSync(logFile, 'utf8')).slice(seen);
      seen += heaps.length;
      passes.push({
        pass,
        idleRssMiB: statusMiB(pids, 'VmRSS'),
        peakRssMiB: statusMiB(pids, 'VmHWM'),
        heapFloorMiB: heaps.length ? Math.min(...heaps) : null,
        fullGcs: heaps.length,
        rps,
        errors,
      });
      const p = passes.at(-1)!;
      console.log(
        `pass ${pass}: idle RSS ${p.idleRssMiB.toFixed(0)} MiB, peak ${p.peakRssMiB.toFixed(0)} MiB, ` +
          `heap after full GC ≥ ${p.heapFloorMiB ?? '–'} MB (${p.fullGcs} GCs), W6 c${options.connections.at(-1)} ` +
          `${rps[`W6 c${options.connections.at(-1)}`]} req/s${errors ? `, ${errors} ERRORS` : ''}`,
      );
    }
    await stopGroup(server);
  } finally {
    await stopAll();
    await resetWrites('postgres', 'small', params.W7.bookId);
    rmSync(work, { recursive: true, force: true });
  }
  const table = report(passes);
  console.log(`\n${table}`);
  const file = await writeAbResult(
    '-soak',
    'bench/soak.ts',
    `One Switchyard process, ${options.passes} passes of W1–W7 at ${options.connections.join(', ')} connections, ` +
      `${options.duration} s each after 0.5 s of warm-up (W7 writes; the bench data is reset after).`,
    table,
    { options, passes },
  );
  console.log(`written: ${file}`);
}

/** One row per pass, and the change from the first pass to the last. */
function report(passes: Pass[]): string {
  const keys = Object.keys(passes[0]?.rps ?? {}).filter((k) => k.startsWith('W6') || k.startsWith('W1'));
  const rows = [
    `| pass | idle RSS MiB | peak RSS MiB | heap after full GC, min MB | full GCs | ${keys.map((k) => `${k} req/s`).join(' | ')} | errors |`,
    `| ---: | ---: | ---: | ---: | ---: | ${keys.map(() => '---:').join(' | ')} | ---: |`,
  ];
  for (const p of passes)
    rows.push(
      `| ${p.pass} | ${p.idleRssMiB.toFixed(0)} | ${p.peakRssMiB.toFixed(0)} | ${p.heapFloorMiB ?? '–'} | ${p.fullGcs} | ` +
        `${keys.map((k) => p.rps[k]).join(' | ')} | ${p.errors} |`,
    );
  const [first, last] = [passes[0], passes.at(-1)];
  if (first && last && first !== last) {
    const floor = first.heapFloorMiB !== null && last.heapFloorMiB !== null;
    rows.push(
      '',
      `From pass 1 to pass ${last.pass}: idle RSS ${signed(last.idleRssMiB - first.idleRssMiB)} MiB, ` +
        `heap floor ${floor ? `${signed(last.heapFloorMiB! - first.heapFloorMiB!)} MB` : 'n/a'}; ` +
        `highest peak RSS ${Math.max(...passes.map((p) => p.peakRssMiB)).toFixed(0)} MiB.`,
    );
  }
  return rows.join('\n');
}

const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)}`;

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : error);
  await stopAll();
  process.exit(1);
});
