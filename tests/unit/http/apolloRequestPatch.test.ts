// Apollo Server's request path is patched for speed
// (patches/@apollo+server+5.5.1.patch, applied by `npm install`); none of
// these patches may change what a client sees:
// - the query hash (the document cache's key, and what an automatic
//   persisted query's sha256Hash is checked against) comes from Node's
//   one-shot crypto.hash, not a Hash object made through a require() per
//   request: tests/security/persisted-operations.test.ts checks client-made
//   sha256 hashes against it end to end;
// - the CSRF check skips its MIME parse for application/json, with or without
//   parameters, which is not one of the types a form can send;
// - the Accept header is negotiated for the legacy incremental format only
//   when it names multipart or a wildcard with parameters. graphql 16 has no
//   @defer, so that flag decides nothing here, and the last test is a plain
//   check that the Accept header still picks the response type as before.
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const schema = buildSchema('type Query { hello: String }');
const rootValue = { hello: 'world' };

describe('Apollo request path (patched)', () => {
  const server = new ApolloServer({ schema, rootValue: () => rootValue } as never);
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  async function send({
    headers,
    ...request
  }: Partial<Omit<HTTPGraphQLRequest, 'headers'>> & { headers: [string, string][] }) {
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', search: '', body: {}, ...request, headers: new HeaderMap(headers) },
      context: async () => ({}),
    });
    const body = response.body.kind === 'complete' ? JSON.parse(response.body.string) : undefined;
    return { status: response.status ?? 200, contentType: response.headers.get('content-type'), body };
  }

  const get = (contentType: string | undefined, headers: [string, string][] = []) =>
    send({
      method: 'GET',
      search: `query=${encodeURIComponent('{ hello }')}`,
      headers: contentType === undefined ? headers : [['content-type', contentType], ...headers],
    });

  it('lets a GET through with any spelling of application/json, and refuses the types a form can send', async () => {
    const passing = [
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json ;x=1',
    ];
    const refused = ['text/plain', 'text/plain; application/json', 'multipart/form-data; boundary=x'];

    for (const type of passing) expect((await get(type)).body, type).toEqual({ data: { hello: 'world' } });
    for (const type of [...refused, undefined]) {
      const res = await get(type);
      expect(res.status, type).toBe(400);
      expect(res.body.errors[0].message, type).toMatch(/Cross-Site Request Forgery/);
    }
    // A preflight-forcing header still lets a form's type through.
    const preflighted = await send({
      headers: [
        ['content-type', 'text/plain'],
        ['apollo-require-preflight', '1'],
      ],
      body: { query: '{ hello }' },
    });
    expect(preflighted.body).toEqual({ data: { hello: 'world' } });
  });

  it('answers a single result in the JSON type the Accept header prefers, multipart or not', async () => {
    const post = (accept?: string) =>
      send({
        headers: [['content-type', 'application/json'], ...(accept ? [['accept', accept] as [string, string]] : [])],
        body: { query: '{ hello }' },
      });

    const none = await post();
    const graphqlJson = await post('application/graphql-response+json, application/json;q=0.9');
    const legacyMultipart = await post('multipart/mixed; deferSpec=20220824, application/json');
    const wildcardWithParameters = await post('*/*;deferSpec=20220824');
    const onlyHtml = await post('text/html');

    expect(none.contentType).toBe('application/json; charset=utf-8');
    expect(graphqlJson.contentType).toBe('application/graphql-response+json; charset=utf-8');
    expect(legacyMultipart.contentType).toBe('application/json; charset=utf-8');
    for (const res of [none, graphqlJson, legacyMultipart]) expect(res.body).toEqual({ data: { hello: 'world' } });
    // Apollo matches parameters too: a wildcard with parameters accepts no JSON type.
    expect(wildcardWithParameters.status).toBe(406);
    expect(onlyHtml.status).toBe(406);
  });
});
