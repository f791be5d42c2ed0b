// The example exchange-rate feed: the European Central Bank's daily reference
// rates (`eurofxref-daily.xml`), served from a fixture with the caching headers
// a real feed has, so conditional requests (ETag → 304) can be exercised.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { allowOnlyReads, sendJson, serve } from './serve.ts';
import type { UpstreamOptions, UpstreamServer } from './types.ts';

export const FX_FIXTURE = new URL('./fixtures/eurofxref-daily.xml', import.meta.url);

export async function startFxServer(options: UpstreamOptions = {}): Promise<UpstreamServer> {
  const body = await readFile(FX_FIXTURE);
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  const headers = { etag, 'cache-control': 'public, max-age=300' };
  return serve((request, url, response) => {
    if (url.pathname !== '/eurofxref-daily.xml') {
      sendJson(response, 404, { error: 'not found' });
      return;
    }
    if (!allowOnlyReads(request, response)) return;
    if (matchesEtag(request.headers['if-none-match'], etag)) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    response.writeHead(200, { ...headers, 'content-type': 'text/xml', 'content-length': String(body.length) });
    response.end(body);
  }, options);
}

// If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`.
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
