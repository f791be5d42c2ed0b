// pg 8.23 copies every query's config before it reads it, through the
// config's property descriptors (Object.create + defineProperties), so that
// the caller's object is never changed. Prisma's pg adapter passes a plain
// object literal for every query, and that copy cost about 2% of the CPU of a
// one-row query. patches/pg+8.23.1.patch copies a plain object by spread
// instead; any other object (a class instance, a getter on its prototype)
// still goes through its descriptors. The first test fails without the patch.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Normalize = (config: unknown, values?: unknown, callback?: unknown) => Record<string, unknown>;
const { normalizeQueryConfig } = createRequire(import.meta.url)('pg/lib/utils.js') as {
  normalizeQueryConfig: Normalize;
};

describe("pg's query config copy (patched)", () => {
  it('copies a plain object by value: an own getter is read once, into a data property', () => {
    let reads = 0;
    const config = {
      get text() {
        reads++;
        return 'SELECT 1';
      },
    };

    const copy = normalizeQueryConfig(config);

    expect(Object.getOwnPropertyDescriptor(copy, 'text')).toMatchObject({ value: 'SELECT 1', writable: true });
    expect(reads).toBe(1);
  });

  it("leaves the caller's plain object unchanged and adds values and the callback to the copy", () => {
    const types = { getTypeParser: () => String };
    const config = { name: 's1', text: 'SELECT $1', rowMode: 'array', types };
    const callback = () => {};

    const copy = normalizeQueryConfig(config, [1], callback);

    expect(copy).not.toBe(config);
    expect(copy).toEqual({ name: 's1', text: 'SELECT $1', rowMode: 'array', types, values: [1], callback });
    expect(config).toEqual({ name: 's1', text: 'SELECT $1', rowMode: 'array', types });
  });

  it('still copies a class instance with its prototype, so an inherited getter keeps working', () => {
    class Query {
      get text() {
        return 'SELECT 2';
      }
    }
    const config = new Query();

    const copy = normalizeQueryConfig(config, [2]);

    expect(copy).toBeInstanceOf(Query);
    expect(copy.text).toBe('SELECT 2');
    expect(copy.values).toEqual([2]);
    expect(Object.hasOwn(config, 'values')).toBe(false);
  });
});
