// The HTTP exchange under sendRequest.ts: Node's own http/https client with
// one keep-alive agent per protocol, shared by every source of the process.
//
// Not the global fetch, nor the undici package: both parse responses with
// llhttp compiled to WebAssembly, and V8 keeps the memory of compiling it.
// On W8 at 50 connections the gateway's peak RSS was 171 MiB with this
// client, 187 with undici's `request` and 191 with fetch; undici served
// about 1.13 times the requests (bench/FINDINGS.md, "Upstream calls without
// fetch"). The memory limit decided. Node's client follows no redirects, as
// a binding's calls must not (a redirect elsewhere would take the source's
// API keys along).
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

export interface Exchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** Resolves with the response once its headers arrived; its body is a Node Readable, read or resumed by the caller. */
export function exchange({ method, url, headers, body, signal }: Exchange): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const agent = agents[url.protocol as keyof typeof agents];
    const request = client.request(url, { method, headers, signal, agent }, resolve);
    request.on('error', reject);
    request.end(body);
  });
}
