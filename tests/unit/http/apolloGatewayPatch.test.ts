// Apollo Server's gateway interface, through which src/http/compiledExecutor.ts
// runs compiled queries, is patched (patches/@apollo+server+5.5.1.patch,
// applied by `npm install`): Apollo built the gateway's `response.http` as an
// object literal with a status getter and setter closing over the request.
// V8 kept every such object, and all its closure reaches (the whole request:
// context, loaders, rows, result), alive through young-generation
// collections, so each request was promoted to the old generation and
// collected only by full GCs: W5 ran at half the speed. The last assertion
// fails without the patch.
import { ApolloServer, HeaderMap, type ApolloServerOptionsWithGateway, type BaseContext } from '@apollo/server';
import { buildSchema, printSchema } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = Awaited<ReturnType<Gateway['load']>>['executor'];

const schema = buildSchema('type Query { hello: String }');

// The gateway src/http/compiledExecutor.ts is, with `executor` in place of compiled queries.
function gatewayServer(executor: Executor): ApolloServer {
  let onSchema: Parameters<Gateway['onSchemaLoadOrUpdate']>[0] | undefined;
  return new ApolloServer({
    gateway: {
      onSchemaLoadOrUpdate(callback) {
        onSchema = callback;
        return () => (onSchema = undefined);
      },
      async load() {
        onSchema?.({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
        return { executor };
      },
      async stop() {},
    },
  });
}

const post = (query: string) => ({
  method: 'POST',
  headers: new HeaderMap([['content-type', 'application/json']]),
  search: '',
  body: { query },
});

describe('Apollo gateway request context (patched)', () => {
  let server: ApolloServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('still carries the status and headers a gateway sets into the HTTP response', async () => {
    const seen: object[] = [];
    server = gatewayServer(async (requestContext) => {
      const http = requestContext.response!.http!;
      seen.push(http);
      http.status = 299;
      http.headers.set('x-from-gateway', 'yes');
      return { data: { hello: 'world' } };
    });
    await server.start();
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: post('{ hello }'),
      context: async () => ({}),
    });
    expect(response.status).toBe(299);
    expect(response.headers.get('x-from-gateway')).toBe('yes');
    expect(response.body.kind === 'complete' && JSON.parse(response.body.string)).toEqual({ data: { hello: 'world' } });
    // The accessor is the prototype's, not one made per request.
    expect(Object.getOwnPropertyDescriptor(seen[0]!, 'status')).toBeUndefined();
  });
});
