// A GatewayError is a "safe error": its message and extensions may be shown to
// clients. Every other error is masked by formatError.
import { GraphQLError, type ASTNode } from 'graphql';
import { ErrorCode } from './codes.ts';

export class GatewayError extends GraphQLError {
  readonly code: ErrorCode;

  /** `nodes` locate an error found in the document before execution (it has no path then). */
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}, nodes?: readonly ASTNode[]) {
    super(message, { extensions: { ...extensions, code }, nodes });
    this.name = 'GatewayError';
    this.code = code;
  }
}

export const badUserInput = (message: string, extensions?: Record<string, unknown>) =>
  new GatewayError(ErrorCode.BAD_USER_INPUT, message, extensions);

export const notFound = (message: string, extensions?: Record<string, unknown>) =>
  new GatewayError(ErrorCode.NOT_FOUND, message, extensions);

/**
 * A failed HTTP source call, as a field error. The upstream's status goes to
 * `extensions.http.status` in formatError: Apollo Server takes an `http`
 * extension on a thrown error as the status of the whole response, which
 * would turn a partial result into an error response.
 */
export class UpstreamFieldError extends GatewayError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly sourceName: string,
    readonly upstreamStatus?: number,
  ) {
    super(code, message, { source: sourceName });
  }
}
