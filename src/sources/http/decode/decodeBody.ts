// Response bodies → values: UTF-8 text, then JSON or XML. Every failure is an
// UPSTREAM_BAD_RESPONSE whose message names the source and is safe for clients.
import type { SourceFormat } from '../types.ts';
import { badResponse } from './badResponse.ts';
import { decodeJson } from './decodeJson.ts';
import { decodeXml } from './decodeXml.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a body: a JSON value for `json`, the root XmlElement for `xml`.
 * `namespaces` is not needed here (names are resolved to URIs while decoding);
 * it is accepted so callers can pass a source's configuration through unchanged.
 */
export function decodeBody(
  format: SourceFormat,
  bytes: Uint8Array,
  source: string,
  _namespaces?: Record<string, string>,
): unknown {
  let text: string;
  try {
    // A leading byte order mark is dropped (ignoreBOM defaults to false).
    text = utf8.decode(bytes);
  } catch (error) {
    throw badResponse(source, 'a body that is not valid UTF-8', error);
  }
  return format === 'xml' ? decodeXml(text, source) : decodeJson(text, source);
}
