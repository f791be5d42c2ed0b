// The bare-process measurement behind FINDINGS.md, "A result written into a
// reused Buffer" and "Small results in the reused Buffers": results shaped
// like the workloads' turned into bytes in several ways, microseconds per
// result. W6 (1000 rows, about 200 KB of JSON) is the case the Buffers were
// made for; W2, W3 and W5 (5–20 KB) check that smaller results do not pay for
// it. Run pinned, like the server:
//
//   taskset -c 0 node --import tsx bench/experiments/response-encoding.ts
import { ResponseBuffers } from '../../src/http/responseBuffers.ts';

const title = (i: number) => `Book title number ${i} of a series`;
const shapes: Record<string, unknown> = {
  W2: {
    data: {
      books: {
        nodes: Array.from({ length: 50 }, (_, i) => ({
          id: String(i + 1),
          isbn: `978-0-${1000000 + i}`,
          title: title(i),
          priceCents: 1000 + i,
        })),
      },
    },
  },
  W3: {
    data: {
      authors: {
        nodes: Array.from({ length: 20 }, (_, a) => ({
          id: String(a + 1),
          name: `Author ${a} Name`,
          books: { nodes: Array.from({ length: 10 }, (_, i) => ({ id: String(a * 10 + i), title: title(i) })) },
        })),
      },
    },
  },
  W5: {
    data: {
      books: {
        nodes: Array.from({ length: 200 }, (_, i) => ({
          id: String(i + 1),
          title: title(i),
          author: { id: String(i % 37), name: `Author ${i} Name` },
        })),
      },
    },
  },
  W6: {
    data: {
      reviews: {
        nodes: Array.from({ length: 1000 }, (_, i) => ({
          id: String(i + 1),
          rating: (i % 5) + 1,
          body: `Review body text that goes on for a while, about the book and its many pages, number ${i}${' '.repeat(i % 50)}end.`,
          createdAt: new Date(1.7e12 + i * 1e6).toISOString(),
        })),
      },
    },
  },
};
const existing = Buffer.allocUnsafeSlow(1 << 20);
const pool = new ResponseBuffers();

for (const [shape, result] of Object.entries(shapes)) {
  const ways: [string, () => number][] = [
    ['JSON.stringify alone', () => JSON.stringify(result).length],
    ['JSON.stringify, then Buffer.from', () => Buffer.from(JSON.stringify(result)).length],
    ['JSON.stringify, then written into an existing Buffer', () => existing.write(JSON.stringify(result), 0)],
    [
      'ResponseBuffers.encode (its Buffer given back at once)',
      () => {
        const body = pool.encode(result) as Buffer;
        // A body over 16 KiB is a slice of a pooled Buffer; a smaller one was copied out and its Buffer given back.
        if (body.length > 16 * 1024) pool.give(Buffer.from(body.buffer));
        return body.length;
      },
    ],
  ];
  const bytes = Buffer.byteLength(JSON.stringify(result));
  const n = Math.max(500, Math.round(2e8 / bytes));
  // Three rounds of every way, the last one reported: the first ones warm the JIT.
  for (let round = 1; round <= 3; round++)
    for (const [name, way] of ways) {
      for (let i = 0; i < n / 10; i++) way();
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) way();
      const micros = Number(process.hrtime.bigint() - start) / 1e3 / n;
      if (round === 3) console.log(`${shape} (${(bytes / 1024).toFixed(1)} KiB), ${name}: ${micros.toFixed(1)} µs`);
    }
}
