// Child processes of the harness: systems pinned to core 0, the load generator
// pinned to core 1, each in its own process group so stopping it stops its
// children. Also reads a process tree's CPU time and memory from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';

const started = new Set<ChildProcess>();

/** Starts `command` pinned to `core`, its output appended to `logFile`. */
export function startPinned(
  core: number,
  spec: { command: string; args: string[]; env: Record<string, string>; cwd?: string },
  logFile: string,
  stdio: 'log' | 'pipe' = 'log',
): ChildProcess {
  const child = spawn('taskset', ['-c', String(core), spec.command, ...spec.args], {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: stdio === 'pipe' ? ['pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  if (stdio === 'log') child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  started.add(child);
  child.on('exit', (code, signal) => {
    started.delete(child);
    log.end(`[harness] process exited: code ${code}, signal ${signal}\n`);
  });
  return child;
}

/** SIGTERM to the process group, SIGKILL after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signal('SIGKILL'); // stragglers left in the group
}

/** Stops everything this module started (on exit or interrupt). */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((c) => stopGroup(c, 2000)));
}

/** Polls `url` (with `headers`) until it answers 2xx; rejects when the process exits or time runs out. */
export async function waitReady(
  child: ChildProcess,
  url: string,
  timeoutMs = 60_000,
  headers: Record<string, string> = {},
): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`exited (${child.exitCode ?? child.signalCode}) before ready`);
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(1000) });
      if (res.ok) return (performance.now() - t0) / 1000;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready after ${timeoutMs / 1000} s at ${url}`);
}

/** Waits until the tree has used no CPU for 100 ms (in-flight requests done), at most `maxMs`. */
export async function waitQuiet(pids: number[], maxMs = 5000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const before = cpuSeconds(pids);
    await new Promise((r) => setTimeout(r, 100));
    if (cpuSeconds(pids) - before < 0.005 || Date.now() - t0 > maxMs) return;
  }
}

/** The pid and all its descendants, from /proc. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of the tree, in seconds. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
    } catch {
      /* exited */
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS_PER_SECOND;
}

/** Postgres backends serving `database` (their process title names it). */
export function backendPids(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres: ') && title.includes(` ${database} `)) pids.push(Number(entry));
    } catch {
      /* exited */
    }
  }
  return pids;
}

/** Per-pid CPU seconds, so a delta can count backends that appear mid-run from zero. */
export function cpuByPid(pids: number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, cpuSeconds([pid])]));
}

/** CPU used since `before` by the pids in `after` (new pids count from zero). */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** Sum of a /proc/<pid>/status field (kB) over the tree, in MiB. */
export function statusMiB(pids: number[], field: 'VmRSS' | 'VmHWM'): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'));
      kb += Number(match?.[1] ?? 0);
    } catch {
      /* exited */
    }
  }
  return kb / 1024;
}

/** Samples the tree's RSS every `intervalMs` until stopped; returns the peak. */
export function watchRss(pids: number[], intervalMs = 100): { stop(): number } {
  let peak = statusMiB(pids, 'VmRSS');
  const timer = setInterval(() => (peak = Math.max(peak, statusMiB(pids, 'VmRSS'))), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, statusMiB(pids, 'VmRSS'));
    },
  };
}

/** A line-oriented JSON conversation with a child (the load generator). */
export function jsonLines(child: ChildProcess): { ask<T>(message: unknown): Promise<T> } {
  const lines: Interface = createInterface({ input: child.stdout! });
  const waiting: { resolve(line: string): void; reject(error: Error): void }[] = [];
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.on('exit', (code) => waiting.splice(0).forEach((w) => w.reject(new Error(`load generator exited (${code})`))));
  return {
    ask<T>(message: unknown) {
      return new Promise<T>((resolve, reject) => {
        waiting.push({ resolve: (line) => resolve(JSON.parse(line) as T), reject });
        child.stdin!.write(`${JSON.stringify(message)}\n`);
      });
    },
  };
}
