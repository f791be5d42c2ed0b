// The bare-process measurement behind FINDINGS.md, "A result written into a
// reused Buffer": one W6-like result (1000 rows, about 200 KB of JSON) turned
// into bytes four ways, per result. Run pinned, like the server:
//
//   taskset -c 0 node --import tsx bench/experiments/response-encoding.ts
import { ResponseBuffers } from '../../src/http/responseBuffers.ts';

const rows = Array.from({ length: 1000 }, (_, i) => ({
  id: String(i + 1),
  rating: (i % 5) + 1,
  body: `Review body text that goes on for a while, about the book and its many pages, number ${i}${' '.repeat(i % 50)}end.`,
  createdAt: new Date(1.7e12 + i * 1e6).toISOString(),
}));
const result = { data: { reviews: { nodes: rows } } };
const existing = Buffer.allocUnsafeSlow(1 << 20);
const pool = new ResponseBuffers();

const ways: [string, () => number][] = [
  ['JSON.stringify alone', () => JSON.stringify(result).length],
  ['JSON.stringify, then Buffer.from', () => Buffer.from(JSON.stringify(result)).length],
  ['JSON.stringify, then written into an existing Buffer', () => existing.write(JSON.stringify(result), 0)],
  [
    'ResponseBuffers.encode (its Buffer given back at once)',
    () => {
      const body = pool.encode(result) as Buffer;
      pool.give(Buffer.from(body.buffer));
      return body.length;
    },
  ],
];
for (const [name, way] of ways) {
  for (let i = 0; i < 300; i++) way();
  const n = 2000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) way();
  console.log(`${name}: ${(Number(process.hrtime.bigint() - start) / 1e6 / n).toFixed(3)} ms`);
}
