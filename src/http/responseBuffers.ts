// A result with lists is written as JSON straight into a Buffer, one run of
// list elements at a time, and the Buffer is used again once its response
// has been sent.
//
// Why: JSON.stringify returns a large result as a rope. Turning it into
// bytes (Buffer.from, or the socket write of a string) first flattens it into
// one string, and a string over 128 KB is a V8 large object on pages mapped
// for it alone; the Buffer after it is fresh memory too. In a CPU profile of
// W6 (about 300 KB), Buffer.from was 18% of the server's CPU; in a loop of
// Buffer.from alone, perf put two-thirds of its time in page faults; and at
// W6's peak RSS V8 held 15 MiB of large objects (bench/FINDINGS.md, "Page
// faults of a large response"). A run of elements is a string of about 16 K
// characters, flattened in the young generation on pages the process already
// has, and the Buffer it lands in is already mapped.
//
// The bytes are JSON.stringify's for plain data, which is what a GraphQL
// result is: lists are its only large parts, so the objects above them are
// written key by key and each run of elements is one JSON.stringify of a
// slice. Leaves, class instances and objects with toJSON go to JSON.stringify
// whole, so their toJSON is called with the key "" (or, inside a list, the
// index within the run); GraphQL results hold none, their scalars are
// serialized before. Getters are read more than once, and a cycle overflows
// the stack (RangeError) rather than throwing JSON.stringify's TypeError.
import type { ServerResponse } from 'node:http';

export interface ResponseBuffersOptions {
  /** Buffers kept for reuse, the largest ones; more than this in flight are allocated and left to the GC. */
  keep?: number;
  /** A Buffer grown past this is not kept. */
  maxBytes?: number;
  /** A new Buffer's size; it doubles as a result needs. */
  initialBytes?: number;
}

// Characters per run of list elements: under 16 K a run's rope is flattened in
// the young generation. Runs are sized from the elements written before.
// Elements that hold lists are written part by part (so their lists are cut
// into runs too) until one comes out under `largeElement`, and again after
// a run whose elements averaged over it. (Characters for a run, bytes for an
// element written part by part: either way about 64 K.) A run sized from
// small elements can still take in a large one, and an element without lists
// is always one string.
const runChars = 16 * 1024;
const largeElement = 64 * 1024;
// A body this small is copied out to a Buffer of its own size and the pool's
// Buffer goes back at once, so that a small result (an error, a short page)
// waiting for a slow client holds only its own bytes.
const smallBodyBytes = 16 * 1024;

export class ResponseBuffers {
  private readonly free: Buffer[] = [];
  // The whole Buffer behind each body handed out, by its memory, so that the
  // slice Fastify sends finds the Buffer to give back.
  private readonly issued = new WeakMap<ArrayBufferLike, Buffer>();
  private readonly keep: number;
  private readonly maxBytes: number;
  private readonly initialBytes: number;

  constructor({ keep = 4, maxBytes = 1024 * 1024, initialBytes = 64 * 1024 }: ResponseBuffersOptions = {}) {
    this.keep = keep;
    this.maxBytes = maxBytes;
    this.initialBytes = initialBytes;
  }

  /**
   * Apollo's `stringifyResult`: a result without lists (the common small one)
   * as JSON.stringify's string; one with lists as a Buffer of the same JSON,
   * over 16 KiB taken from this pool. Give it back with `releaseAfter`.
   */
  encode(result: unknown): string | Buffer {
    if (!hasList(result)) return JSON.stringify(result);
    const writer = new JsonWriter(this.take(), this);
    writer.holdingLists(result as unknown[] | Record<string, unknown>);
    const whole = writer.buffer;
    if (writer.length <= smallBodyBytes) {
      const body = Buffer.from(whole.subarray(0, writer.length));
      this.give(whole);
      return body;
    }
    this.issued.set(whole.buffer, whole);
    return whole.subarray(0, writer.length);
  }

  /** Returns the Buffer behind `body` to the pool once `response` has been handed to the OS. */
  releaseAfter(body: Buffer, response: ServerResponse): void {
    const whole = this.issued.get(body.buffer);
    if (whole === undefined) return;
    this.issued.delete(body.buffer);
    // Only 'finish' proves the socket is done with the bytes. A response that
    // closes first (the client went away) may still have a write pending:
    // its Buffer is left to the GC.
    response.once('finish', () => this.give(whole));
  }

  /** The largest free Buffer if it has `minBytes`, or a new one. */
  take(minBytes = 0): Buffer {
    const largest = this.free.at(-1);
    if (largest !== undefined && largest.length >= minBytes) return this.free.pop()!;
    return Buffer.allocUnsafeSlow(Math.max(this.initialBytes, minBytes));
  }

  /**
   * Keeps `buffer` for a later `take` unless it is too large. The free list
   * stays sorted by size, and a full one drops its smallest: the Buffers a
   * large result outgrew must not crowd out the ones that fit it.
   */
  give(buffer: Buffer): void {
    if (buffer.length > this.maxBytes) return;
    if (this.free.length >= this.keep) {
      if (this.keep === 0 || this.free[0]!.length >= buffer.length) return;
      this.free.shift();
    }
    let at = this.free.length;
    while (at > 0 && this.free[at - 1]!.length > buffer.length) at -= 1;
    this.free.splice(at, 0, buffer);
  }
}

/** Whether a list is reachable through plain objects (not through class instances or toJSON). */
function hasList(value: unknown): boolean {
  if (isList(value)) return true;
  if (!isPlainObject(value)) return false;
  for (const key in value) if (hasList(value[key])) return true;
  return false;
}

/** An array JSON.stringify writes as a list (no toJSON of its own). */
function isList(value: unknown): value is unknown[] {
  return Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** An object JSON.stringify writes key by key: Object's or no prototype, no toJSON. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

const comma = 0x2c;

/** Elements per run, for elements of about `perElement` characters. */
function runLength(perElement: number): number {
  return Math.max(1, Math.min(1024, Math.floor(runChars / Math.max(1, perElement))));
}

/** Writes one result's JSON into `buffer`, growing it through the pool. */
class JsonWriter {
  length = 0;

  constructor(
    public buffer: Buffer,
    private readonly pool: ResponseBuffers,
  ) {}

  value(value: unknown): void {
    if (isList(value) || (isPlainObject(value) && hasList(value))) this.holdingLists(value);
    else this.text(JSON.stringify(value) ?? 'null');
  }

  /** A value already known to hold lists (a list, or a plain object with one inside), without scanning it again. */
  holdingLists(value: unknown[] | Record<string, unknown>): void {
    if (isList(value)) this.list(value);
    else this.object(value as Record<string, unknown>);
  }

  private object(value: Record<string, unknown>): void {
    let separator = '{';
    for (const key of Object.keys(value)) {
      const field = value[key];
      if (isList(field) || isPlainObject(field)) {
        this.text(`${separator}${JSON.stringify(key)}:`);
        this.value(field);
      } else {
        // Keys whose value JSON.stringify leaves out (undefined, functions, symbols) are skipped, as it does.
        const leaf = JSON.stringify(field);
        if (leaf === undefined) continue;
        this.text(`${separator}${JSON.stringify(key)}:${leaf}`);
      }
      separator = ',';
    }
    this.text(separator === '{' ? '{}' : '}');
  }

  // Runs of elements, each one JSON.stringify of a slice ("[a,b]"). A run
  // after another is written over the "]" that ends it, and its own "[" is
  // then overwritten with the comma, so no string is cut.
  private list(items: unknown[]): void {
    if (items.length === 0) return this.text('[]');
    let run = 1;
    let walk = true; // elements that hold lists are written part by part
    let closed = false; // the bytes so far end with this list's "]"
    for (let start = 0; start < items.length;) {
      const element = items[start];
      if (walk && (isList(element) || (isPlainObject(element) && hasList(element)))) {
        if (closed) this.length -= 1;
        this.text(start === 0 ? '[' : ',');
        const before = this.length;
        this.holdingLists(element as unknown[] | Record<string, unknown>);
        walk = this.length - before > largeElement;
        run = runLength(this.length - before);
        closed = false;
        start += 1;
        continue;
      }
      const end = Math.min(items.length, start + run);
      const json = JSON.stringify(start === 0 && end === items.length ? items : items.slice(start, end));
      if (start === 0) this.text(json);
      else if (closed) {
        this.length -= 1;
        const at = this.length;
        this.text(json);
        this.buffer[at] = comma;
      } else {
        this.text(',');
        this.text(json.slice(1));
      }
      closed = true;
      const perElement = json.length / (end - start);
      walk = perElement > largeElement;
      run = runLength(perElement);
      start = end;
    }
    if (!closed) this.text(']');
  }

  private text(json: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; count exactly only near the end.
    if (this.length + json.length * 3 > this.buffer.length) {
      const needed = this.length + Buffer.byteLength(json);
      if (needed > this.buffer.length) this.grow(needed);
    }
    this.length += this.buffer.write(json, this.length);
  }

  private grow(needed: number): void {
    const larger = this.pool.take(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(larger, 0, 0, this.length);
    this.pool.give(this.buffer);
    this.buffer = larger;
  }
}
