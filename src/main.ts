// The composition root: config → logger → schema (bindings checked) → HTTP
// sources (example upstreams started when their variables are unset, outside
// production) → database (migrated, seeded) → HTTP server → listen. SIGTERM/SIGINT drain
// in-flight requests with the listener still open (so /readyz can say 503),
// then exit 0; past the grace period the process exits 1.
import { pino } from 'pino';
import { developmentSecret, developmentSecretPath } from './auth/developmentSecret.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { BindingError } from './bindings/plan.ts';
import { createHttpSources, sourceEnvNames } from './bindings/http/createHttpSources.ts';
import { startExampleUpstreamsIfUnset } from './exampleUpstreams.ts';
import { createSchema, readSchemaFile } from './graphql/createSchema.ts';
import { createServer } from './http/server.ts';
import { resolvers } from './resolvers/index.ts';
import { createDb, sqliteFilePath } from './sources/prisma/client.ts';
import { applyMigrationsInWorker } from './sources/prisma/engine/applyMigrationsInWorker.ts';
import { checkSqliteDurability } from './sources/prisma/sqlitePragmas.ts';
import { loadDataModel } from './sources/prisma/datamodel.ts';
import { seedDemoData } from './sources/prisma/seedDemoData.ts';

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

async function start(config: Config) {
  const logger = pino({ level: config.logLevel, base: { service: 'switchyard' } });
  logger.info({ database: redact(config.databaseUrl), provider: config.provider }, 'starting');
  const unverified = !config.auth.secret && !config.auth.jwksUrl;
  if (unverified && config.env === 'development') {
    config = { ...config, auth: { ...config.auth, secret: developmentSecret() } };
    logger.info(
      `AUTH_JWT_SECRET is unset: verifying tokens with the development secret in ${developmentSecretPath}; sign one with \`npm run token -- --sub 1 --role admin\``,
    );
  }

  // The schema and its sources are checked before the database is touched:
  // a bad binding or a missing upstream variable changes nothing on disk.
  const { schema, plan } = createSchema({
    sdl: readSchemaFile(config.schemaPath),
    datamodel: loadDataModel(),
    resolvers,
  });
  const env = { ...process.env };
  const examples =
    config.env === 'production'
      ? undefined
      : await startExampleUpstreamsIfUnset(sourceEnvNames(plan.sources), env, logger);
  const httpSources = createHttpSources(plan.sources, env);

  if (config.migrateOnStart) {
    // On a thread of its own: the schema engine's memory leaves with it.
    const { applied } = await applyMigrationsInWorker({
      url: config.databaseUrl,
      migrationsDir: `prisma/${config.provider}/migrations`,
    });
    logger.info({ applied }, applied.length ? 'migrations applied' : 'database schema up to date');
  }
  const db = createDb({
    url: config.databaseUrl,
    poolSize: config.databasePoolSize,
    transactionTimeoutMs: config.transaction.timeoutMs,
    transactionMaxWaitMs: config.transaction.maxWaitMs,
    busyTimeoutMs: config.sqliteBusyTimeoutMs,
  });
  // An acknowledged write must survive kill -9: no WAL, no start.
  if (config.provider === 'sqlite')
    logger.info(await checkSqliteDurability(db, sqliteFilePath(config.databaseUrl)), 'sqlite durability checked');
  if (config.seedOnStart && (await seedDemoData(db, config.provider)))
    logger.info('demo data seeded into the empty database');

  if (unverified && config.env !== 'development' && (plan.auth.types.size || plan.auth.fields.size))
    logger.warn(
      'neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is set: every request is anonymous, and fields whose @auth needs a viewer are refused',
    );
  const server = await createServer({ config, db, schema, logger, httpSources, authPlan: plan.auth });
  const address = await server.app.listen({ host: config.host, port: config.port });
  logger.info({ url: `${address}/graphql`, ide: config.ide }, 'Switchyard is serving');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: draining in-flight requests');
    server.beginShutdown();
    setTimeout(() => {
      logger.error('grace period over with requests still running: exiting');
      process.exit(1);
    }, config.shutdownGraceMs).unref();
    // The listener stays open until in-flight requests finish, so probes see
    // /readyz 503 meanwhile; then Fastify closes.
    await server.drained();
    await server.app.close();
    await db.$disconnect();
    for (const source of httpSources.values()) source.close();
    await examples?.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

let config: Config | undefined;
try {
  config = loadConfig();
  await start(config);
} catch (error) {
  // Startup errors (config, bindings, migrations) are for a person to read.
  const message =
    error instanceof BindingError
      ? `${config?.schemaPath}: ${error.message}`
      : error instanceof ConfigError || error instanceof Error
        ? error.message
        : String(error);
  console.error(`Switchyard did not start: ${message}`);
  process.exit(1);
}
