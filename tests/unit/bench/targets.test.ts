import { describe, expect, it } from 'vitest';
import { peakOf, targetRows, targetsMarkdown, type TargetInput } from '../../../bench/lib/targets.ts';
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
    for (const w of workloads) expect(row(rows, '≥ PostGraphile', w).met).toBe(false);
    expect(row(rows, 'within 3×', 'W1').met).toBe(false);
    expect(row(rows, '≤ 3 SQL', 'W3').met).toBe(false);
    expect(row(rows, '≤ 4 SQL', 'W4').met).toBe(false);
    expect(row(rows, 'peak RSS', 'all').met).toBe(false);
  });

  it("says a miss is out of reach only when the floor's own ratio misses too", () => {
    const rows = targetRows(
      medians({ switchyard: { W3: 600, W6: 600 }, naive: { W3: 100, W6: 100 }, floor: { W3: 900, W6: 1100 } }),
      null,
    );
    expect(row(rows, '≥ 10× naive', 'W3')).toMatchObject({ met: false, floorValue: 9 });
    expect(row(rows, '≥ 10× naive', 'W3').remark).toMatch(/floor is under 10×/);
    expect(row(rows, '≥ 10× naive', 'W6')).toMatchObject({ met: false, floorValue: 11 });
    expect(row(rows, '≥ 10× naive', 'W6').remark).toBeUndefined();
  });

  it('reports a target as not measured when a system or a workload did not run', () => {
    const rows = targetRows(medians({ switchyard: all(1000), naive: all(50) }), null);
    expect(row(rows, '≥ PostGraphile', 'W1')).toMatchObject({ value: null, met: null });
    expect(row(rows, 'peak RSS', 'all').met).toBeNull();
    expect(targetsMarkdown(rows).join('\n')).toContain('| ≥ PostGraphile | W1 | – |  | not measured |');
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
