// An error the Prisma CLI knows how to show: a Prisma error code (P1001, P3006, …)
// and a message. The bridge sends it as JSON-RPC `error.data.{error_code,message}`
// or as a `schema_engine::logger` ERROR line, the shapes the CLI reads.
export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    /** Prisma error code, e.g. `P1003`; undefined for errors without one. */
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Turns whatever the wasm engine or a driver rejected with into an EngineError.
 * `lookup` resolves the wasm engine's `GenericJs` ids (errors thrown by adapters
 * in JS) back to the original error, whose message is the useful one.
 */
export function toEngineError(error: unknown, lookup?: (id: number) => unknown): EngineError {
  if (error instanceof EngineError) return error;
  const e = error as { code?: unknown; message?: unknown; cause?: { kind?: string; id?: number } } | undefined;
  if (e?.cause?.kind === 'GenericJs' && typeof e.cause.id === 'number' && lookup) {
    const original = lookup(e.cause.id);
    if (original) return toEngineError(original);
  }
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const code = typeof e?.code === 'string' && /^P\d{4}$/.test(e.code) ? e.code : undefined;
  return new EngineError(code, message);
}
