// Error masking: only safe errors (GatewayError, and the request errors Apollo
// and graphql-js raise for a bad document or bad variables) reach the client as
// they are. Everything else becomes INTERNAL_SERVER_ERROR with an id that is
// also logged, so a user can quote it and an operator can find the cause.
import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode } from './codes.ts';
import { GatewayError, UpstreamFieldError } from './GatewayError.ts';

// Codes Apollo Server assigns to errors in the request itself; their messages
// describe the client's document or variables, never server internals.
const requestErrorCodes = new Set<unknown>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function createFormatError(logger: Logger) {
  return function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const original = unwrapResolverError(error);
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    if (original instanceof UpstreamFieldError && original.upstreamStatus !== undefined) {
      return { ...formatted, extensions: { ...extensions, http: { status: original.upstreamStatus } } };
    }
    if (original instanceof GatewayError) {
      return { ...formatted, extensions };
    }
    const fromRequest = original === error && requestErrorCodes.has(extensions.code);
    if (fromRequest) {
      // Apollo refuses a GET mutation with 405 but code BAD_REQUEST; the code
      // should say what the status says.
      const status = (error as GraphQLError).extensions?.http as { status?: number } | undefined;
      if (status?.status === 405)
        return { ...formatted, extensions: { ...extensions, code: ErrorCode.METHOD_NOT_ALLOWED } };
      return { ...formatted, extensions };
    }

    const errorId = randomUUID();
    logger.error({ err: original, errorId, path: formatted.path }, 'masked error');
    return {
      message: `Internal server error (error id ${errorId})`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId },
    };
  };
}
