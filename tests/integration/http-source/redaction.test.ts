import { afterEach, describe, expect, it } from 'vitest';
import { HttpSource } from '../../../src/sources/http/HttpSource.ts';
import { redactUrl } from '../../../src/sources/http/redactUrl.ts';
import { type LoopbackServer, startLoopbackServer } from '../../helpers/loopbackServer.ts';
import { sendJson, sourceConfig } from './fixtures.ts';

let server: LoopbackServer;
let source: HttpSource;
afterEach(async () => {
  source?.close();
  await server?.close();
});

describe('URL redaction', () => {
  it('reports the called URL with credentials replaced, while the upstream receives them', async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, {}));
    const base = server.url.replace('http://', 'http://bob:s3cret@');
    source = new HttpSource(sourceConfig(`${base}/api/`));
    const result = await source.call({ method: 'GET', path: '/stock?isbn=1,2&api_key=abc&Token=t&page=2' });
    expect(result.url).toBe(
      `${server.url.replace('http://', 'http://***@')}/api/stock?isbn=1,2&api_key=***&Token=***&page=2`,
    );
    expect(server.requests[0]).toMatchObject({
      url: '/api/stock?isbn=1,2&api_key=abc&Token=t&page=2',
      headers: { authorization: `Basic ${Buffer.from('bob:s3cret').toString('base64')}` },
    });
  });

  it('redacts every credential-like parameter name and leaves the rest byte for byte', () => {
    expect(
      redactUrl(
        'https://h/x?q=a%20b&secret=1&password=2&passwd=3&signature=4&sig=5&auth_code=6&credential=7&X-Amz-Credential=8&k=9',
      ),
    ).toBe(
      'https://h/x?q=a%20b&secret=***&password=***&passwd=***&signature=***&sig=***&auth_code=***&credential=***&X-Amz-Credential=***&k=9',
    );
    expect(redactUrl('https://u:p@h/x?api%5Fkey=1&flag#frag')).toBe('https://***@h/x?api%5Fkey=***&flag');
    expect(redactUrl('https://h/x?%E0%A4%A=1')).toBe('https://h/x?%E0%A4%A=1');
    expect(redactUrl('not a url')).toBe('***');
  });
});
