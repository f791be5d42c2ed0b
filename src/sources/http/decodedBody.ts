// Undoes the Content-Encoding of an upstream's body, as fetch did on its own:
// gzip, deflate and brotli, also stacked ("gzip, br" is br applied last, so
// undone first). The decoders stream, so readBody.ts caps the decoded bytes
// chunk by chunk and a decompression bomb stops at the cap.
//
// node:zlib rather than undici's decompress interceptor, which Node reports
// as experimental with a warning on every process start (undici 7.30).
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { UpstreamError } from './types.ts';

// A Map, not an object literal: an upstream's header must not reach "constructor" or "__proto__".
const decoders = new Map<string, () => Transform>([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
]);

/** What requests announce they can read, in the order they prefer it. */
export const acceptEncoding = 'gzip, deflate, br';

/**
 * `body` decoded per `contentEncoding` (a response's Content-Encoding header);
 * UPSTREAM_BAD_RESPONSE for an encoding there is no decoder for, and, while
 * the result is read, for a body that is not valid in its encoding. Errors
 * of `body` itself (a reset connection) pass through as they are.
 */
export function decodedBody(body: Readable, contentEncoding: string | null, source: string): AsyncIterable<Uint8Array> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding && coding !== 'identity');
  if (!codings.length) return body;
  const unknown = codings.find((coding) => !decoders.has(coding));
  if (unknown !== undefined)
    throw new UpstreamError(
      'UPSTREAM_BAD_RESPONSE',
      source,
      `${source} sent its body in content encoding ${unknown}, which Switchyard cannot decode`,
    );
  const stages = codings.reverse().map((coding) => decoders.get(coding)!());
  let bodyError: unknown;
  body.once('error', (error) => (bodyError = error));
  // Errors reach the last stage, where the loop below sees them; the
  // callback only keeps pipeline from reporting them a second time.
  const decoded = pipeline([body, ...stages], () => undefined) as unknown as Readable;
  return (async function* () {
    try {
      yield* decoded;
    } catch (error) {
      // The connection failed (or was aborted): the caller classifies that.
      if (bodyError !== undefined) throw error;
      throw new UpstreamError(
        'UPSTREAM_BAD_RESPONSE',
        source,
        `${source} sent a body that is not valid ${codings.join(' then ')}`,
        undefined,
        { cause: error },
      );
    }
  })();
}
