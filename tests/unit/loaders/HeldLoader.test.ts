// HeldLoader answers synchronously exactly for the keys whose cached promise
// has settled to a row: what a resolver returns as a value must be what
// load() would have resolved to.
import { describe, expect, it } from 'vitest';
import { HeldLoader } from '../../../src/loaders/HeldLoader.ts';

const rowsOf = (keys: readonly unknown[]) => keys.map((k) => (k === 'missing' ? null : { id: k, loaded: true }));

describe('HeldLoader', () => {
  it('holds a primed row, and load() resolves to the same row without a batch', async () => {
    const batches: unknown[][] = [];
    const loader = new HeldLoader<Record<string, unknown> | null>(
      async (keys) => (batches.push([...keys]), rowsOf(keys)),
    );
    const primed = { id: 1, primed: true };
    loader.prime(1, primed);
    expect(loader.peek(1)).toBe(primed);
    expect(await loader.load(1)).toBe(primed);
    expect(batches).toEqual([]);
  });

  it('holds what a batch loaded, null included, only once it has settled', async () => {
    const loader = new HeldLoader<Record<string, unknown> | null>(async (keys) => rowsOf(keys));
    const pending = loader.load(2);
    const missing = loader.load('missing');
    expect(loader.peek(2)).toBeUndefined();
    const row = await pending;
    await missing;
    expect(loader.peek(2)).toBe(row);
    expect(loader.peek('missing')).toBeNull();
  });

  it('keeps what load() asked for when the key is primed later, as DataLoader does', async () => {
    const loader = new HeldLoader<Record<string, unknown> | null>(async (keys) => rowsOf(keys));
    const loaded = loader.load(3);
    loader.prime(3, { id: 3, primed: true });
    expect(loader.peek(3)).toBeUndefined();
    const row = await loaded;
    expect(row).toEqual({ id: 3, loaded: true });
    expect(loader.peek(3)).toBe(row);
    expect(await loader.load(3)).toBe(row);
  });

  it('does not replace a held row with a later prime', () => {
    const loader = new HeldLoader<Record<string, unknown> | null>(async (keys) => rowsOf(keys));
    const first = { id: 4, n: 1 };
    loader.prime(4, first);
    loader.prime(4, { id: 4, n: 2 });
    expect(loader.peek(4)).toBe(first);
  });

  it('holds no error: load() rejects with it', async () => {
    const loader = new HeldLoader<Record<string, unknown> | null>(async (keys) => rowsOf(keys));
    loader.prime(5, new Error('hidden'));
    expect(loader.peek(5)).toBeUndefined();
    await expect(loader.load(5)).rejects.toThrow('hidden');
  });

  it('holds no error a batch returned for a key', async () => {
    const loader = new HeldLoader<Record<string, unknown> | null>(async (keys) =>
      keys.map((k) => (k === 7 ? new Error('no access') : { id: k })),
    );
    await expect(loader.load(7)).rejects.toThrow('no access');
    await loader.load(8);
    expect(loader.peek(7)).toBeUndefined();
    expect(loader.peek(8)).toEqual({ id: 8 });
  });

  it('forgets what clear() and clearAll() drop, so the next load() reads again', async () => {
    let batches = 0;
    const loader = new HeldLoader<Record<string, unknown> | null>(async (keys) => (batches++, rowsOf(keys)));
    loader.prime(9, { id: 9, primed: true });
    loader.clear(9);
    expect(loader.peek(9)).toBeUndefined();
    expect(await loader.load(9)).toEqual({ id: 9, loaded: true });
    loader.clearAll();
    expect(loader.peek(9)).toBeUndefined();
    loader.prime(9, { id: 9, primed: true });
    expect(loader.peek(9)).toEqual({ id: 9, primed: true });
    expect(batches).toBe(1);
  });

  it('compares dates by instant', () => {
    const loader = new HeldLoader<Record<string, unknown> | null>(async (keys) => rowsOf(keys));
    const row = { id: 6 };
    loader.prime(new Date(Date.UTC(2024, 0, 1)), row);
    expect(loader.peek(new Date(Date.UTC(2024, 0, 1)))).toBe(row);
  });
});
