// A hand-written SVG: grouped bars of requests/s per workload (groups) and
// system (colours), on a log scale so W1's thousands and W6's hundreds both read.
// A cell with no number (a system that cannot answer the workload, or a failed
// run) is labelled n/a, never drawn as zero.
import type { WorkloadId } from '../systems/types.ts';
import type { Median } from './report.ts';
import { workloads } from '../workloads.ts';

const palette = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#d53f8c', '#718096'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function chart(
  meds: Median[],
  systemOrder: string[],
  connectionsList: number[],
  selected: WorkloadId[] = workloads.map((w) => w.id),
  supports: (system: string, workload: WorkloadId) => boolean = () => true,
): string {
  const provider = meds.some((m) => m.provider === 'postgres') ? 'postgres' : (meds[0]?.provider ?? 'postgres');
  const connections = connectionsList.includes(10) ? 10 : Math.max(...connectionsList);
  const rows = meds.filter((m) => m.provider === provider && m.connections === connections && m.requestsPerSecond);
  const groups = workloads
    .map((w) => w.id)
    .filter((id) => selected.includes(id))
    .filter((id) => rows.some((r) => r.workload === id) || systemOrder.some((s) => !supports(s, id)));
  const systems = systemOrder.filter((s) => rows.some((r) => r.system === s) || groups.some((id) => !supports(s, id)));
  const values = rows.map((r) => r.requestsPerSecond!);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(1, Math.min(...values, 10)))));
  const hi = Math.max(lo * 10, Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 10)))));

  const bar = 22,
    gap = 4,
    groupGap = 30,
    left = 70,
    top = 50,
    height = 320;
  const groupWidth = systems.length * (bar + gap) - gap;
  // Wide enough for the legend (140 px a system) and the title, however few the workloads.
  const width = Math.max(left + groups.length * (groupWidth + groupGap) + 20, left + systems.length * 140, 720);
  const y = (v: number) => top + height - (Math.log10(v / lo) / Math.log10(hi / lo)) * height;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + height + 90}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold">Requests/s per workload at ${connections} connections (${provider}, log scale, median)</text>`,
  ];
  for (let v = lo; v <= hi; v *= 10) {
    out.push(`<line x1="${left}" x2="${width - 20}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#555">${v.toLocaleString('en')}</text>`);
  }
  groups.forEach((id, g) => {
    const x0 = left + 10 + g * (groupWidth + groupGap);
    systems.forEach((s, i) => {
      const v = rows.find((r) => r.workload === id && r.system === s)?.requestsPerSecond;
      const x = x0 + i * (bar + gap);
      if (!v) {
        out.push(
          `<text x="${x + bar / 2}" y="${top + height - 4}" text-anchor="middle" font-size="10" fill="#777"><title>${esc(s)} ${id}: ${supports(s, id) ? 'no result' : 'not supported'}</title>n/a</text>`,
        );
        return;
      }
      out.push(
        `<rect x="${x}" y="${y(v)}" width="${bar}" height="${top + height - y(v)}" fill="${palette[i % palette.length]}"><title>${esc(s)} ${id}: ${v.toFixed(0)} req/s</title></rect>`,
      );
      out.push(
        `<text x="${x + bar / 2}" y="${y(v) - 4}" text-anchor="end" font-size="10" transform="rotate(-90 ${x + bar / 2} ${y(v) - 4})" dx="${String(Math.round(v)).length * 6 + 4}" dy="3">${Math.round(v)}</text>`,
      );
    });
    out.push(
      `<text x="${x0 + groupWidth / 2}" y="${top + height + 18}" text-anchor="middle" font-weight="bold">${id}</text>`,
    );
  });
  systems.forEach((s, i) => {
    const x = left + i * 140;
    out.push(`<rect x="${x}" y="${top + height + 40}" width="12" height="12" fill="${palette[i % palette.length]}"/>`);
    out.push(`<text x="${x + 18}" y="${top + height + 50}">${esc(s)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
