// Health routes for orchestrators: /healthz says the process is alive,
// /readyz that it should get traffic (schema loaded, database answering, not
// shutting down). Neither touches GraphQL.
import type { FastifyInstance } from 'fastify';

export interface Readiness {
  /** Resolves when the database answers; rejects otherwise. */
  checkDatabase(): Promise<void>;
  /** True once SIGTERM arrived: stop routing new traffic here. */
  isShuttingDown(): boolean;
}

const databaseCheckTimeoutMs = 2000;

export function registerHealth(app: FastifyInstance, readiness: Readiness): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (readiness.isShuttingDown()) return reply.code(503).send({ status: 'shutting down' });
    try {
      await Promise.race([
        readiness.checkDatabase(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), databaseCheckTimeoutMs).unref()),
      ]);
      return { status: 'ready', schema: 'loaded', database: 'ok' };
    } catch (error) {
      reply.log.warn({ err: error }, 'readiness: database check failed');
      return reply.code(503).send({ status: 'not ready', database: 'unreachable' });
    }
  });
}
