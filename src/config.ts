// Configuration: every environment variable is parsed once, here, and fails
// fast with a message naming the variable. `.env.example` documents each one.
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

// A comma-separated list: "a, b" → ['a', 'b'].
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('localhost'),
  PORT: int(0, 65535).default(4000),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgresql:// (Postgres)')
    .default('file:./data/switchyard.db'),
  DATABASE_POOL_SIZE: int(1, 1000).default(10),
  TRANSACTION_TIMEOUT_MS: int(100, 600_000).default(5000),
  TRANSACTION_MAX_WAIT_MS: int(10, 600_000).default(2000),
  SQLITE_BUSY_TIMEOUT_MS: int(1, 600_000).default(5000),
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
  // Operation limits (docs/security.md); 0 turns one off.
  MAX_DEPTH: int(0, 1000).default(12),
  MAX_ALIASES: int(0, 100_000).default(30),
  MAX_DIRECTIVES: int(0, 100_000).default(50),
  MAX_TOKENS: int(0, 10_000_000).default(2000),
  MAX_COST: int(0, 1_000_000_000).default(10_000),
  SUGGESTIONS: bool.optional(),
  APQ_CACHE_BYTES: int(0, 1024 * 1024 * 1024).default(8 * 1024 * 1024),
  TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  RATE_LIMIT_MAX: int(0, 10_000_000).optional(),
  RATE_LIMIT_WINDOW_MS: int(1000, 86_400_000).default(60_000),
  CORS_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.union([
          z.literal('*'),
          z.string().regex(/^https?:\/\/[^/\s]+$/, 'must list origins such as https://app.example.com (no path), or *'),
        ]),
      ),
    )
    .optional(),
  // Authentication (docs/security.md#authentication): one of a secret or a JWKS URL.
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (256 bits) for HS256').optional(),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  // An empty list (" , ") would refuse every token; it is refused here instead.
  AUTH_AUDIENCE: list.pipe(z.array(z.string()).min(1, 'must name at least one audience')).optional(),
  AUTH_ALGORITHMS: list
    .pipe(
      z
        .array(z.enum(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA']))
        .min(1, 'must name at least one algorithm'),
    )
    .optional(),
  AUTH_ROLES_CLAIM: z.string().min(1).default('roles'),
  AUTH_CLOCK_TOLERANCE_S: int(0, 3600).default(5),
  AUTH_JWKS_CACHE_MS: int(1000, 7 * 86_400_000).default(600_000),
  AUTH_JWKS_COOLDOWN_MS: int(0, 86_400_000).default(30_000),
  AUTH_JWKS_TIMEOUT_MS: int(100, 60_000).default(5000),
  TRUST_PROXY: z
    .string()
    .transform((v): Config['trustProxy'] => {
      if (['true', 'yes', 'on'].includes(v)) return true;
      if (['false', 'no', 'off', '0'].includes(v)) return false;
      // n: trust the n proxies nearest to us (what Fastify does with a number, which its types omit).
      if (/^\d+$/.test(v)) return (_address: string, hop: number) => hop < Number(v);
      return v.split(',').map((a) => a.trim());
    })
    .optional(),
});

/** How bearer tokens are verified (src/auth/). Neither secret nor jwksUrl: every request is anonymous. */
export interface AuthConfig {
  /** HS256 (or HS384/HS512) shared secret. */
  secret?: string;
  /** An identity provider's JSON Web Key Set, for RS256/ES256 tokens. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string[];
  algorithms: string[];
  /** The claim holding the viewer's roles. */
  rolesClaim: string;
  clockToleranceS: number;
  jwksCacheMs: number;
  jwksCooldownMs: number;
  jwksTimeoutMs: number;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  databaseUrl: string;
  provider: 'sqlite' | 'postgres';
  databasePoolSize: number;
  /** Interactive transactions: rolled back after timeoutMs; refused if not started within maxWaitMs. */
  transaction: { timeoutMs: number; maxWaitMs: number };
  /** SQLite: how long a writer waits for another process's lock before SQLITE_BUSY. */
  sqliteBusyTimeoutMs: number;
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
  /** Per-operation limits, checked before anything runs; 0 = off. */
  limits: { depth: number; aliases: number; directives: number; tokens: number; cost: number };
  /** "Did you mean …" suggestions in error messages (they reveal the schema). */
  suggestions: boolean;
  /** Bounded cache of automatic persisted queries; 0 turns APQ off. */
  apqCacheBytes: number;
  /** A manifest of the only operations allowed to run (`{ "<sha256>": "<document>" }`). */
  trustedDocumentsPath?: string;
  /** Requests per window per client; 0 = off. */
  rateLimit: { max: number; windowMs: number };
  /** Origins allowed cross-origin (`*` = any); `loopback` also allows http://localhost:<port> and friends. */
  cors: { origins: string[]; loopback: boolean };
  auth: AuthConfig;
  /** Fastify's trustProxy: whose X-Forwarded-For to believe when keying clients by IP. */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
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
  if (e.AUTH_JWT_SECRET && e.AUTH_JWKS_URL)
    throw new ConfigError('Invalid configuration: set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both');
  // Keys fetched over plain HTTP can be swapped by anyone on the path, and then any token verifies.
  if (e.NODE_ENV === 'production' && e.AUTH_JWKS_URL) {
    const url = new URL(e.AUTH_JWKS_URL);
    if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))
      throw new ConfigError('Invalid configuration: AUTH_JWKS_URL must use https in production');
  }
  const symmetric = (a: string) => a.startsWith('HS');
  const algorithms = e.AUTH_ALGORITHMS ?? (e.AUTH_JWKS_URL ? ['RS256', 'ES256'] : ['HS256']);
  // A secret verifies only HMAC tokens and a key set only signatures: mixing
  // them is how "algorithm confusion" forgeries get in.
  if (algorithms.some((a) => symmetric(a) !== !e.AUTH_JWKS_URL))
    throw new ConfigError(
      `Invalid configuration: AUTH_ALGORITHMS (${algorithms.join(', ')}) must be ${e.AUTH_JWKS_URL ? 'asymmetric (RS256, ES256, …) with AUTH_JWKS_URL' : 'HS256, HS384 or HS512 with AUTH_JWT_SECRET'}`,
    );
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    provider: e.DATABASE_URL.startsWith('file:') ? 'sqlite' : 'postgres',
    databasePoolSize: e.DATABASE_POOL_SIZE,
    transaction: { timeoutMs: e.TRANSACTION_TIMEOUT_MS, maxWaitMs: e.TRANSACTION_MAX_WAIT_MS },
    sqliteBusyTimeoutMs: e.SQLITE_BUSY_TIMEOUT_MS,
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
    limits: {
      depth: e.MAX_DEPTH,
      aliases: e.MAX_ALIASES,
      directives: e.MAX_DIRECTIVES,
      tokens: e.MAX_TOKENS,
      cost: e.MAX_COST,
    },
    suggestions: e.SUGGESTIONS ?? e.NODE_ENV !== 'production',
    apqCacheBytes: e.APQ_CACHE_BYTES,
    trustedDocumentsPath: e.TRUSTED_DOCUMENTS,
    // The test suite sends thousands of requests from one address: limits there are opt-in.
    rateLimit: { max: e.RATE_LIMIT_MAX ?? (e.NODE_ENV === 'test' ? 0 : 600), windowMs: e.RATE_LIMIT_WINDOW_MS },
    cors: { origins: e.CORS_ORIGINS ?? [], loopback: e.CORS_ORIGINS === undefined && e.NODE_ENV === 'development' },
    trustProxy: e.TRUST_PROXY ?? false,
    auth: {
      secret: e.AUTH_JWT_SECRET,
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      algorithms,
      rolesClaim: e.AUTH_ROLES_CLAIM,
      clockToleranceS: e.AUTH_CLOCK_TOLERANCE_S,
      jwksCacheMs: e.AUTH_JWKS_CACHE_MS,
      jwksCooldownMs: e.AUTH_JWKS_COOLDOWN_MS,
      jwksTimeoutMs: e.AUTH_JWKS_TIMEOUT_MS,
    },
  };
}
