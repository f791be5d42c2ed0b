// A real HTTP server on 127.0.0.1 (a free port) standing in for an upstream,
// recording every request it receives so tests can assert the calls a source
// made, not only what it returned. Hostile upstreams (slow, hanging, huge)
// are just handlers; close() destroys their sockets so no test waits on them.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The request body as UTF-8 text ('' until fully received). */
  body: string;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  /** Every request received, in arrival order (recorded before the handler runs). */
  requests: RecordedRequest[];
  /** Stops listening and destroys every open connection, hanging handlers included. */
  close(): Promise<void>;
}

/** May return anything (`res.end()` returns `res`); a returned promise is awaited and its rejection answered 500. */
export type LoopbackHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Starts a server whose handler sees each request after its body was read (see `requests`). */
export async function startLoopbackServer(handler: LoopbackHandler): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' };
    requests.push(recorded);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      recorded.body = Buffer.concat(chunks).toString('utf8');
      // A throwing handler answers 500 (or drops the connection mid-answer): never an unhandled rejection.
      Promise.resolve()
        .then(() => handler(req, res))
        .catch(() => {
          if (!res.headersSent) res.writeHead(500).end();
          else res.destroy();
        });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
