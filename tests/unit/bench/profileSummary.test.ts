import { describe, expect, it } from 'vitest';
import { packageOf, profileMarkdown, summarizeProfile, type CpuProfile } from '../../../bench/lib/profileSummary.ts';

const repo = 'file:///work/repo/';
const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// root → handler (own) → encode (own) → JSON work (native, 3 samples)
//                      → recurse (own) → recurse (own, 1 sample)
//      → fastify send (1 sample), → (garbage collector) (2 samples)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 6, 7] },
    { id: 2, callFrame: frame('handler', `${repo}dist/http/server.js`, 9), children: [3, 4] },
    { id: 3, callFrame: frame('encode', `${repo}dist/http/responseBuffers.js`, 32) },
    { id: 4, callFrame: frame('recurse', `${repo}dist/bindings/plan.js`, 0), children: [5] },
    { id: 5, callFrame: frame('recurse', `${repo}dist/bindings/plan.js`, 0) },
    { id: 6, callFrame: frame('send', `${repo}node_modules/fastify/lib/reply.js`, 155) },
    { id: 7, callFrame: frame('(garbage collector)') },
  ],
  samples: [3, 3, 3, 5, 6, 7, 7],
};

describe('a CPU profile summary', () => {
  const summary = summarizeProfile(profile, repo);

  it('counts self time by package and by function', () => {
    expect(summary.samples).toBe(7);
    expect(summary.byPackage).toEqual([
      { name: 'dist/http/responseBuffers.js', share: 3 / 7 },
      { name: '(native)', share: 2 / 7 },
      { name: 'dist/bindings/plan.js', share: 1 / 7 },
      { name: 'fastify', share: 1 / 7 },
    ]);
    expect(summary.byFunction[0]).toEqual({ name: 'encode dist/http/responseBuffers.js:33', share: 3 / 7 });
    expect(summary.byFunction).toContainEqual({ name: '(garbage collector)', share: 2 / 7 });
  });

  it("counts the project's own functions with their callees, a recursive one once per sample", () => {
    expect(summary.ownInclusive).toEqual([
      { name: 'handler dist/http/server.js:10', share: 4 / 7 },
      { name: 'encode dist/http/responseBuffers.js:33', share: 3 / 7 },
      { name: 'recurse dist/bindings/plan.js:1', share: 1 / 7 },
    ]);
  });

  it('names packages, scoped ones whole, and leaves Node built-ins as they are', () => {
    expect(packageOf('file:///x/node_modules/@apollo/server/dist/esm/a.js', repo)).toBe('@apollo/server');
    expect(packageOf(`${repo}node_modules/pg/lib/client.js`, repo)).toBe('pg');
    expect(packageOf('node:events', repo)).toBe('node:events');
    expect(packageOf('', repo)).toBe('(native)');
  });

  it('writes Markdown tables that escape a pipe in a name', () => {
    const withPipe = summarizeProfile(
      { nodes: [{ id: 1, callFrame: frame('a|b', `${repo}dist/x.js`) }], samples: [1] },
      repo,
    );
    const text = profileMarkdown(withPipe).join('\n');
    expect(text).toContain('| 100.0% | `a\\|b dist/x.js:1` |');
    expect(text).toContain("### Switchyard's own functions, callees included");
  });
});
