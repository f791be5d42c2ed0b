// Interleaved A/B of Switchyard against variants of itself: the working tree
// with a patch applied, other Node/V8 flags, other environment. W1–W8 (W7, the
// writes, last in each process, with the bench data reset before and after;
// W8 with the example upstreams started on core 1). This is how
// the candidates of FINDINGS.md were measured: on this 2-core VM the speed of
// the whole machine drifts from minute to minute, so variants alternate
// within each round, and only medians over rounds are compared.
//
//   node --import tsx bench/ab.ts --variant base \
//     --variant 'interpreted=patch:bench/experiments/graphql-js-executor.patch' \
//     --variant 'pool20=env:DATABASE_POOL_SIZE=20' --variant 'semi8=node:--max-semi-space-size=8' \
//     --workloads W1,W6 --connections 10,50 --rounds 3 --duration 4
//
// Every variant, the plain one too, is built the same way from a copy of the
// working tree (src/, generated clients included) in a temporary folder;
// variants with the same patches share one build.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resetWrites } from './data/generate.ts';
import { postgresDbName, repoRoot } from './lib/db.ts';
import {
  measureLoad,
  setUpPinnedRun,
  smallPostgresLaunch,
  startLoad,
  writeAbResult,
  type Measured,
} from './lib/interleaved.ts';
import { assertPortsFree } from './lib/args.ts';
import { processTree, startPinned, stopAll, stopGroup, waitReady } from './lib/processes.ts';
import { median } from './lib/report.ts';
import { startUpstreams } from './lib/upstreams.ts';
import { switchyard, switchyardProcess } from './systems/switchyard.ts';
import type { WorkloadId } from './systems/types.ts';

const PORT = 4820;
const UPSTREAM_PORTS = { inventory: 4822, fx: 4823 };
// W7 writes: it runs last in each server process, and the bench data is reset before and after.
const WORKLOADS: WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W8', 'W7'];
const usage = `usage: node --import tsx bench/ab.ts --variant name[=spec] ... [--workloads W1,W6] [--connections 10]
  [--rounds 3] [--duration 4] [--warmup 1]
  spec: space-separated items, each patch:<file> (git diff of the working tree), node:<flag>, env:<NAME>=<value>
  or modules:<dir> (a node_modules folder to run with instead of the repository's)`;

interface Variant {
  name: string;
  patches: string[];
  /** The node_modules the build links to: the repository's unless \`modules:\` names another (dependency patches). */
  modules: string;
  nodeFlags: string[];
  env: Record<string, string>;
}

interface Sample extends Measured {
  variant: string;
  workload: WorkloadId;
  connections: number;
  round: number;
}

function parseVariant(text: string): Variant {
  const at = text.indexOf('=');
  const name = at < 0 ? text : text.slice(0, at);
  if (!/^[\w.-]+$/.test(name)) throw new Error(`variant name ${JSON.stringify(name)}: letters, digits, . _ - only`);
  const variant: Variant = { name, patches: [], modules: join(repoRoot, 'node_modules'), nodeFlags: [], env: {} };
  const items =
    at < 0
      ? []
      : text
          .slice(at + 1)
          .split(/\s+/)
          .filter(Boolean);
  for (const item of items) {
    const [kind, ...rest] = item.split(':');
    const value = rest.join(':');
    if (kind === 'patch') variant.patches.push(resolve(value));
    else if (kind === 'modules') {
      variant.modules = resolve(value);
      if (!existsSync(join(variant.modules, '.package-lock.json')))
        throw new Error(`variant ${name}: ${variant.modules} is not an installed node_modules folder`);
    } else if (kind === 'node') variant.nodeFlags.push(value);
    else if (kind === 'env' && /^\w+=/.test(value))
      variant.env[value.split('=')[0]!] = value.slice(value.indexOf('=') + 1);
    else throw new Error(`variant ${name}: cannot read ${JSON.stringify(item)}\n${usage}`);
  }
  return variant;
}

function parseArgs(argv: string[]) {
  const options = {
    variants: [] as Variant[],
    workloads: ['W1'] as WorkloadId[],
    connections: [10],
    rounds: 3,
    duration: 4,
    warmup: 1,
  };
  const positive = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!(n > 0)) throw new Error(`--${name} must be a positive number, but got: ${v}\n${usage}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[++i];
    if (arg === '--variant') options.variants.push(parseVariant(value ?? ''));
    else if (arg === '--workloads') {
      const given = (value ?? '').split(',') as WorkloadId[];
      const bad = given.filter((w) => !WORKLOADS.includes(w));
      if (bad.length) throw new Error(`--workloads: ${bad.join(', ')} not among ${WORKLOADS.join(', ')}`);
      options.workloads = [...given.filter((w) => w !== 'W7'), ...given.filter((w) => w === 'W7')];
    } else if (arg === '--connections')
      options.connections = (value ?? '').split(',').map((c) => positive('connections', c));
    else if (arg === '--rounds') options.rounds = positive('rounds', value);
    else if (arg === '--duration') options.duration = positive('duration', value);
    else if (arg === '--warmup') options.warmup = positive('warmup', value);
    else throw new Error(`unknown argument ${arg}\n${usage}`);
  }
  if (options.variants.length < 2) throw new Error(`give at least two --variant\n${usage}`);
  if (new Set(options.variants.map((v) => v.name)).size !== options.variants.length)
    throw new Error('variant names must differ');
  return options;
}

/** Undoes W7's writes in the databases the variants use: Postgres, and SQLite if a variant points there. */
async function resetBenchWrites(variants: Variant[]): Promise<void> {
  if (variants.some((v) => !onSqlite(v))) await resetWrites('postgres', 'small');
  if (variants.some(onSqlite)) await resetWrites('sqlite', 'small');
}

/** A variant run on the SQLite file (`env:DATABASE_URL=file:…`); the others use the small Postgres database. */
const onSqlite = (variant: Variant) => variant.env.DATABASE_URL?.startsWith('file:') === true;

/** Builds the working tree, with `patches` applied and `modules` linked, as `npm run build` would; returns dist/main.js. */
function build(dir: string, patches: string[], modules: string): string {
  mkdirSync(dir, { recursive: true });
  for (const item of ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'])
    cpSync(join(repoRoot, item), join(dir, item), { recursive: true });
  // dist/ resolves its packages, and tsc its types, through the repository's node_modules (or the variant's).
  symlinkSync(modules, join(dir, 'node_modules'));
  for (const patch of patches) execFileSync('git', ['apply', '-p1', patch], { cwd: dir, stdio: 'inherit' });
  const script = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts.build!;
  execFileSync('sh', ['-c', script], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${join(repoRoot, 'node_modules/.bin')}:${process.env.PATH}` },
  });
  return join(dir, 'dist/main.js');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const work = await setUpPinnedRun('ab.ts', PORT);
  // One build per distinct set of patches and modules: variants that differ only in flags or environment share it.
  const builds = new Map<string, string>();
  const mains = new Map(
    options.variants.map((v) => {
      const key = JSON.stringify([v.patches, v.modules]);
      if (!builds.has(key)) builds.set(key, build(join(work, v.name), v.patches, v.modules));
      return [v.name, builds.get(key)!];
    }),
  );
  const logFile = join(work, 'servers.log');
  const { load } = startLoad(join(work, 'load.log'));
  let launch = smallPostgresLaunch(PORT);
  if (options.workloads.includes('W8')) {
    await assertPortsFree(Object.values(UPSTREAM_PORTS));
    const { upstreams } = await startUpstreams(join(work, 'upstreams.log'), UPSTREAM_PORTS);
    launch = { ...launch, upstreams };
  }
  const samples: Sample[] = [];
  const undoWrites = options.workloads.includes('W7') ? () => resetBenchWrites(options.variants) : async () => {};
  try {
    await undoWrites();
    for (let round = 1; round <= options.rounds; round++) {
      // Rotate the order so no variant always runs first (or last) in a round.
      const shift = (round - 1) % options.variants.length;
      const order = [...options.variants.slice(shift), ...options.variants.slice(0, shift)];
      for (const variant of order) {
        const spec = switchyardProcess(launch, mains.get(variant.name)!, variant.nodeFlags);
        const server = startPinned(0, { ...spec, env: { ...spec.env, ...variant.env } }, logFile);
        await waitReady(server, `http://127.0.0.1:${PORT}/readyz`);
        const pids = processTree(server.pid!);
        for (const workload of options.workloads)
          for (const connections of options.connections) {
            const measured = await measureLoad(load, pids, {
              url: `http://127.0.0.1:${PORT}`,
              requests: switchyard.requests(workload),
              connections,
              duration: options.duration,
              warmup: options.warmup,
              database: onSqlite(variant) ? undefined : postgresDbName('small'),
            });
            const sample: Sample = { variant: variant.name, workload, connections, round, ...measured };
            samples.push(sample);
            console.log(
              `round ${round} ${variant.name} ${workload} c${connections}: ${sample.rps.toFixed(0)} req/s, ` +
                `${sample.cpuMsPerRequest.toFixed(3)} ms CPU/req` +
                (sample.dbCpuMsPerRequest === null ? '' : ` (database ${sample.dbCpuMsPerRequest.toFixed(3)})`) +
                `, peak ${sample.hwmMiB.toFixed(0)} MiB` +
                (sample.errors ? `, ${sample.errors} ERRORS` : ''),
            );
          }
        await stopGroup(server);
      }
    }
  } finally {
    await stopAll();
    await undoWrites();
    rmSync(work, { recursive: true, force: true });
  }
  const table = report(options, samples);
  console.log(`\n${table}`);
  const file = await writeAbResult(
    '',
    'bench/ab.ts',
    `${options.rounds} rounds of ${options.duration} s per workload and connection count, variants alternating; medians.`,
    table,
    { options, samples },
  );
  console.log(`written: ${file}`);
}

// Postgres's CPU per request (its backends for the bench database); n/a on SQLite, which runs in the server.
function dbColumn(samples: Sample[]): string {
  const values = samples.flatMap((s) => (s.dbCpuMsPerRequest === null ? [] : [s.dbCpuMsPerRequest]));
  return values.length ? median(values)!.toFixed(3) : 'n/a';
}

/** Medians over rounds; the ratio column divides each variant's req/s by the first variant's. */
function report(options: ReturnType<typeof parseArgs>, samples: Sample[]): string {
  const rows = [
    '| workload | conns | variant | req/s | ÷ first | CPU ms/req | database CPU ms/req | peak RSS so far, MiB (max) | errors |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const workload of options.workloads)
    for (const connections of options.connections) {
      const of = (v: Variant) =>
        samples.filter((s) => s.variant === v.name && s.workload === workload && s.connections === connections);
      const first = median(of(options.variants[0]!).map((s) => s.rps))!;
      for (const v of options.variants) {
        const mine = of(v);
        const rps = median(mine.map((s) => s.rps))!;
        rows.push(
          `| ${workload} | ${connections} | ${v.name} | ${rps.toFixed(0)} | ${(rps / first).toFixed(2)} | ` +
            `${median(mine.map((s) => s.cpuMsPerRequest))!.toFixed(3)} | ${dbColumn(mine)} | ${Math.max(...mine.map((s) => s.hwmMiB)).toFixed(0)} | ` +
            `${mine.reduce((n, s) => n + s.errors, 0)} |`,
        );
      }
    }
  return rows.join('\n');
}

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : error);
  await stopAll();
  process.exit(1);
});
