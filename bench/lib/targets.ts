// The speed targets of the benchmark issue, checked against one run's
// numbers, so that every report says which were met and by how much.
//
// Each ratio to naive is shown beside the floor's own ratio to naive (one
// hand-written prepared statement per workload, bench/systems/floor.ts). That
// is context, not a ceiling: Switchyard has beaten the floor's ratio (W5
// mostly, where the floor's JSON costs Postgres more than Switchyard's rows),
// so a miss stays a miss whatever the floor did.
import type { WorkloadId } from '../systems/types.ts';

/** The numbers of one (system, workload, connections) the targets read: a median over repetitions. */
export interface TargetInput {
  system: string;
  provider: string;
  workload: WorkloadId;
  connections: number;
  requestsPerSecond: number | null;
  statementsPerRequest: number | null;
}

/** The targets' conditions: Postgres, the small data, 10 connections. */
export const targetProvider = 'postgres';
export const targetSize = 'small';
export const targetConnections = 10;
/** 200 MB, in the MiB the reports use. */
export const peakRssLimitMiB = 200e6 / 2 ** 20;

/**
 * List levels plus one: the most SQL statements a request may take. The issue
 * names W3 "2 levels" and W4 "3 levels"; W5 and W6 are one list each (W5's
 * author is a to-one hop under its list, not a list level).
 */
export const statementBudget = { W3: 3, W4: 4, W5: 2, W6: 2 } as const;

export interface TargetRow {
  target: string;
  workload: WorkloadId | 'all';
  /** Switchyard's value: a ratio, a statement count or MiB. */
  value: number | null;
  /** Decimals shown. Shown values are cut toward the side of the bound that misses, so a shown value never reads as met when it is not. */
  digits: number;
  /** Whether the bound is a lower one (value ≥ bound) or an upper one. */
  bound: 'lower' | 'upper';
  /** On the rows that compare with naive: the floor's own ratio to naive, for context. */
  floorValue?: number | null;
  met: boolean | null;
}

/**
 * The targets for one run. `medians` are per (system, provider, workload,
 * connections); `peakRssMiB` is the highest peak of any Switchyard run on
 * Postgres (every connection count: the issue asks for it "during the runs"),
 * or null when none ran.
 */
export function targetRows(medians: TargetInput[], peakRssMiB: number | null): TargetRow[] {
  const rate = (system: string, workload: WorkloadId) =>
    medians.find(
      (m) =>
        m.system === system &&
        m.provider === targetProvider &&
        m.workload === workload &&
        m.connections === targetConnections,
    ) ?? null;
  const ratio = (system: string, peer: string, workload: WorkloadId) => {
    const mine = rate(system, workload)?.requestsPerSecond ?? null;
    const theirs = rate(peer, workload)?.requestsPerSecond ?? null;
    if (mine === null || theirs === null) return null;
    // A peer that served nothing is beaten by anything that served (and ties with nothing).
    return theirs === 0 ? (mine > 0 ? Infinity : null) : mine / theirs;
  };
  const atLeast = (value: number | null, bound: number) => (value === null ? null : value >= bound);

  const rows: TargetRow[] = [];
  for (const workload of ['W3', 'W4', 'W5', 'W6'] as const) {
    const value = ratio('switchyard', 'naive', workload);
    rows.push({
      target: '≥ 10× naive',
      workload,
      value,
      digits: 2,
      bound: 'lower',
      floorValue: ratio('floor', 'naive', workload),
      met: atLeast(value, 10),
    });
  }
  for (const workload of ['W3', 'W4', 'W5', 'W6'] as const) {
    const value = rate('switchyard', workload)?.statementsPerRequest ?? null;
    const budget = statementBudget[workload];
    rows.push({
      target: `≤ ${budget} SQL statements per request (list levels + 1)`,
      workload,
      value,
      digits: 2,
      bound: 'upper',
      met: value === null ? null : value <= budget,
    });
  }
  for (const workload of ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'] as const) {
    const value = ratio('switchyard', 'postgraphile', workload);
    rows.push({ target: '≥ PostGraphile', workload, value, digits: 2, bound: 'lower', met: atLeast(value, 1) });
  }
  for (const workload of ['W1', 'W2'] as const) {
    const value = ratio('switchyard', 'floor', workload);
    rows.push({
      target: 'within 3× of the floor (≥ 1/3)',
      workload,
      value,
      digits: 3,
      bound: 'lower',
      met: atLeast(value, 1 / 3),
    });
  }
  rows.push({
    target: `peak RSS < 200 MB (${peakRssLimitMiB.toFixed(2)} MiB), any Switchyard run on Postgres, any connections`,
    workload: 'all',
    value: peakRssMiB,
    digits: 1,
    bound: 'upper',
    met: peakRssMiB === null ? null : peakRssMiB < peakRssLimitMiB,
  });
  return rows;
}

/** Whether a run is one the targets speak of: the small data, with Switchyard measured on Postgres. */
export function targetsApply(size: string, medians: Pick<TargetInput, 'system' | 'provider'>[]): boolean {
  return size === targetSize && medians.some((m) => m.provider === targetProvider && m.system === 'switchyard');
}

/** The highest peak RSS of any Switchyard run on Postgres, or null when none ran. */
export function peakOf(runs: { system: string; provider: string; peakRssMiB: number }[]): number | null {
  const peaks = runs.filter((r) => r.system === 'switchyard' && r.provider === targetProvider).map((r) => r.peakRssMiB);
  return peaks.length ? Math.max(...peaks) : null;
}

/**
 * `value` with `digits` decimals, cut toward the missing side of its bound:
 * down for a lower bound (9.999 shows as 9.99, not 10.00), up for an upper one.
 */
export function shown(value: number | null | undefined, digits: number, bound: 'lower' | 'upper'): string {
  if (value === null || value === undefined) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '–';
  const scale = 10 ** digits;
  // The small epsilon keeps values already at a step (0.5 stored as 0.49999…) where they are.
  const steps = bound === 'lower' ? Math.floor(value * scale + 1e-9) : Math.ceil(value * scale - 1e-9);
  return (steps / scale).toFixed(digits);
}

/** The targets as a Markdown section. */
export function targetsMarkdown(rows: TargetRow[]): string[] {
  const verdict = (met: boolean | null) => (met === null ? 'not measured' : met ? 'met' : '**missed**');
  return [
    `## The issue's targets (${targetProvider}, ${targetSize} data, ${targetConnections} connections)`,
    '',
    "Switchyard ÷ peer unless the target says otherwise. Beside each ratio to naive, the floor's own ratio to naive:",
    'context for the machine\'s state in this run, not a bound. The target "no growth across repetitions" is',
    'not judged here, since every repetition starts a fresh process: `soak.ts` measures it.',
    '',
    '| target | workload | Switchyard | floor ÷ naive | verdict |',
    '|---|---|--:|--:|---|',
    ...rows.map(
      (r) =>
        `| ${r.target} | ${r.workload} | ${shown(r.value, r.digits, r.bound)} | ${r.floorValue === undefined ? '' : shown(r.floorValue, 2, 'lower')} | ${verdict(r.met)} |`,
    ),
    '',
  ];
}
