// Where Switchyard's time goes under one workload: the server built and run
// as run.ts runs it (pinned to core 0, small Postgres data), with
// --cpu-prof, under load from core 1; then stopped, so that V8 writes the
// profile, and summarized (lib/profileSummary.ts).
//
//   node --import tsx bench/profile.ts --workload W3 [--connections 10] [--duration 20] [--warmup 2]
//
// Writes results/profiles/<date>-<workload>-c<connections>.cpuprofile (open it
// in Chrome DevTools' Performance panel or speedscope for a flame graph; not
// committed, about 1 MB for 20 s) and a .md beside it with the tables, over
// the measured run only (not start-up or warm-up), and the run's req/s and
// CPU per request. Port 4830 must be free (4831 and 4832 for W8's upstreams).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resetWrites } from './data/generate.ts';
import { assertPortsFree } from './lib/args.ts';
import { benchDir, postgresDbName, repoRoot } from './lib/db.ts';
import { measureLoad, setUpPinnedRun, smallPostgresLaunch, startLoad } from './lib/interleaved.ts';
import { processTree, startPinned, stopAll, stopGroup, waitReady } from './lib/processes.ts';
import { profileMarkdown, summarizeProfile, type CpuProfile } from './lib/profileSummary.ts';
import { pretty } from './lib/report.ts';
import { startUpstreams } from './lib/upstreams.ts';
import { buildSwitchyard, switchyard, switchyardProcess } from './systems/switchyard.ts';
import type { WorkloadId } from './systems/types.ts';

// 4810–4819 are run.ts's, 4820–4829 the other tools'.
const PORT = 4830;
const UPSTREAM_PORTS = { inventory: 4831, fx: 4832 };
const usage =
  'usage: node --import tsx bench/profile.ts --workload W1..W8 [--connections 10] [--duration 20] [--warmup 2]';

function parseArgs(argv: string[]) {
  const options = { workload: '' as WorkloadId, connections: 10, duration: 20, warmup: 2 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (flag === '--workload' && /^W[1-8]$/.test(value ?? '')) options.workload = value as WorkloadId;
    else if (['--connections', '--duration', '--warmup'].includes(flag) && Number(value) > 0)
      options[flag.slice(2) as 'connections' | 'duration' | 'warmup'] = Number(value);
    else throw new Error(`cannot read ${flag} ${value ?? ''}\n${usage}`);
  }
  if (!options.workload) throw new Error(`--workload is required\n${usage}`);
  return options;
}

const options = parseArgs(process.argv.slice(2));
const work = await setUpPinnedRun('profile.ts', PORT);
const stamp = new Date().toISOString().slice(0, 16).replace(':', '-');
const outDir = join(benchDir, 'results/profiles');
const name = `${stamp}-${options.workload}-c${options.connections}`;
const profileDir = join(work, 'cpu-prof');
let undoWrites = async () => {};
// Once, whichever comes first (the end of the run or a signal): the processes
// first, so that no load is still writing when W7's writes are undone.
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    try {
      await stopAll();
    } finally {
      try {
        await undoWrites();
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
  })());
// Ctrl-C or a SIGTERM: the server, the load and the upstreams run in process
// groups of their own, so they must be stopped here, as run.ts does.
for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
] as const)
  process.once(signal, () => void cleanUp().finally(() => process.exit(128 + number)));

try {
  mkdirSync(outDir, { recursive: true });
  buildSwitchyard();
  let launch = smallPostgresLaunch(PORT);
  if (options.workload === 'W8') {
    await assertPortsFree(Object.values(UPSTREAM_PORTS));
    launch = { ...launch, upstreams: (await startUpstreams(join(work, 'upstreams.log'), UPSTREAM_PORTS)).upstreams };
  }
  if (options.workload === 'W7') {
    undoWrites = () => resetWrites('postgres', 'small');
    await undoWrites();
  }
  const { load } = startLoad(join(work, 'load.log'));
  const spec = switchyardProcess(launch, 'dist/main.js', ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
  const server = startPinned(0, spec, join(work, 'server.log'));
  await waitReady(server, `http://127.0.0.1:${PORT}/readyz`);
  let window: { startUs: number; endUs: number } | undefined;
  const measured = await measureLoad(load, processTree(server.pid!), {
    url: `http://127.0.0.1:${PORT}`,
    requests: switchyard.requests(options.workload),
    connections: options.connections,
    duration: options.duration,
    warmup: options.warmup,
    database: postgresDbName('small'),
    onWindow: (w) => (window = w),
  });
  // SIGTERM: the server drains and exits, and V8 writes the profile on exit.
  await stopGroup(server, 15_000);
  const written = existsSync(profileDir) ? readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')) : [];
  if (written.length !== 1)
    throw new Error(
      `expected one profile from the server, found ${written.length} (its log: ${join(work, 'server.log')})`,
    );
  const profileFile = join(outDir, `${name}.cpuprofile`);
  renameSync(join(profileDir, written[0]!), profileFile);
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const summary = summarizeProfile(profile, {
    repoUrl: pathToFileURL(repoRoot).href.replace(/\/?$/, '/'),
    ...(window ? { window } : {}),
  });
  const markdown = [
    `# CPU profile of ${options.workload} at ${options.connections} connections, ${stamp}`,
    '',
    '```sh',
    `node --import tsx bench/profile.ts ${process.argv.slice(2).join(' ')}`,
    '```',
    '',
    `Switchyard on small Postgres data, pinned to one core, ${options.duration} s after ${options.warmup} s of warm-up: ` +
      `${measured.rps.toFixed(0)} req/s, ${measured.cpuMsPerRequest.toFixed(3)} ms of server CPU and ` +
      `${measured.dbCpuMsPerRequest?.toFixed(3) ?? '–'} ms of database CPU per request, ${measured.errors} errors. ` +
      'The profiler itself slows the server; compare shares, not rates. The tables cover the measured run only.',
    '',
    `Flame graph: open \`${name}.cpuprofile\` in Chrome DevTools (Performance) or speedscope (it holds the whole process, start-up included).`,
    '',
    ...profileMarkdown(summary),
  ].join('\n');
  const markdownFile = join(outDir, `${name}.md`);
  writeFileSync(markdownFile, await pretty(markdownFile, markdown));
  console.log(`written: ${markdownFile}\n         ${profileFile}`);
} finally {
  await cleanUp();
}
