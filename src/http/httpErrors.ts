// Errors Fastify raises before GraphQL runs (bad JSON, a body over the limit,
// an unsupported content type, an unknown route) answered in the GraphQL error
// shape, with a stable code and the matching HTTP status.
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ErrorCode, httpStatusOf } from '../errors/codes.ts';

function codeFor(error: FastifyError): ErrorCode {
  switch (error.statusCode) {
    case 413:
      return ErrorCode.PAYLOAD_TOO_LARGE;
    case 415:
      return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
    case 404:
      return ErrorCode.NOT_FOUND;
    case 405:
      return ErrorCode.METHOD_NOT_ALLOWED;
    case 429:
      return ErrorCode.RATE_LIMITED;
    default:
      return error.statusCode && error.statusCode < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_SERVER_ERROR;
  }
}

export function registerHttpErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const code = codeFor(error);
    const status = code === ErrorCode.BAD_REQUEST ? (error.statusCode ?? 400) : httpStatusOf[code];
    if (status < 500) return reply.code(status).send({ errors: [{ message: error.message, extensions: { code } }] });
    // The cause (its message, stack, paths) stays in the log, under an id the client can quote.
    const errorId = randomUUID();
    request.log.error({ err: error, errorId }, 'unhandled HTTP error');
    return reply.code(status).send({
      errors: [{ message: `Internal server error (error id ${errorId})`, extensions: { code, errorId } }],
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      errors: [
        {
          message: `No route for ${request.method} ${request.url.split('?')[0]}`,
          extensions: { code: ErrorCode.NOT_FOUND },
        },
      ],
    }),
  );
}
