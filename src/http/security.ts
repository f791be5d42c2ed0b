// HTTP hardening, registered on the root instance before any route
// (docs/security.md): security headers (helmet), CORS from an allow-list,
// per-client rate limits, and JSON batching refused with a code of its own.
// CSRF prevention, GET mutations (405) and content types (415) are handled by
// Apollo and server.ts; operation limits by ./operationLimits.ts.
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { ErrorCode, httpStatusOf } from '../errors/codes.ts';
import { registerSecurityHeaders } from './securityHeaders.ts';

const exemptFromRateLimit = new Set(['/healthz', '/readyz']);

/**
 * Whose budget a request spends: a signed-in viewer's own (verified before
 * this runs, src/auth/registerAuth.ts), wherever they connect from; else the
 * client's IP (behind a proxy, set TRUST_PROXY so that this is the client and
 * not the proxy). A request with a refused token spends its IP's.
 */
export function rateLimitKey(request: FastifyRequest): string {
  return request.viewer ? `viewer:${request.viewer.id}` : `ip:${request.ip}`;
}

// http://localhost:3000, http://127.0.0.1:5173, http://[::1]:8080: a front end on the developer's machine.
const loopbackOrigin = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Whether a browser on `origin` may call the API cross-origin. Same-origin requests need no CORS. */
export function corsAllows(settings: Config['cors'], origin: string): boolean {
  return (
    settings.origins.includes('*') ||
    settings.origins.includes(origin) ||
    (settings.loopback && loopbackOrigin.test(origin))
  );
}

export async function registerSecurity(app: FastifyInstance, config: Config, graphqlPath: string): Promise<void> {
  registerSecurityHeaders(app, {
    // The only HTML is the IDE, whose CSP ide.ts sets; JSON needs none.
    contentSecurityPolicy: false,
    // HSTS only means something over HTTPS, which production terminates in front of us.
    strictTransportSecurity: config.env === 'production',
    referrerPolicy: { policy: 'no-referrer' },
  });

  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && corsAllows(config.cors, origin)),
    methods: ['GET', 'POST'],
    maxAge: 600,
    // A bare OPTIONS from an allowed origin gets 204, not a text/plain 400.
    strictPreflight: false,
  });

  if (config.rateLimit.max > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowMs,
      keyGenerator: rateLimitKey,
      allowList: (request) => exemptFromRateLimit.has(request.url.split('?')[0]!),
      // Thrown to httpErrors.ts, which answers in the GraphQL error shape; Retry-After is already set.
      errorResponseBuilder: (_request, context) =>
        Object.assign(new Error(`Too many requests: at most ${context.max} per ${context.after}; retry later`), {
          statusCode: httpStatusOf.RATE_LIMITED,
        }),
    });
  }

  // Apollo would say BAD_REQUEST "Operation batching disabled."; a code of its own is clearer.
  // Callback style: an async hook would cost every request a promise and a microtask turn.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.routeOptions.url !== graphqlPath || !Array.isArray(request.body)) return done();
    // Answered here: the hook chain stops without done().
    void reply.code(httpStatusOf.BATCHING_NOT_SUPPORTED).send({
      errors: [
        {
          message: 'Batched requests (a JSON array of operations) are not supported: send one operation per request',
          extensions: { code: ErrorCode.BATCHING_NOT_SUPPORTED },
        },
      ],
    });
  });
}
