// @as-integrations/fastify is patched for speed
// (patches/@as-integrations+fastify+3.1.0.patch, applied by `npm install`):
// it took the query string Apollo reads from a URL it parsed on every
// request, against a base made from the request's protocol and Host header
// (1.7% of a W1 request's CPU, bench/FINDINGS.md). The patch slices it from the
// request target. What Apollo reads from it (URLSearchParams, for GET
// operations) must not change, and a Host header the URL parser refused (or
// none, from an HTTP/1.0 client) must no longer fail the request with a 500.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify from 'fastify';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// The package's own folder (its exports map hides the file the patch changes, and its package.json).
const packageDir = join(dirname(require.resolve('@as-integrations/fastify')), '../..');
const builds = ['esm', 'cjs'].map((kind) => join(packageDir, 'build', kind, 'fastify-request-to-graphql-request.js'));
const { fastifyRequestToGraphQLRequest } = (await import(pathToFileURL(builds[0]!).href)) as {
  fastifyRequestToGraphQLRequest: (request: object) => { search: string };
};

const entries = (search: string) => [...new URLSearchParams(search)];
const searchOf = (url: string) =>
  fastifyRequestToGraphQLRequest({ url, method: 'get', headers: {}, body: undefined }).search;

describe('the query string Apollo reads (patched @as-integrations/fastify)', () => {
  it('is taken without parsing a URL, in both builds', () => {
    for (const file of builds) expect(readFileSync(file, 'utf8'), file).not.toMatch(/new URL\(/);
  });

  it('gives URLSearchParams what the URL parser gave it, for every kind of request target', () => {
    const targets = [
      '/graphql',
      '/graphql?',
      '/graphql?query=%7B%20hello%20%7D',
      '/graphql?query={ hello }&variables={"a":1}',
      '/graphql?query=a+b&operationName=Op&extensions=%7B%7D',
      '/graphql?x=1&x=2&=empty&flag',
      '/graphql?q=%E2%9C%93',
      '/graphql?a=1#fragment?b=2',
      '/graphql#only?fragment',
      '/graphql?a=%zz&b=%',
      '//other.example/graphql?a=1',
      'http://proxy.example/graphql?a=1',
      '/graphql?a=1?b=2',
    ];
    for (const target of targets)
      expect(entries(searchOf(target)), target).toEqual(entries(new URL(target, 'http://localhost/').search));
  });

  describe('through Fastify and Apollo', () => {
    const app = Fastify();
    const apollo = new ApolloServer({
      schema: buildSchema('type Query { echo(text: String): String }'),
      rootValue: { echo: ({ text }: { text: string }) => text },
      // GET needs no CSRF preflight header in this test: it is about the query string.
      csrfPrevention: false,
    } as never);
    let port = 0;

    beforeAll(async () => {
      await apollo.start();
      app.route({ url: '/graphql', method: ['GET', 'POST'], handler: fastifyApolloHandler(apollo) });
      await app.listen({ port: 0, host: '127.0.0.1' });
      port = (app.server.address() as { port: number }).port;
    });
    afterAll(async () => {
      await app.close();
      await apollo.stop();
    });

    /** One GET with `target` sent as written (fetch would normalize it), with `host` as the Host header. */
    function rawGet(target: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
        );
        let raw = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => (raw += chunk));
        socket.on('error', reject);
        socket.on('end', () => {
          const [head, body = ''] = raw.split('\r\n\r\n');
          resolve({ status: Number(head!.split(' ')[1]), body });
        });
      });
    }

    const query = (text: string) => `query=${encodeURIComponent(`{ echo(text: ${JSON.stringify(text)}) }`)}`;

    it('answers a GET operation from its query string, percent-encoded or with "+" for spaces', async () => {
      const encoded = await rawGet(`/graphql?${query('a b&c')}`);
      expect(encoded.status).toBe(200);
      expect(JSON.parse(encoded.body)).toEqual({ data: { echo: 'a b&c' } });
      const plus = await rawGet('/graphql?query=%7B+echo(text:+"x+y")+%7D');
      expect(JSON.parse(plus.body)).toEqual({ data: { echo: 'x y' } });
    });

    it('leaves out what follows a "#", as the URL parser did', async () => {
      const res = await rawGet(`/graphql?${query('kept')}#&query=${encodeURIComponent('{ __typename }')}`);
      expect(JSON.parse(res.body)).toEqual({ data: { echo: 'kept' } });
    });

    it('answers a request without a Host header (HTTP/1.0), where the URL parser threw on the base "http:///"', async () => {
      const res = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write(`GET /graphql?${query('no host')} HTTP/1.0\r\n\r\n`),
        );
        let raw = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => (raw += chunk));
        socket.on('error', reject);
        socket.on('end', () => resolve(raw));
      });
      expect(res.split(' ')[1]).toBe('200');
      expect(JSON.parse(res.split('\r\n\r\n')[1]!)).toEqual({ data: { echo: 'no host' } });
    });

    it('answers whatever the Host header says, where the URL parser threw on a base it could not parse', async () => {
      const res = await rawGet(`/graphql?${query('any host')}`, 'bad host:with spaces');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ data: { echo: 'any host' } });
    });
  });
});
