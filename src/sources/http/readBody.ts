// Reads a response body with a byte cap. Reading it whole first would hold
// whatever an upstream sends (a runaway export, a decompression bomb) in
// memory before anyone could look at its size; reading the stream chunk by
// chunk stops at the first chunk past the cap, so memory stays bounded by
// the cap plus one chunk. The cap applies to decoded bytes: decodedBody.ts
// has already undone gzip, deflate or brotli.
import { UpstreamError } from './types.ts';

/**
 * The whole body as bytes, or UPSTREAM_BAD_RESPONSE as soon as it passes
 * `maxBytes` (leaving the loop destroys the stream, so the upstream sees its
 * connection closed). Errors of the stream itself (abort, reset) are passed
 * through for the caller to classify.
 */
export async function readBody(
  body: AsyncIterable<Uint8Array> | null,
  maxBytes: number,
  source: string,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(source, maxBytes);
    chunks.push(chunk);
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
