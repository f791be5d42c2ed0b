// Reads a response body with a byte cap. `response.arrayBuffer()` would hold
// whatever an upstream sends (a runaway export, a decompression bomb) in
// memory before anyone could look at its size; reading the stream chunk by
// chunk stops at the first chunk past the cap, so memory stays bounded by
// the cap plus one chunk. The cap applies to decoded bytes: fetch has
// already undone gzip or brotli.
import { UpstreamError } from './types.ts';

/**
 * The whole body as bytes, or UPSTREAM_BAD_RESPONSE as soon as it passes
 * `maxBytes` (the stream is cancelled, so the upstream sees its connection
 * closed). Errors of the stream itself (abort, reset) are passed through for
 * the caller to classify.
 */
export async function readBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  source: string,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: cancelling must not wait on an upstream that stalls.
      reader.cancel().catch(() => undefined);
      throw tooLarge(source, maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The error for a body over the cap, whether announced by Content-Length or found while reading. */
export function tooLarge(source: string, maxBytes: number): UpstreamError {
  return new UpstreamError('UPSTREAM_BAD_RESPONSE', source, `${source} sent a body that exceeds ${maxBytes} bytes`);
}
