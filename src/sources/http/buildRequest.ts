// What goes on the wire for a call, and the key that says two calls are the
// same. Built once per call, before any cache, de-duplication or attempt, so
// that a request that cannot be sent fails at once with a clear message
// instead of as a (retried) network error from fetch.
import { acceptEncoding } from './decodedBody.ts';
import { joinUrl } from './joinUrl.ts';
import { acceptHeaderOf } from './mediaTypes.ts';
import type { UpstreamRequest } from './sendRequest.ts';
import type { HttpCall, HttpSourceConfig } from './types.ts';
import { UpstreamError } from './types.ts';

/**
 * URL (base + path), headers (configured, then forwarded, then `accept` and
 * `content-type`), and the JSON body for methods that carry one.
 * User info in the base URL becomes Basic authorization: fetch refuses URLs
 * with credentials.
 */
export function buildRequest(config: HttpSourceConfig, call: HttpCall): UpstreamRequest {
  const { name } = config;
  const fail = (message: string, cause: unknown) =>
    new UpstreamError('UPSTREAM_FAILED', name, `${name}: ${message}`, undefined, { cause });
  let url: URL;
  try {
    url = joinUrl(config.baseUrl, call.path);
  } catch (error) {
    throw fail("the call's path does not make a valid URL", error);
  }
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(config.headers)) headers[header.toLowerCase()] = value;
  for (const [header, value] of Object.entries(call.headers ?? {})) headers[header.toLowerCase()] = value;
  if (url.username || url.password) {
    headers.authorization ??= basicAuthorization(url);
    url.username = '';
    url.password = '';
  }
  headers.accept = acceptHeaderOf[config.format];
  // What decodedBody.ts can undo; a source may still ask for less ("identity").
  headers['accept-encoding'] ??= acceptEncoding;
  try {
    new Headers(headers);
  } catch (error) {
    throw fail('a request header is not valid', error);
  }
  let body: string | undefined;
  if (call.body !== undefined && call.method !== 'GET') {
    try {
      body = JSON.stringify(call.body);
    } catch (error) {
      throw fail('the request body is not JSON', error);
    }
    headers['content-type'] = 'application/json';
  }
  return { method: call.method, url, path: call.path, headers, body };
}

/**
 * Identical calls have identical keys: method, full URL, body and the
 * forwarded client headers (credentials). The configured headers are the
 * same for every call of a source and are left out.
 */
export function requestKey(request: UpstreamRequest, forwarded: Record<string, string> = {}): string {
  const headers = Object.entries(forwarded)
    .map(([header, value]) => [header.toLowerCase(), value])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  return JSON.stringify([request.method, request.url.href, headers, request.body ?? null]);
}

// `https://user:pass@host` as an Authorization header value.
function basicAuthorization(url: URL): string {
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  return `Basic ${Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64')}`;
}
