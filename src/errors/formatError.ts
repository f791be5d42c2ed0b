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

// graphql-js ends a message with one suggestion sentence: ` Did you mean "title"?`,
// ` Did you mean the enum value "PLACED"?`, ` Did you mean "a", "b", or "c"?`.
const suggestion = / ?Did you mean .+\?$/s;
const tokenLimit = /^Syntax Error: Document contains more (?:that|than) \d+ tokens\. Parsing aborted\.$/;

export interface FormatErrorOptions {
  /** Keep graphql-js's "Did you mean …" hints; off in production, as they reveal the schema. */
  suggestions?: boolean;
}

export function createFormatError(logger: Logger, options: FormatErrorOptions = {}) {
  const { suggestions = true } = options;
  return function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    if (!suggestions && suggestion.test(formatted.message))
      formatted = { ...formatted, message: formatted.message.replace(suggestion, '') };
    const original = unwrapResolverError(error);
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    // Apollo wraps every validation error as GRAPHQL_VALIDATION_FAILED; the
    // operation limits (src/http/operationLimits.ts) report a code of their own.
    const cause = (original as GraphQLError | undefined)?.originalError;
    if (extensions.code === ErrorCode.GRAPHQL_VALIDATION_FAILED && cause instanceof GatewayError) {
      return { ...formatted, extensions: { ...extensions, ...cause.extensions, code: cause.code } };
    }
    // graphql-js's parser stops at MAX_TOKENS with a syntax error.
    if (extensions.code === ErrorCode.GRAPHQL_PARSE_FAILED && tokenLimit.test(formatted.message)) {
      return { ...formatted, extensions: { ...extensions, code: ErrorCode.TOKEN_LIMIT_EXCEEDED } };
    }
    if (original instanceof UpstreamFieldError && original.upstreamStatus !== undefined) {
      return { ...formatted, extensions: { ...extensions, http: { status: original.upstreamStatus } } };
    }
    if (original instanceof GatewayError) {
      return { ...formatted, extensions };
    }
    const status = (error as GraphQLError).extensions?.http as { status?: number } | undefined;
    const fromRequest = original === error && requestErrorCodes.has(extensions.code);
    if (fromRequest) {
      // Apollo refuses a GET mutation with 405 but code BAD_REQUEST; the code
      // should say what the status says.
      if (status?.status === 405)
        return { ...formatted, extensions: { ...extensions, code: ErrorCode.METHOD_NOT_ALLOWED } };
      return { ...formatted, extensions };
    }
    // Apollo's refusals of a malformed request that carry a 4xx status but no
    // code ("provided sha does not match query", an unknown APQ version).
    const outsideResolvers = original === error && !formatted.path;
    if (
      outsideResolvers &&
      extensions.code === ErrorCode.INTERNAL_SERVER_ERROR &&
      status?.status &&
      status.status < 500
    )
      return { ...formatted, extensions: { ...extensions, code: ErrorCode.BAD_REQUEST } };

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
