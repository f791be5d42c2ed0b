// A string that identifies a filter or ordering, for keying loaders and
// batches. JSON, with BigInt values (BigInt columns) written as `123n`,
// which JSON.stringify would otherwise refuse. The replacer that writes them
// is used only when JSON.stringify throws: with a replacer, every value takes
// its slow path (1% of a W3 request's CPU).
export function signature(value: unknown): string {
  try {
    return JSON.stringify(value ?? null);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value ?? null, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  }
}
