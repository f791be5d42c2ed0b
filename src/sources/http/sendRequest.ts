// One attempt at one upstream call: send, check, read, decode, under a
// timeout that covers everything from sending the request to the last byte
// of the body. Retries, the breaker, the concurrency cap, de-duplication and
// caching are HttpSource's; this file knows a single exchange.
//
// The exchange is Node's own HTTP client (exchange.ts), not the global
// fetch. What fetch did for us is done here: gzip, deflate and brotli bodies
// are decoded (decodedBody.ts); redirects were refused then and are not
// followed now.
//
// The timeout is a timer on an AbortController of our own rather than
// `AbortSignal.any([AbortSignal.timeout(ms), signal])`: the timer is cleared
// as soon as the attempt ends (no timer outlives a call) and we know for sure
// whether the timeout or the caller aborted. Aborting the controller aborts
// the socket, during the headers and during the body alike.
import type { IncomingHttpHeaders } from 'node:http';
import { decodeBody } from './decode/decodeBody.ts';
import { decodedBody } from './decodedBody.ts';
import { exchange } from './exchange.ts';
import { acceptHeaderOf, acceptsMediaType, mediaTypeOf } from './mediaTypes.ts';
import { readBody, tooLarge } from './readBody.ts';
import type { HttpSourceConfig } from './types.ts';
import { UpstreamError } from './types.ts';
import { answered, timedOut, unreachable } from './upstreamFailures.ts';

export interface UpstreamRequest {
  method: string;
  url: URL;
  /** The call's path as the binding rendered it, for messages. */
  path: string;
  headers: Record<string, string>;
  /** JSON text, for methods that carry a body. */
  body?: string;
}

/** Response headers by lower-case name, several values joined by ", " (as WHATWG Headers do). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface UpstreamAnswer {
  /** 2xx, or 304 to a conditional request. */
  status: number;
  headers: ResponseHeaders;
  /** The decoded body; null for 204 and 304. */
  value: unknown;
  /** Body bytes read. */
  size: number;
}

type Limits = Pick<HttpSourceConfig, 'name' | 'format' | 'timeoutMs' | 'maxBodyBytes' | 'namespaces'>;

function headersOf(raw: IncomingHttpHeaders): ResponseHeaders {
  return {
    get(name) {
      const value = raw[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * Performs one attempt. Resolves with a 2xx or 304 answer; rejects with an
 * UpstreamError for every failure. When `signal` aborts, the attempt stops
 * and rejects with `signal.reason` (the caller says why).
 */
export async function sendRequest(
  request: UpstreamRequest,
  limits: Limits,
  signal: AbortSignal,
): Promise<UpstreamAnswer> {
  const source = limits.name;
  if (signal.aborted) throw signal.reason;
  const controller = new AbortController();
  let timeout = false;
  const timer = setTimeout(() => {
    timeout = true;
    controller.abort();
  }, limits.timeoutMs);
  const onAbort = () => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let afterHeaders = false;
  try {
    // A binding names one API; a redirect elsewhere would take the source's
    // configured API keys along. Redirects are not followed: a 3xx is
    // answered as a failure.
    const response = await exchange({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
    });
    afterHeaders = true;
    const status = response.statusCode!;
    const headers = headersOf(response.headers);
    if (status === 204 || status === 304) {
      response.resume();
      return { status, headers, value: null, size: 0 };
    }
    if (status < 200 || status > 299) {
      throw answered(source, status, request.method, request.path, headers.get('retry-after'));
    }
    const mediaType = mediaTypeOf(headers.get('content-type'));
    if (!acceptsMediaType(limits.format, mediaType)) {
      const found = mediaType ? `content type ${mediaType}` : 'no content type';
      throw new UpstreamError(
        'UPSTREAM_BAD_RESPONSE',
        source,
        `${source} answered with ${found}; expected ${acceptHeaderOf[limits.format]}`,
      );
    }
    const announced = Number(headers.get('content-length') ?? NaN);
    if (announced > limits.maxBodyBytes) throw tooLarge(source, limits.maxBodyBytes);
    const body = decodedBody(response, headers.get('content-encoding'), source);
    const bytes = await readBody(body, limits.maxBodyBytes, source);
    const value = decodeBody(limits.format, bytes, source, limits.namespaces);
    return { status, headers, value, size: bytes.byteLength };
  } catch (error) {
    // Whatever went wrong, the connection must not stay open reading a body nobody wants.
    controller.abort();
    if (error instanceof UpstreamError) throw error;
    if (timeout) throw timedOut(source, limits.timeoutMs, error);
    if (signal.aborted) throw signal.reason;
    throw unreachable(source, error, afterHeaders);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
