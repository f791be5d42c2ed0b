// Authentication at the HTTP edge: the bearer token of a GraphQL request is
// verified once, before rate limiting (so a signed-in viewer spends their own
// budget) and before the body is read. A request with a token that fails
// verification is answered 401 UNAUTHENTICATED, with RFC 6750's
// WWW-Authenticate header, and never reaches GraphQL; one without a token is
// anonymous, and @auth decides what it may see.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode, httpStatusOf } from '../errors/codes.ts';
import { TokenError, type VerifyToken } from './createVerifier.ts';
import type { Viewer } from './viewer.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified viewer; null when the request carries no token. */
    viewer: Viewer | null;
    /** Why the request's token was refused, answered in preHandler. */
    tokenError: TokenError | null;
  }
}

const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

async function authenticate(request: FastifyRequest, verify: VerifyToken | undefined): Promise<void> {
  const header = request.headers.authorization;
  if (header === undefined) return;
  const token = bearer.exec(header)?.[1];
  if (!token) {
    request.tokenError = new TokenError('The Authorization header must be "Bearer <token>"');
    return;
  }
  if (!verify) {
    request.tokenError = new TokenError('This server accepts no tokens: authentication is not configured');
    return;
  }
  try {
    request.viewer = await verify(token);
  } catch (error) {
    request.tokenError = error instanceof TokenError ? error : new TokenError('The token could not be verified');
    if (request.tokenError.unavailable)
      request.log.warn({ err: error }, 'token not verified: signing keys unavailable');
  }
}

export function registerAuth(app: FastifyInstance, verify: VerifyToken | undefined, graphqlPath: string): void {
  app.decorateRequest('viewer', null);
  app.decorateRequest('tokenError', null);
  const isGraphql = (request: FastifyRequest) =>
    request.routeOptions.url === graphqlPath && request.method !== 'OPTIONS';

  // Callback-style hooks: an async hook costs every request a promise and a
  // microtask turn, and most requests carry no token at all. (Measured with
  // drain.ts's and security.ts's hooks: 0.317 → 0.307 ms of CPU per one-row
  // query, within the machine's noise; kept because it costs nothing.)
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers.authorization === undefined || !isGraphql(request)) return done();
    authenticate(request, verify).then(() => done(), done);
  });

  app.addHook('preHandler', (request, reply, done) => {
    const error = request.tokenError;
    if (!error) return done();
    const status = error.unavailable ? httpStatusOf.SERVICE_UNAVAILABLE : httpStatusOf.UNAUTHENTICATED;
    const code = error.unavailable ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.UNAUTHENTICATED;
    if (!error.unavailable)
      reply.header(
        'www-authenticate',
        `Bearer error="invalid_token", error_description="${error.message.replace(/"/g, "'")}"`,
      );
    // Answered here: the hook chain stops without done().
    void reply.code(status).send({ errors: [{ message: error.message, extensions: { code } }] });
  });
}
