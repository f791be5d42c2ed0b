// A DataLoader that can also answer without a promise for a key it already
// holds. A page that reads relations with its rows (`books { nodes { author {
// … } } }`, `authors { nodes { books { … } } }`) primes each parent's related
// rows, and the relation's resolver then returns them as a plain value: 200
// books' authors cost no promise, await and microtask turn each: the async
// resolver alone made up 31% of what such a request allocated (W5).
import DataLoader from 'dataloader';

// Keys are primitives after coercion; dates are compared by instant.
export const cacheKeyFn = (key: unknown) => (key instanceof Date ? key.getTime() : key);

export class HeldLoader<V> extends DataLoader<unknown, V, unknown> {
  // What DataLoader's cache holds, settled: a key gets here exactly when its
  // cached promise resolved to a value, from a prime or a batch.
  private readonly held: Map<unknown, V>;
  // Keys asked for with load(): DataLoader ignores a later prime of them.
  private readonly asked = new Set<unknown>();

  constructor(batch: (keys: readonly unknown[]) => Promise<(V | Error)[]>) {
    const held = new Map<unknown, V>();
    super(
      async (keys) => {
        const values = await batch(keys);
        keys.forEach((key, i) => {
          const k = cacheKeyFn(key);
          const value = values[i];
          // A key's Error rejects its load(): nothing to hold.
          if (!held.has(k) && !(value instanceof Error)) held.set(k, value as V);
        });
        return values;
      },
      { cacheKeyFn },
    );
    this.held = held;
  }

  override load(key: unknown): Promise<V> {
    this.asked.add(cacheKeyFn(key));
    return super.load(key);
  }

  override prime(key: unknown, value: V | PromiseLike<V> | Error): this {
    const k = cacheKeyFn(key);
    if (!this.asked.has(k) && !this.held.has(k) && !(value instanceof Error) && !isPromiseLike(value))
      this.held.set(k, value);
    return super.prime(key, value);
  }

  override clear(key: unknown): this {
    const k = cacheKeyFn(key);
    this.held.delete(k);
    this.asked.delete(k);
    return super.clear(key);
  }

  override clearAll(): this {
    this.held.clear();
    this.asked.clear();
    return super.clearAll();
  }

  /** The value held for `key`; undefined when it must be loaded. */
  peek(key: unknown): V | undefined {
    return this.held.get(cacheKeyFn(key));
  }
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function';
