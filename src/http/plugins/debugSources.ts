// Adds `extensions.sources` (the request's source log) to responses when the
// gateway runs with SWITCHYARD_DEBUG=1 and the request carries
// `x-switchyard-debug: 1`. Off by default: the log reveals the data layout.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../../graphql/context.ts';

/** Whether a request gets the source log: the server allows it and the request asks. */
export function wantsSourceLog(enabled: boolean, header: string | string[] | null | undefined): boolean {
  return enabled && header === '1';
}

export function ApolloServerPluginDebugSources(options: { enabled: boolean }): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      if (!wantsSourceLog(options.enabled, request.http?.headers.get('x-switchyard-debug'))) return;
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = {
            ...result.extensions,
            sources: contextValue.log.calls,
            statements: contextValue.log.statements,
          };
        },
      };
    },
  };
}
