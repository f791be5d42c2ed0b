// Aligns rows to the keys a batch was asked for: one slot per key, in key
// order, null where no row matched. Every batch function's results pass through
// here once, so DataLoader's contract (same length, same order) holds for every
// source.

/** One row (or null) per key, matched on `keyOf(row)`. */
export function orderByKeys<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): (R | null)[] {
  const byKey = new Map<unknown, R>();
  for (const row of rows) byKey.set(normalize(keyOf(row)), row);
  return keys.map((key) => byKey.get(normalize(key)) ?? null);
}

/** Every row per key (for to-many relations), in the order the rows came. */
export function groupByKeys<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const groups = new Map<unknown, R[]>();
  for (const row of rows) {
    const k = normalize(keyOf(row));
    let group = groups.get(k);
    if (!group) groups.set(k, (group = []));
    group.push(row);
  }
  return keys.map((key) => groups.get(normalize(key)) ?? []);
}

// Keys may arrive as strings (GraphQL IDs) while rows carry numbers, and dates
// are objects: compare them by a primitive form.
function normalize(key: unknown): unknown {
  if (key instanceof Date) return key.getTime();
  if (typeof key === 'bigint' || typeof key === 'number') return String(key);
  return key;
}
