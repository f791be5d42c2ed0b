// A V8 CPU profile (.cpuprofile, from node --cpu-prof) read as the tables
// FINDINGS.md quotes: where the samples fall by package and by function (self
// time), and which functions of Switchyard's own code they pass through
// (inclusive time). The profile itself opens as a flame graph in Chrome
// DevTools (Performance panel) or speedscope.

/** The parts of the .cpuprofile format read here. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
}

export interface Share {
  name: string;
  /** Share of all samples, 0–1. */
  share: number;
}

export interface ProfileSummary {
  samples: number;
  byPackage: Share[];
  byFunction: Share[];
  /** Functions of the project's own code (under `ownPrefix`), counting their callees. */
  ownInclusive: Share[];
}

/**
 * Where a frame's code lives: the npm package (`@scope/name` or `name`), the
 * Node built-in module (`node:…`), a file of the project's own (its path
 * under the repository), or `(native)` for V8 and the kernel (GC, writev, idle).
 */
export function packageOf(url: string, repoUrl: string): string {
  if (!url) return '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return url;
  return url.startsWith(repoUrl) ? url.slice(repoUrl.length) : url;
}

function frameName(frame: CpuProfile['nodes'][number]['callFrame'], repoUrl: string): string {
  const where = frame.url ? ` ${packageOf(frame.url, repoUrl)}:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'}${where}`;
}

const ranked = (counts: Map<string, number>, total: number, limit: number): Share[] =>
  [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([name, count]) => ({ name, share: count / total }));

/**
 * Summarizes `profile`. `repoUrl` is the repository's file URL with a
 * trailing slash; frames under `repoUrl + ownPrefix` (outside node_modules)
 * are the project's own code.
 */
export function summarizeProfile(
  profile: CpuProfile,
  repoUrl: string,
  ownPrefix = 'dist/',
  limit = 30,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);

  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const ownInclusive = new Map<string, number>();
  const own = (url: string) => url.startsWith(repoUrl + ownPrefix) && !url.includes('/node_modules/');
  for (const [id, count] of hits) {
    const frame = byId.get(id)!.callFrame;
    const pkg = packageOf(frame.url, repoUrl);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + count);
    const name = frameName(frame, repoUrl);
    byFunction.set(name, (byFunction.get(name) ?? 0) + count);
    // Each own function once per sample, however often it recurs on the stack.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const callFrame = byId.get(at)!.callFrame;
      if (!own(callFrame.url)) continue;
      const ownName = frameName(callFrame, repoUrl);
      if (seen.has(ownName)) continue;
      seen.add(ownName);
      ownInclusive.set(ownName, (ownInclusive.get(ownName) ?? 0) + count);
    }
  }
  const total = Math.max(1, profile.samples.length);
  return {
    samples: profile.samples.length,
    byPackage: ranked(byPackage, total, limit),
    byFunction: ranked(byFunction, total, limit),
    ownInclusive: ranked(ownInclusive, total, limit),
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
    `${summary.samples} samples.`,
    '',
    ...table('Self time by package', summary.byPackage),
    ...table('Self time by function', summary.byFunction),
    ...table("Switchyard's own functions, callees included", summary.ownInclusive),
  ];
}
