import { describe, expect, it } from 'vitest';
import { packageOf, profileMarkdown, summarizeProfile, type CpuProfile } from '../../../bench/lib/profileSummary.ts';

const repo = 'file:///work/repo/';
const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// root ─ handler (own) ─ encode (own) ─ JSON work (encode's self time)
//      │                └ recurse (own) ─ recurse (own)
//      ├ send (fastify) ─ hook (own, called back by fastify) ─ writev (native)
//      └ (garbage collector)
const nodes: CpuProfile['nodes'] = [
  { id: 1, callFrame: frame('(root)'), children: [2, 6, 7] },
  { id: 2, callFrame: frame('handler', `${repo}dist/http/server.js`, 9), children: [3, 4] },
  { id: 3, callFrame: frame('encode', `${repo}dist/http/responseBuffers.js`, 32) },
  { id: 4, callFrame: frame('recurse', `${repo}dist/bindings/plan.js`, 0), children: [5] },
  { id: 5, callFrame: frame('recurse', `${repo}dist/bindings/plan.js`, 0) },
  { id: 6, callFrame: frame('send', `${repo}node_modules/fastify/lib/reply.js`, 155), children: [8] },
  { id: 7, callFrame: frame('(garbage collector)') },
  { id: 8, callFrame: frame('hook', `${repo}dist/http/security.js`, 4), children: [9] },
  { id: 9, callFrame: frame('writev') },
];

/** Samples 1 ms apart, each standing for the millisecond until the next; the last for the 1 ms to the end. */
function profileOf(samples: number[], startTime = 1_000_000): CpuProfile {
  return {
    nodes,
    startTime,
    endTime: startTime + (samples.length + 1) * 1000,
    samples,
    timeDeltas: samples.map(() => 1000),
  };
}

describe('a CPU profile summary', () => {
  const summary = summarizeProfile(profileOf([3, 3, 3, 5, 6, 7, 7, 9]), { repoUrl: repo });

  it('counts self time by package and by function, and the own files together', () => {
    expect(summary.samples).toBe(8);
    expect(summary.milliseconds).toBe(8);
    expect(summary.byPackage).toEqual([
      { name: '(native)', share: 3 / 8 },
      { name: 'dist/http/responseBuffers.js', share: 3 / 8 },
      { name: 'dist/bindings/plan.js', share: 1 / 8 },
      { name: 'fastify', share: 1 / 8 },
    ]);
    expect(summary.ownSelf).toBe(4 / 8);
    expect(summary.byFunction[0]).toEqual({ name: 'encode dist/http/responseBuffers.js:33', share: 3 / 8 });
    expect(summary.byFunction).toContainEqual({ name: 'send fastify/lib/reply.js:156', share: 1 / 8 });
    // A frame without code of its own names its caller.
    expect(summary.byFunction).toContainEqual({ name: 'writev (from hook dist/http/security.js:5)', share: 1 / 8 });
  });

  it("counts the project's own functions with their callees: once per sample, past library frames between them", () => {
    expect(summary.ownInclusive).toEqual([
      { name: 'handler dist/http/server.js:10', share: 4 / 8 },
      { name: 'encode dist/http/responseBuffers.js:33', share: 3 / 8 },
      { name: 'hook dist/http/security.js:5', share: 1 / 8 },
      { name: 'recurse dist/bindings/plan.js:1', share: 1 / 8 },
    ]);
  });

  it('weighs each sample by the time until the next, and keeps only the window asked for', () => {
    const profile = profileOf([3, 7, 3, 7]);
    profile.timeDeltas = [1000, 1000, 3000, 1000]; // sample 1 (GC) stands for 3 ms
    profile.endTime = profile.startTime + 7000;
    const weighted = summarizeProfile(profile, { repoUrl: repo });
    // From the first sample (1 ms) to the end (7 ms); the GC samples weigh 3 + 1 of those 6.
    expect(weighted.milliseconds).toBe(6);
    expect(weighted.byPackage).toContainEqual({ name: '(native)', share: 4 / 6 });
    // Samples at 1, 2, 5 and 6 ms stand for [1, 2], [2, 5], [5, 6] and [6, 7]: the window [1.5, 5.5] ms
    // takes half a millisecond of the first and of the third (encode), and the whole second (GC).
    const start = profile.startTime;
    const windowed = summarizeProfile(profile, {
      repoUrl: repo,
      window: { startUs: start + 1500, endUs: start + 5500 },
    });
    expect(windowed.samples).toBe(3);
    expect(windowed.milliseconds).toBe(4);
    expect(windowed.byPackage).toEqual([
      { name: '(native)', share: 3 / 4 },
      { name: 'dist/http/responseBuffers.js', share: 1 / 4 },
    ]);
  });

  it('names packages, scoped and nested ones, leaves Node built-ins as they are, and never counts a dependency as own', () => {
    expect(packageOf('file:///x/node_modules/@apollo/server/dist/esm/a.js', repo)).toBe('@apollo/server');
    expect(packageOf(`${repo}node_modules/ajv/node_modules/fast-uri/index.js`, repo)).toBe('fast-uri');
    expect(packageOf('node:events', repo)).toBe('node:events');
    expect(packageOf('', repo)).toBe('(native)');
    const vendored = summarizeProfile(
      { ...profileOf([1]), nodes: [{ id: 1, callFrame: frame('f', `${repo}dist/node_modules/x/index.js`) }] },
      { repoUrl: repo },
    );
    expect(vendored.ownInclusive).toEqual([]);
    expect(vendored.ownSelf).toBe(0);
  });

  it('writes Markdown tables that escape a pipe in a name', () => {
    const withPipe = summarizeProfile(
      { ...profileOf([1]), nodes: [{ id: 1, callFrame: frame('a|b', `${repo}dist/x.js`) }] },
      { repoUrl: repo },
    );
    const text = profileMarkdown(withPipe).join('\n');
    expect(text).toContain('| 100.0% | `a\\|b dist/x.js:1` |');
    expect(text).toContain("### Switchyard's own functions, callees included");
  });
});
