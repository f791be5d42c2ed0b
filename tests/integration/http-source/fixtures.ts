// Shared set-up for the HTTP source tests: a source configuration with small,
// test-friendly limits, and a one-line way for a loopback handler to answer.
import type { ServerResponse } from 'node:http';
import type { HttpSourceConfig } from '../../../src/sources/http/types.ts';
import { UpstreamError } from '../../../src/sources/http/types.ts';

export function sourceConfig(baseUrl: string, overrides: Partial<HttpSourceConfig> = {}): HttpSourceConfig {
  return {
    name: 'inventory',
    baseUrl,
    format: 'json',
    timeoutMs: 2000,
    headers: {},
    forwardHeaders: ['authorization'],
    maxConcurrency: 8,
    maxBodyBytes: 1_000_000,
    retries: 2,
    retryBaseMs: 10,
    maxRetryDelayMs: 2000,
    // Lenient unless a test is about the breaker.
    breaker: { failureRatio: 0.5, windowMs: 10_000, minimumCalls: 1000, resetMs: 1000 },
    ...overrides,
  };
}

/** Answers with a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The UpstreamError a promise rejected with, as a plain object to compare literally. */
export async function failureOf(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    return {
      code: error.code,
      message: error.message,
      ...(error.status === undefined ? {} : { status: error.status }),
    };
  }
  throw new Error('expected the call to fail');
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when the response's connection has closed (the client hung up). */
export function closed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) =>
    res.destroyed || res.socket?.destroyed ? resolve() : res.on('close', () => resolve()),
  );
}
