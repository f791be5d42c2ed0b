// Graceful shutdown at the HTTP edge. Once draining starts the listener stays
// open (so orchestrators can see /readyz answer 503), new requests other than
// the health routes get 503 SERVICE_UNAVAILABLE, and in-flight requests are
// counted until their response is finished or the client goes away.
import type { FastifyInstance } from 'fastify';
import { ErrorCode, httpStatusOf } from '../errors/codes.ts';

const healthRoutes = new Set(['/healthz', '/readyz']);

export interface Drain {
  beginShutdown(): void;
  isShuttingDown(): boolean;
  /** Resolves once no request is in flight (health probes aside). */
  drained(): Promise<void>;
}

export function registerDrain(app: FastifyInstance): Drain {
  let shuttingDown = false;
  let inFlight = 0;
  const waiters: (() => void)[] = [];

  // Callback style: an async hook would cost every request a promise and a microtask turn.
  app.addHook('onRequest', (request, reply, done) => {
    if (healthRoutes.has(request.url.split('?')[0]!)) return done();
    if (shuttingDown) {
      // Answered here: the hook chain stops without done().
      void reply
        .code(httpStatusOf.SERVICE_UNAVAILABLE)
        .header('connection', 'close')
        .send({
          errors: [{ message: 'The server is shutting down', extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } }],
        });
      return;
    }
    inFlight++;
    reply.raw.once('close', () => {
      if (--inFlight === 0) waiters.splice(0).forEach((resolve) => resolve());
    });
    done();
  });

  return {
    beginShutdown: () => {
      shuttingDown = true;
    },
    isShuttingDown: () => shuttingDown,
    drained: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
