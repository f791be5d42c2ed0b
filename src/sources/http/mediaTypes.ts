// What each source format asks for and accepts. A JSON source that receives
// an HTML error page from a proxy must fail with a clear message, not with a
// JSON syntax error at position 0.
import type { SourceFormat } from './types.ts';

export const acceptHeaderOf: Record<SourceFormat, string> = {
  json: 'application/json',
  xml: 'application/xml, text/xml',
};

/** The media type of a Content-Type header, lower-cased, without parameters ('' when absent). */
export function mediaTypeOf(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** JSON: `application/json` and any `+json` type; XML: `application/xml`, `text/xml` and any `+xml` type. */
export function acceptsMediaType(format: SourceFormat, mediaType: string): boolean {
  if (format === 'json')
    return mediaType === 'application/json' || /^[a-z0-9.+-]+\/[a-z0-9.+-]+\+json$/.test(mediaType);
  return (
    mediaType === 'application/xml' || mediaType === 'text/xml' || /^[a-z0-9.+-]+\/[a-z0-9.+-]+\+xml$/.test(mediaType)
  );
}
