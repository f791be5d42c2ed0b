// Self-check of the peers against one database, before the harness measures
// them: starts Switchyard, the naive baseline and PostGraphile, asks each for
// W1–W6, prints the checksums of the canonical data and exits 1 when they
// differ; then one W7 round from each (writes: run it on a scratch database).
// With --load, also a rough autocannon run (10 connections, 5 s) of W3 and W4.
//
//   node --import tsx bench/systems/check-peers.ts [--load]
//   CHECK_DATABASE_URL=postgresql://…/db (default: switchyard_bench_dev)
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import { startExampleUpstreams } from '../../examples/upstreams/start.ts';
import { checksum } from '../workloads.ts';
import { naive } from './naive.ts';
import { postgraphile } from './postgraphile.ts';
import { switchyard } from './switchyard.ts';
import type { HttpRequest, SystemSpec, Upstreams, WorkloadId } from './types.ts';

const databaseUrl = process.env.CHECK_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/switchyard_bench_dev';
const systems: SystemSpec[] = [switchyard, naive, postgraphile];
const basePort = 4820; // 4820–4829 are ours
const reads: WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'];
const load = process.argv.includes('--load');
// Switchyard refuses to start in production without its upstreams: the example
// ones, in this process, on OS-chosen ports (no API key required of clients).
const examples = await startExampleUpstreams();
const upstreams: Upstreams = {
  inventoryUrl: examples.inventory.url,
  inventoryApiKey: 'check-peers',
  fxUrl: examples.fx.url,
};

interface Running {
  spec: SystemSpec;
  url: string;
  child: ChildProcess;
}

async function start(spec: SystemSpec, port: number): Promise<Running> {
  const { command, args, env, cwd } = spec.launch({ port, databaseUrl, provider: 'postgres', upstreams });
  // Pinned to core 0 like the harness does; its own process group so that
  // stop() reaches every process it forks.
  const child = spawn('taskset', ['-c', '0', command, ...args], {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited with ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(url + spec.readyPath)).ok) return { spec, url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop({ spec, url, child });
  throw new Error(`${spec.name} was not ready within 60 s`);
}

async function stop({ child }: Running): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function send(base: string, request: HttpRequest): Promise<unknown> {
  const response = await fetch(base + request.path, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

function loadTest(system: Running, workload: WorkloadId): Promise<autocannon.Result> {
  const [request] = system.spec.requests(workload);
  return autocannon({
    url: system.url + request!.path,
    method: request!.method,
    headers: request!.headers,
    body: request!.body,
    connections: 10,
    duration: 5,
  });
}

const running: Running[] = [];
let failed = false;
try {
  for (const [i, spec] of systems.entries()) running.push(await start(spec, basePort + i));

  const sums = new Map<string, string[]>();
  for (const workload of reads) {
    const row: string[] = [];
    for (const system of running) {
      try {
        const [request] = system.spec.requests(workload);
        row.push(checksum(system.spec.canonical(workload, await send(system.url, request!))));
      } catch (error) {
        row.push(`ERROR ${(error as Error).message.slice(0, 200)}`);
      }
    }
    sums.set(workload, row);
  }
  console.log(['workload', ...running.map((s) => s.spec.name)].join('\t'));
  for (const [workload, row] of sums) {
    const agree = row.every((sum) => sum === row[0] && !sum.startsWith('ERROR'));
    if (!agree) failed = true;
    console.log([workload, ...row, agree ? 'ok' : 'MISMATCH'].join('\t'));
  }

  // W7 writes: one round (createReview, updateBook) per system; the canonical
  // data holds no generated id, so it must be equal too.
  for (const system of running) {
    const shapes = [];
    for (const request of system.spec.requests('W7')) {
      shapes.push(system.spec.canonical('W7', await send(system.url, request)));
    }
    const sum = checksum(shapes);
    const expected = checksum([
      { bookId: 77, rating: 4, body: 'Bench review' },
      { id: 77, stockQuantity: 5 },
    ]);
    if (sum !== expected) failed = true;
    console.log(`W7\t${system.spec.name}\t${JSON.stringify(shapes)}\t${sum === expected ? 'ok' : 'MISMATCH'}`);
  }

  if (load) {
    console.log('\nautocannon, 10 connections, 5 s, server pinned to core 0');
    console.log('system\tworkload\treq/s\tp50 ms\tp99 ms\terrors\tnon2xx');
    for (const system of running) {
      for (const workload of ['W3', 'W4'] as WorkloadId[]) {
        const r = await loadTest(system, workload);
        console.log(
          [system.spec.name, workload, r.requests.average, r.latency.p50, r.latency.p99, r.errors, r.non2xx].join('\t'),
        );
      }
    }
  }
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  for (const system of running) await stop(system);
  await examples.close();
}
process.exit(failed ? 1 : 0);
