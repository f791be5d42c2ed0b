// One structured log line per GraphQL operation: its name, duration, error
// count and the number of source calls and SQL statements it made.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../../graphql/context.ts';

export function ApolloServerPluginRequestLog(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      // No listener when info lines are off (LOG_LEVEL=warn): Apollo then
      // calls no hook of this plugin for the request, each a promise.
      if (!contextValue.logger.isLevelEnabled('info')) return;
      const started = performance.now();
      return {
        async willSendResponse({ contextValue, operationName, errors }) {
          contextValue.logger.info(
            {
              operation: operationName ?? null,
              durationMs: Math.round(performance.now() - started),
              errors: errors?.length ?? 0,
              sourceCalls: contextValue.log.calls.length,
              statements: contextValue.log.statements,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
