// The node:http plumbing both example upstreams share: request log, URL parsing,
// JSON replies, and a handler that cannot crash the process.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UpstreamOptions, UpstreamServer } from './types.ts';

export type Handler = (request: IncomingMessage, url: URL, response: ServerResponse) => void | Promise<void>;

/** Listens with `handler`; resolves once the port is bound. */
export async function serve(handler: Handler, options: UpstreamOptions = {}): Promise<UpstreamServer> {
  const { port = 0, host = '127.0.0.1' } = options;
  const requests: UpstreamServer['requests'] = [];
  const server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '' });
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://upstream.invalid');
    } catch {
      sendJson(response, 400, { error: 'malformed request URL' });
      return;
    }
    Promise.resolve()
      .then(() => handler(request, url, response))
      .catch(() => {
        if (response.headersSent) response.destroy();
        else sendJson(response, 500, { error: 'internal error' });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    requests,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

/** Answers 405 unless the method only reads. */
export function allowOnlyReads(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  sendJson(response, 405, { error: `method ${request.method} not allowed` }, { allow: 'GET, HEAD' });
  return false;
}
