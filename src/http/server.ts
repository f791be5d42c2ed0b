// The HTTP server: Fastify with Apollo Server at /graphql (POST, and GET for
// queries), health routes, the offline IDE, and one plugin per concern.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { createVerifier } from '../auth/createVerifier.ts';
import { registerAuth } from '../auth/registerAuth.ts';
import { RequestAuth } from '../bindings/auth/RequestAuth.ts';
import type { AuthPlan } from '../bindings/auth/rules.ts';
import type { Config } from '../config.ts';
import { compiledExecutorGateway } from './compiledExecutor.ts';
import { createFormatError } from '../errors/formatError.ts';
import type { GatewayContext, HttpSourceClient } from '../graphql/context.ts';
import { createLoaders } from '../loaders/createLoaders.ts';
import { pingDb, type Db } from '../sources/prisma/client.ts';
import { SourceLog } from '../sources/sourceLog.ts';
import { apolloSecurity } from './apolloSecurity.ts';
import { registerDrain } from './drain.ts';
import { registerHealth } from './health.ts';
import { httpContext } from './httpContext.ts';
import { registerHttpErrors } from './httpErrors.ts';
import { ApolloServerPluginOfflineIde, registerIdeAssets } from './ide.ts';
import { ApolloServerPluginDebugSources, wantsSourceLog } from './plugins/debugSources.ts';
import { ApolloServerPluginRequestLog } from './plugins/logging.ts';
import { ResponseBuffers } from './responseBuffers.ts';
import { registerSecurity } from './security.ts';

export const graphqlPath = '/graphql';

export interface ServerDeps {
  config: Config;
  db: Db;
  schema: GraphQLSchema;
  logger: Logger;
  /** The schema's `@source` clients, by name. */
  httpSources?: ReadonlyMap<string, HttpSourceClient>;
  /** The schema's @auth rules (BindingPlan.auth); none by default. */
  authPlan?: AuthPlan;
}

export interface Server {
  app: FastifyInstance;
  /**
   * Starts draining: /readyz answers 503 and new requests other than the
   * health routes get 503 SERVICE_UNAVAILABLE, while the listener stays open
   * so orchestrators can see it. In-flight requests still finish.
   */
  beginShutdown(): void;
  /** Resolves once no request is in flight (health probes aside). */
  drained(): Promise<void>;
}

export async function createServer({
  config,
  db,
  schema,
  logger,
  httpSources = new Map(),
  authPlan = { types: new Map(), fields: new Map(), columns: new Map() },
}: ServerDeps): Promise<Server> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
  });
  registerHttpErrors(app);
  // Only JSON reaches Apollo: without Fastify's default text/plain parser a
  // text/plain body (a "simple" cross-site request) is a clean 415, not a
  // string that Apollo's CSRF check then has to refuse.
  app.removeContentTypeParser('text/plain');

  // --- security (docs/security.md): bearer tokens (before rate limits, which key on the viewer), headers, CORS,
  // rate limits, batching (Fastify), limits and persisted operations (Apollo)
  registerAuth(app, createVerifier(config.auth), graphqlPath);
  await registerSecurity(app, config, graphqlPath);
  const security = apolloSecurity(config);
  // --- end security

  const drain = registerDrain(app);
  registerHealth(app, { checkDatabase: () => pingDb(db), isShuttingDown: drain.isShuttingDown });
  if (config.ide) await registerIdeAssets(app);

  const bodies = new ResponseBuffers();
  const apollo = new ApolloServer<GatewayContext>({
    gateway: compiledExecutorGateway(schema),
    // The IDE needs introspection for its docs and autocomplete: one setting for both.
    introspection: config.ide,
    includeStacktraceInErrorResponses: false,
    // Apollo's default indents every response (JSON.stringify(value, null, 2)):
    // measured at 15% of server CPU on a 300 KB result, and more bytes to send.
    // A result with lists comes back as a Buffer (responseBuffers.ts). Apollo
    // types the body as a string but only hands it on: @as-integrations/fastify
    // returns it as the reply's payload, which Fastify sends as bytes (and
    // Apollo's batching, which joins the strings, is off: apolloSecurity.ts).
    stringifyResult: (result) => bodies.encode(result) as string,
    // main.ts owns SIGTERM/SIGINT. Apollo's own handlers would race it: they
    // close Fastify, cut connections after a fixed 10 s and re-raise the
    // signal, so the exit code would depend on which handler finished first.
    stopOnTerminationSignals: false,
    formatError: createFormatError(logger, { suggestions: config.suggestions }),
    logger,
    ...security.options,
    plugins: [
      ...security.plugins,
      fastifyApolloDrainPlugin(app),
      // Cache hints are unused; the plugin would wrap every field resolver to collect them.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDebugSources({ enabled: config.debugSources }),
      ApolloServerPluginRequestLog(),
      config.ide ? ApolloServerPluginOfflineIde({ graphqlPath }) : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  const lists = { defaultPageSize: config.defaultPageSize, maxPageSize: config.maxPageSize, provider: config.provider };
  app.route({
    url: graphqlPath,
    method: ['GET', 'POST', 'OPTIONS'],
    onSend: sendAsBuffer(bodies),
    handler: fastifyApolloHandler(apollo, {
      context: async (request, reply) => {
        // Statements are counted (at a cost) only for the requests that will show them.
        const log = new SourceLog({
          countStatements: wantsSourceLog(config.debugSources, request.headers['x-switchyard-debug']),
        });
        return {
          db,
          viewer: request.viewer,
          auth: new RequestAuth(authPlan, request.viewer),
          log,
          loaders: createLoaders(db, log),
          lists,
          http: httpContext(httpSources, request, reply),
          logger: request.log as Logger,
          memo: new Map(),
        };
      },
    }),
  });

  return {
    app,
    beginShutdown: drain.beginShutdown,
    drained: drain.drained,
  };
}

// A result with lists is already a Buffer (from `bodies`, which gets a pooled
// one back once the response is sent). Any other body over 16 KB leaves as
// one Buffer too: JSON.stringify returns it as a rope (a tree of string
// parts), which Fastify's Content-Length (Buffer.byteLength) would flatten
// into a copy on the heap, and Node's http would then prepend the head to, a
// new rope that the socket write flattens once more. Encoded once, the body is
// written beside the head.
const largeBodyChars = 16 * 1024;
function sendAsBuffer(bodies: ResponseBuffers) {
  return (
    _request: unknown,
    reply: { raw: ServerResponse },
    payload: unknown,
    done: (error: null, payload: unknown) => void,
  ): void => {
    if (Buffer.isBuffer(payload)) bodies.releaseAfter(payload, reply.raw);
    else if (typeof payload === 'string' && payload.length > largeBodyChars) payload = Buffer.from(payload);
    done(null, payload);
  };
}
