// The speed targets of the benchmark issue, checked against one run's
// numbers, so that every report says which were met and by how much.
//
// Each ratio target is shown beside the same ratio for the floor (one
// hand-written prepared statement per workload, bench/systems/floor.ts): when
// the floor itself falls short of 10× naive, no server on this machine could
// meet that target in that run, and the row says so.
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

/** The targets' conditions: Postgres, 10 connections (the data size is the run's). */
export const targetProvider = 'postgres';
export const targetConnections = 10;
/** 200 MB, in the MiB the reports use. */
export const peakRssLimitMiB = 200e6 / 2 ** 20;

/** List levels plus one: the most SQL statements a request may take (W5's to-one hop counts as a level). */
export const statementBudget: Partial<Record<WorkloadId, number>> = { W3: 3, W4: 4, W5: 2, W6: 2 };

export interface TargetRow {
  target: string;
  workload: WorkloadId | 'all';
  /** Switchyard's value: a ratio, a statement count or MiB. */
  value: number | null;
  /** The floor's value for the same ratio, where the target is a ratio to another peer. */
  floorValue?: number | null;
  met: boolean | null;
  /** Why a miss is not Switchyard's to close, when the floor misses too. */
  remark?: string;
}

/**
 * The targets for one run. `medians` are per (system, provider, workload,
 * connections); `peakRssMiB` is the highest peak of any Switchyard run on
 * Postgres, or null when none ran.
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
    return mine === null || !theirs ? null : mine / theirs;
  };
  const atLeast = (value: number | null, bound: number) => (value === null ? null : value >= bound);

  const rows: TargetRow[] = [];
  for (const workload of ['W3', 'W4', 'W5', 'W6'] as const) {
    const value = ratio('switchyard', 'naive', workload);
    const floorValue = ratio('floor', 'naive', workload);
    const met = atLeast(value, 10);
    rows.push({
      target: '≥ 10× naive',
      workload,
      value,
      floorValue,
      met,
      ...(met === false && floorValue !== null && floorValue < 10
        ? { remark: 'the floor is under 10× too: out of reach for any server in this run' }
        : {}),
    });
  }
  for (const workload of ['W3', 'W4', 'W5', 'W6'] as const) {
    const value = rate('switchyard', workload)?.statementsPerRequest ?? null;
    const budget = statementBudget[workload]!;
    rows.push({
      target: `≤ ${budget} SQL statements per request`,
      workload,
      value,
      met: value === null ? null : value <= budget,
    });
  }
  for (const workload of ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'] as const) {
    const value = ratio('switchyard', 'postgraphile', workload);
    rows.push({ target: '≥ PostGraphile', workload, value, met: atLeast(value, 1) });
  }
  for (const workload of ['W1', 'W2'] as const) {
    const value = ratio('switchyard', 'floor', workload);
    rows.push({ target: 'within 3× of the floor (≥ 0.33)', workload, value, met: atLeast(value, 1 / 3) });
  }
  rows.push({
    target: `peak RSS < 200 MB (${peakRssLimitMiB.toFixed(1)} MiB), every run`,
    workload: 'all',
    value: peakRssMiB,
    met: peakRssMiB === null ? null : peakRssMiB < peakRssLimitMiB,
  });
  return rows;
}

/** The highest peak RSS of any Switchyard run on Postgres, or null when none ran. */
export function peakOf(runs: { system: string; provider: string; peakRssMiB: number }[]): number | null {
  const peaks = runs.filter((r) => r.system === 'switchyard' && r.provider === targetProvider).map((r) => r.peakRssMiB);
  return peaks.length ? Math.max(...peaks) : null;
}

/** The targets as a Markdown section. */
export function targetsMarkdown(rows: TargetRow[]): string[] {
  const show = (v: number | null | undefined, digits: number) =>
    v === null || v === undefined ? '–' : v.toFixed(digits);
  const verdict = (met: boolean | null) => (met === null ? 'not measured' : met ? 'met' : '**missed**');
  return [
    `## The issue's targets (${targetProvider}, ${targetConnections} connections)`,
    '',
    'Switchyard ÷ peer unless marked. The floor column is the same ratio for the floor: where it is under a',
    "target too, the machine could not serve that target's rate in this run. No growth across repetitions",
    'cannot be read here (every repetition starts a fresh process): `soak.ts` measures it.',
    '',
    '| target | workload | Switchyard | floor | verdict |',
    '|---|---|--:|--:|---|',
    ...rows.map(
      (r) =>
        `| ${r.target} | ${r.workload} | ${show(r.value, r.target.startsWith('peak') ? 1 : 2)} | ${r.floorValue === undefined ? '' : show(r.floorValue, 2)} | ${verdict(r.met)}${r.remark ? `: ${r.remark}` : ''} |`,
    ),
    '',
  ];
}
