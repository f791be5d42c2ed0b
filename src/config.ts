// Configuration: every environment variable is parsed once, here, and fails
// fast with a message naming the variable. `.env.example` documents each one.
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('localhost'),
  PORT: int(0, 65535).default(4000),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgresql:// (Postgres)')
    .default('file:./data/switchyard.db'),
  DATABASE_POOL_SIZE: int(1, 1000).default(10),
  SCHEMA_PATH: z.string().min(1).default('schema.graphql'),
  MIGRATE_ON_START: bool.default(true),
  SEED_ON_START: bool.default(true),
  DEFAULT_PAGE_SIZE: int(1, 10_000).default(20),
  MAX_PAGE_SIZE: int(1, 10_000).default(100),
  IDE: bool.optional(),
  SWITCHYARD_DEBUG: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  databaseUrl: string;
  provider: 'sqlite' | 'postgres';
  databasePoolSize: number;
  schemaPath: string;
  migrateOnStart: boolean;
  seedOnStart: boolean;
  defaultPageSize: number;
  maxPageSize: number;
  /** The IDE and introspection go together: an IDE without introspection has no docs. */
  ide: boolean;
  debugSources: boolean;
  logLevel: string;
  shutdownGraceMs: number;
  bodyLimitBytes: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws ConfigError listing every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset", as in most .env files.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  if (e.DEFAULT_PAGE_SIZE > e.MAX_PAGE_SIZE) {
    throw new ConfigError(
      `Invalid configuration: DEFAULT_PAGE_SIZE (${e.DEFAULT_PAGE_SIZE}) exceeds MAX_PAGE_SIZE (${e.MAX_PAGE_SIZE})`,
    );
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    provider: e.DATABASE_URL.startsWith('file:') ? 'sqlite' : 'postgres',
    databasePoolSize: e.DATABASE_POOL_SIZE,
    schemaPath: e.SCHEMA_PATH,
    migrateOnStart: e.MIGRATE_ON_START,
    seedOnStart: e.SEED_ON_START,
    defaultPageSize: e.DEFAULT_PAGE_SIZE,
    maxPageSize: e.MAX_PAGE_SIZE,
    ide: e.IDE ?? e.NODE_ENV !== 'production',
    debugSources: e.SWITCHYARD_DEBUG,
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
  };
}
