// What the HTTP integration and Apollo Server cost per request, with no data
// source: W1's query against integration-server.ts in each mode, interleaved
// rounds, server on core 0 and load on core 1 (FINDINGS.md, "Fastify against
// other integrations"). The floor (systems/floor-server.ts, W1 from the small
// Postgres data) runs in the same rounds: issue 3 asks W1 within 3× of it, and
// the modes show how close a server can come with no database at all.
//
//   node --import tsx bench/experiments/integrations.ts [rounds] [seconds]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertPortsFree } from '../lib/args.ts';
import { repoRoot } from '../lib/db.ts';
import { measureLoad, smallPostgresLaunch, startLoad, writeAbResult, type Measured } from '../lib/interleaved.ts';
import { processTree, startPinned, stopAll, stopGroup } from '../lib/processes.ts';
import { median } from '../lib/report.ts';
import { floor } from '../systems/floor.ts';
import { switchyard } from '../systems/switchyard.ts';

const PORT = 4821;
const MODES = ['fastify', 'standalone', 'node-http', 'floor'] as const;
type Mode = (typeof MODES)[number];
const rounds = Number(process.argv[2] ?? 3);
const duration = Number(process.argv[3] ?? 4);
const w1 = switchyard.requests('W1');
const requestsOf = (mode: Mode) => (mode === 'floor' ? floor.requests('W1') : w1);

/** The server process of `mode`: integration-server.ts, or the floor on the small Postgres data. */
function serverOf(mode: Mode) {
  if (mode === 'floor') return floor.launch(smallPostgresLaunch(PORT));
  return {
    command: process.execPath,
    args: ['--import', 'tsx', 'bench/experiments/integration-server.ts', mode, String(PORT)],
    env: { NODE_ENV: 'production' },
    cwd: repoRoot,
  };
}

/** Until W1's request answers 200 (Apollo's standalone server has no plain health route). */
async function answering(mode: Mode): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      const r = requestsOf(mode)[0]!;
      const res = await fetch(`http://127.0.0.1:${PORT}${r.path}`, {
        method: r.method,
        headers: r.headers,
        body: r.body,
      });
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the integration server did not answer');
}

async function main(): Promise<void> {
  await assertPortsFree([PORT]);
  execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const work = mkdtempSync(join(tmpdir(), 'switchyard-integrations-'));
  const { load } = startLoad(join(work, 'load.log'));
  const samples: (Measured & { mode: string; round: number })[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const shift = (round - 1) % MODES.length;
      for (const mode of [...MODES.slice(shift), ...MODES.slice(0, shift)]) {
        const server = startPinned(0, serverOf(mode), join(work, 'servers.log'));
        await answering(mode);
        const measured = await measureLoad(load, processTree(server.pid!), {
          url: `http://127.0.0.1:${PORT}`,
          requests: requestsOf(mode),
          connections: 10,
          duration,
          warmup: 1,
        });
        samples.push({ mode, round, ...measured });
        console.log(
          `round ${round} ${mode}: ${measured.rps.toFixed(0)} req/s, ${measured.cpuMsPerRequest.toFixed(3)} ms CPU/req`,
        );
        await stopGroup(server);
      }
    }
  } finally {
    await stopAll();
    rmSync(work, { recursive: true, force: true });
  }
  const rows = [
    '| server | req/s | ÷ fastify | ÷ floor | CPU ms/req | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const rps = (mode: string) => median(samples.filter((s) => s.mode === mode).map((s) => s.rps))!;
  for (const mode of MODES) {
    const mine = samples.filter((s) => s.mode === mode);
    rows.push(
      `| ${mode} | ${rps(mode).toFixed(0)} | ${(rps(mode) / rps('fastify')).toFixed(2)} | ` +
        `${(rps(mode) / rps('floor')).toFixed(2)} | ` +
        `${median(mine.map((s) => s.cpuMsPerRequest))!.toFixed(3)} | ${mine.reduce((n, s) => n + s.errors, 0)} |`,
    );
  }
  const table = rows.join('\n');
  console.log(`\n${table}`);
  const note =
    `W1's query, no database, 10 connections; ${rounds} rounds of ${duration} s, modes alternating; medians. ` +
    'fastify: Fastify + @as-integrations/fastify + Apollo Server; standalone: Apollo’s node:http server; ' +
    'node-http: node:http + graphql-js with cached documents, no Apollo; ' +
    'floor: systems/floor-server.ts answering W1 (GET /W1) with one prepared statement on the small Postgres data.';
  const file = await writeAbResult('-integrations', 'bench/experiments/integrations.ts', note, table, { samples });
  console.log(`written: ${file}`);
}

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : error);
  await stopAll();
  process.exit(1);
});
