// Driving a real server process over time: waiting for a condition, and a
// request held in flight on purpose (its body sent in two parts).
import { request as httpRequest, type ClientRequest } from 'node:http';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export interface StalledPost {
  /** Sends the rest of the body. */
  finish(): void;
  response: Promise<{ status: number; body: any }>;
  request: ClientRequest;
  /** Resolves when the socket is closed, by either side. */
  closed: Promise<void>;
}

/**
 * A POST whose body arrives in two parts: between them the request is in
 * flight on the server (its onRequest hook ran) while the server is idle.
 */
export function stalledPost(url: string, payload: unknown, headers: Record<string, string> = {}): StalledPost {
  const body = Buffer.from(JSON.stringify(payload));
  const req = httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': body.length, ...headers },
  });
  const closed = new Promise<void>((resolve) => req.on('socket', (socket) => socket.once('close', () => resolve())));
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, 10));
  return { finish: () => req.end(body.subarray(10)), response, request: req, closed };
}
