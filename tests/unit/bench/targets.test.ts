import { describe, expect, it } from 'vitest';
import {
  peakOf,
  peakRssLimitMiB,
  shown,
  targetRows,
  targetsApply,
  targetsMarkdown,
  type TargetInput,
} from '../../../bench/lib/targets.ts';
import type { WorkloadId } from '../../../bench/systems/types.ts';

const workloads: WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'];

/** Medians at 10 connections on Postgres, from requests/s per system and workload. */
function medians(rates: Record<string, Partial<Record<WorkloadId, number>>>, statements = 1): TargetInput[] {
  return Object.entries(rates).flatMap(([system, byWorkload]) =>
    Object.entries(byWorkload).map(([workload, requestsPerSecond]) => ({
      system,
      provider: 'postgres',
      workload: workload as WorkloadId,
      connections: 10,
      requestsPerSecond,
      statementsPerRequest: system === 'switchyard' ? statements : 1,
    })),
  );
}

const all = (n: number) => Object.fromEntries(workloads.map((w) => [w, n]));
const row = (rows: ReturnType<typeof targetRows>, target: string, workload: string) =>
  rows.find((r) => r.target.startsWith(target) && r.workload === workload)!;

describe('the issue targets of one run', () => {
  it('meets every target when Switchyard leads each peer by the margins asked', () => {
    const rows = targetRows(
      medians({ switchyard: all(1000), naive: all(99), postgraphile: all(999), floor: all(2999) }),
      150,
    );
    expect(rows.filter((r) => r.met !== true)).toEqual([]);
    expect(row(rows, '≥ 10× naive', 'W3').value).toBeCloseTo(1000 / 99);
  });

  it('misses at the bounds themselves, just past each one', () => {
    const rows = targetRows(
      medians({ switchyard: all(1000), naive: all(101), postgraphile: all(1001), floor: all(3001) }, 5),
      190.8,
    );
    for (const w of ['W3', 'W4', 'W5', 'W6']) expect(row(rows, '≥ 10× naive', w).met).toBe(false);
    // Switchyard sent 5 statements: past every budget.
    for (const w of workloads) expect(row(rows, '≥ PostGraphile', w).met).toBe(false);
    expect(row(rows, 'within 3×', 'W1').met).toBe(false);
    expect(row(rows, '≤ 3 SQL', 'W3').met).toBe(false);
    expect(row(rows, '≤ 4 SQL', 'W4').met).toBe(false);
    expect(row(rows, 'peak RSS', 'all').met).toBe(false);
  });

  it('meets each bound exactly at the bound', () => {
    // 1/3 of 3000 is 1000: W1 and W2 sit exactly on the floor bound.
    const rows = targetRows(
      medians({ switchyard: all(1000), naive: all(100), postgraphile: all(1000), floor: all(3000) }),
      peakRssLimitMiB - 1e-9,
    );
    expect(rows.filter((r) => r.met !== true)).toEqual([]);
    expect(targetRows(medians({ switchyard: all(1000) }), peakRssLimitMiB).at(-1)!.met).toBe(false);
  });

  it('takes list levels + 1 as the statement budget of each workload: 3, 4, 2, 2', () => {
    const at = (n: number) => targetRows(medians({ switchyard: all(1000) }, n), null);
    const met = (n: number, workload: string) => row(at(n), '≤', workload).met;
    expect([met(3, 'W3'), met(4, 'W3'), met(4, 'W4'), met(5, 'W4')]).toEqual([true, false, true, false]);
    expect([met(2, 'W5'), met(3, 'W5'), met(2, 'W6'), met(3, 'W6')]).toEqual([true, false, true, false]);
  });

  it("shows the floor's ratio to naive beside Switchyard's, and judges only Switchyard's", () => {
    const rows = targetRows(
      medians({ switchyard: { W3: 600, W6: 1200 }, naive: { W3: 100, W6: 100 }, floor: { W3: 1100, W6: 900 } }),
      null,
    );
    expect(row(rows, '≥ 10× naive', 'W3')).toMatchObject({ value: 6, floorValue: 11, met: false });
    expect(row(rows, '≥ 10× naive', 'W6')).toMatchObject({ value: 12, floorValue: 9, met: true });
    expect(targetsMarkdown(rows).join('\n')).toContain('| ≥ 10× naive | W3 | 6.00 | 11.00 | **missed** |');
  });

  it('never shows a value as meeting a bound it misses', () => {
    expect(shown(9.999, 2, 'lower')).toBe('9.99');
    expect(shown(1 / 3 - 1e-6, 3, 'lower')).toBe('0.333');
    expect(shown(0.3329, 3, 'lower')).toBe('0.332');
    expect(shown(190.71, 1, 'upper')).toBe('190.8');
    expect(shown(0.5, 2, 'lower')).toBe('0.50');
    expect(shown(Infinity, 2, 'lower')).toBe('∞');
    expect(shown(null, 2, 'lower')).toBe('–');
  });

  it('applies to small data with Switchyard on Postgres only', () => {
    const switchyardOnPostgres = [{ system: 'switchyard', provider: 'postgres' }];
    expect(targetsApply('small', switchyardOnPostgres)).toBe(true);
    expect(targetsApply('medium', switchyardOnPostgres)).toBe(false);
    expect(targetsApply('small', [{ system: 'switchyard', provider: 'sqlite' }])).toBe(false);
  });

  it('reports a target as not measured when a system or a workload did not run', () => {
    const rows = targetRows(medians({ switchyard: all(1000), naive: all(50) }), null);
    expect(row(rows, '≥ PostGraphile', 'W1')).toMatchObject({ value: null, met: null });
    expect(row(rows, 'peak RSS', 'all').met).toBeNull();
    expect(targetsMarkdown(rows).join('\n')).toContain('| ≥ PostGraphile | W1 | – |  | not measured |');
    // A peer that served nothing is beaten by any rate at all.
    const zero = targetRows(medians({ switchyard: all(5), postgraphile: all(0) }), null);
    expect(row(zero, '≥ PostGraphile', 'W1')).toMatchObject({ value: Infinity, met: true });
  });

  it('reads only Postgres at 10 connections, and the highest Switchyard peak on Postgres', () => {
    const rows = targetRows(
      [
        ...medians({ switchyard: all(1000), naive: all(50) }),
        ...medians({ naive: all(1) }).map((m) => ({ ...m, connections: 50 })),
        ...medians({ naive: all(1) }).map((m) => ({ ...m, provider: 'sqlite' })),
      ],
      null,
    );
    expect(row(rows, '≥ 10× naive', 'W4').value).toBe(20);
    const runs = [
      { system: 'switchyard', provider: 'postgres', peakRssMiB: 150 },
      { system: 'switchyard', provider: 'postgres', peakRssMiB: 170 },
      { system: 'switchyard', provider: 'sqlite', peakRssMiB: 300 },
      { system: 'naive', provider: 'postgres', peakRssMiB: 400 },
    ];
    expect(peakOf(runs)).toBe(170);
    expect(peakOf([])).toBeNull();
  });
});
