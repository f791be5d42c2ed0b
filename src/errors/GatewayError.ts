// A GatewayError is a "safe error": its message and extensions may be shown to
// clients. Every other error is masked by formatError.
import { GraphQLError } from 'graphql';
import { ErrorCode } from './codes.ts';

export class GatewayError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'GatewayError';
    this.code = code;
  }
}

export const badUserInput = (message: string, extensions?: Record<string, unknown>) =>
  new GatewayError(ErrorCode.BAD_USER_INPUT, message, extensions);

export const notFound = (message: string, extensions?: Record<string, unknown>) =>
  new GatewayError(ErrorCode.NOT_FOUND, message, extensions);
