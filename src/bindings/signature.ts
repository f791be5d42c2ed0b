// A string that identifies a filter or ordering, for keying loaders and
// batches. JSON, with BigInt values (BigInt columns) written as `123n`,
// which JSON.stringify would otherwise refuse.
export function signature(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
