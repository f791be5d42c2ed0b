// One structured log line per GraphQL operation: its name, duration, error
// count and the number of source calls and SQL statements it made.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../../graphql/context.ts';

export function ApolloServerPluginRequestLog(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
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
