// A V8 CPU profile (.cpuprofile, from node --cpu-prof) read as the tables
// FINDINGS.md quotes: where the time falls by package and by function (self
// time), and which functions of Switchyard's own code it passes through
// (inclusive time). The profile itself opens as a flame graph in Chrome
// DevTools (Performance panel) or speedscope.
//
// Time, not sample counts: V8's sampling interval stretches when the process
// is busy or preempted, so each sample weighs the time until the next one, as
// the flame graph viewers count it.

/** The parts of the .cpuprofile format read here. Times are microseconds of the monotonic clock (process.hrtime's). */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  /** Share of the time summarized, 0–1. */
  share: number;
}

export interface ProfileSummary {
  /** Samples in the window summarized, and the milliseconds they cover. */
  samples: number;
  milliseconds: number;
  byPackage: Share[];
  /** The project's own files (under `ownPrefix`) taken together, self time. */
  ownSelf: number;
  byFunction: Share[];
  /** Functions of the project's own code (under `ownPrefix`), counting their callees. */
  ownInclusive: Share[];
}

/**
 * Where a frame's code lives: the npm package (`@scope/name` or `name`; the
 * innermost one for a package nested in another's node_modules), the Node
 * built-in module (`node:…`), a file of the project's own (its path under the
 * repository), or `(native)` for V8 and the kernel (GC, writev, idle).
 */
export function packageOf(url: string, repoUrl: string): string {
  return locate(url, repoUrl).where;
}

/** The package (as packageOf) and the file's path inside it, when it has one. */
function locate(url: string, repoUrl: string): { where: string; file: string } {
  if (!url) return { where: '(native)', file: '' };
  const modules = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (modules) return { where: modules[1]!, file: modules[2]! };
  if (url.startsWith('node:')) return { where: url, file: '' };
  return { where: url.startsWith(repoUrl) ? url.slice(repoUrl.length) : url, file: '' };
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

/** `function package/file:line`; a frame without code of its own (a builtin, the kernel) names its JavaScript caller. */
function frameName(frame: Frame, caller: Frame | undefined, repoUrl: string): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return caller?.url ? `${name} (from ${frameName(caller, undefined, repoUrl)})` : name;
  const { where, file } = locate(frame.url, repoUrl);
  return `${name} ${file ? `${where}/${file}` : where}:${frame.lineNumber + 1}`;
}

const ranked = (times: Map<string, number>, total: number, limit: number): Share[] =>
  [...times]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([name, time]) => ({ name, share: time / total }));

const add = (map: Map<string, number>, key: string, time: number) => map.set(key, (map.get(key) ?? 0) + time);

export interface SummaryOptions {
  /** The repository's file URL, with a trailing slash. */
  repoUrl: string;
  /** The project's own code: files under repoUrl + ownPrefix, outside node_modules. */
  ownPrefix?: string;
  /** Only the time within [startUs, endUs] (the measured run, without start-up and warm-up). */
  window?: { startUs: number; endUs: number };
  /** Rows per table. */
  limit?: number;
}

/** Summarizes `profile`: self time by package and function, and the project's own functions with their callees. */
export function summarizeProfile(
  profile: CpuProfile,
  { repoUrl, ownPrefix = 'dist/', window, limit = 30 }: SummaryOptions,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const own = (url: string) => url.startsWith(repoUrl + ownPrefix) && !url.includes('/node_modules/');
  const callerOf = (id: number) => {
    const parent = parentOf.get(id);
    return parent === undefined ? undefined : byId.get(parent)!.callFrame;
  };

  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const ownInclusive = new Map<string, number>();
  let ownSelf = 0;
  let total = 0;
  let samples = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    // A sample stands for the time until the next one; the last, for the time to the profile's end.
    const until =
      i + 1 < profile.samples.length ? at + (profile.timeDeltas[i + 1] ?? 0) : Math.max(at, profile.endTime);
    // Only the part of that time within the window counts.
    const time = window ? Math.min(until, window.endUs) - Math.max(at, window.startUs) : until - at;
    if (window && time <= 0) continue;
    const id = profile.samples[i]!;
    const frame = byId.get(id)!.callFrame;
    samples += 1;
    total += time;
    add(byPackage, packageOf(frame.url, repoUrl), time);
    add(byFunction, frameName(frame, callerOf(id), repoUrl), time);
    if (own(frame.url)) ownSelf += time;
    // Each own function once per sample, however often it recurs on the stack.
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parentOf.get(node)) {
      const callFrame = byId.get(node)!.callFrame;
      if (!own(callFrame.url)) continue;
      const name = frameName(callFrame, undefined, repoUrl);
      if (seen.has(name)) continue;
      seen.add(name);
      add(ownInclusive, name, time);
    }
  }
  const denominator = total || 1;
  return {
    samples,
    milliseconds: total / 1000,
    byPackage: ranked(byPackage, denominator, limit),
    ownSelf: ownSelf / denominator,
    byFunction: ranked(byFunction, denominator, limit),
    ownInclusive: ranked(ownInclusive, denominator, limit),
  };
}

/** The summary as Markdown tables. */
export function profileMarkdown(summary: ProfileSummary): string[] {
  const table = (title: string, shares: Share[]) => [
    `### ${title}`,
    '',
    '| share | where |',
    '|--:|---|',
    ...shares.map((s) => `| ${(s.share * 100).toFixed(1)}% | \`${s.name.replace(/\|/g, '\\|')}\` |`),
    '',
  ];
  return [
    `${summary.samples} samples over ${(summary.milliseconds / 1000).toFixed(1)} s, each weighted by the time until the next. ` +
      `Switchyard's own files, all together: ${(summary.ownSelf * 100).toFixed(1)}% of self time.`,
    '',
    ...table('Self time by package', summary.byPackage),
    ...table('Self time by function', summary.byFunction),
    ...table("Switchyard's own functions, callees included", summary.ownInclusive),
  ];
}
