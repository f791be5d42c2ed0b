import { UpstreamError } from '../types.ts';

/** The one error every decoding failure becomes: the message is for clients, the cause for logs. */
export function badResponse(source: string, message: string, cause?: unknown): UpstreamError {
  return new UpstreamError('UPSTREAM_BAD_RESPONSE', source, `${source} sent ${message}`, undefined, { cause });
}
