// The whole gateway in-process (schema, bindings, loaders, Fastify + Apollo)
// over a real test database, called through Fastify's inject: no socket, but
// every HTTP concern (parsing, status codes, plugins) still runs.
import { createHttpSources } from '../../src/bindings/http/createHttpSources.ts';
import { loadConfig } from '../../src/config.ts';
import { startFxServer } from '../../examples/upstreams/fx.ts';
import { startInventoryServer } from '../../examples/upstreams/inventory.ts';
import type { UpstreamServer } from '../../examples/upstreams/types.ts';
import { createSchema, readSchemaFile } from '../../src/graphql/createSchema.ts';
import { createServer } from '../../src/http/server.ts';
import { resolvers } from '../../src/resolvers/index.ts';
import { loadDataModel } from '../../src/sources/prisma/datamodel.ts';
import type { SourceCall } from '../../src/sources/sourceLog.ts';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { SeedSizes } from '../../src/sources/prisma/seedDemoData.ts';
import { createTestDatabase, type Provider, type TestDatabase } from './databases.ts';
import { admin, bearer, testJwtSecret } from './tokens.ts';
import type { JWTPayload } from 'jose';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: { sources?: SourceCall[]; statements?: number };
}

export interface TestGateway {
  query<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  inject: Awaited<ReturnType<typeof createServer>>['app']['inject'];
  /** Listens on 127.0.0.1 (a free port), for tests that need a real socket; resolves with the GraphQL URL. */
  listen(): Promise<string>;
  /** The example upstreams the gateway's HTTP sources call (absent when the test brought its own). */
  upstreams?: { inventory: UpstreamServer; fx: UpstreamServer };
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /** schema.graphql's text; the shipped schema by default. */
  sdl?: string;
  /** Values for the sources' env: references; without them the example upstreams are started. */
  sourceEnv?: Record<string, string>;
  /**
   * Who `query()` acts for unless its headers say otherwise: an admin by
   * default (most suites test bindings, not @auth), null for anonymous.
   */
  viewer?: JWTPayload | null;
}

export const exampleInventoryKey = 'test-inventory-key';

export async function createTestGateway(
  database: TestDatabase,
  env: Record<string, string> = {},
  options: TestGatewayOptions = {},
): Promise<TestGateway> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SWITCHYARD_DEBUG: '1',
    IDE: '0',
    LOG_LEVEL: 'silent',
    AUTH_JWT_SECRET: testJwtSecret,
    ...env,
  });
  const viewer = options.viewer === undefined ? admin : options.viewer;
  const viewerHeaders = viewer ? await bearer(viewer, { expires: '6h' }) : {};
  const sdl = options.sdl ?? readSchemaFile('schema.graphql');
  const { schema, plan } = createSchema({ sdl, datamodel: loadDataModel(), resolvers });
  let upstreams: TestGateway['upstreams'];
  let sourceEnv = options.sourceEnv;
  if (!sourceEnv) {
    const [inventory, fx] = await Promise.all([startInventoryServer({ apiKey: exampleInventoryKey }), startFxServer()]);
    upstreams = { inventory, fx };
    sourceEnv = { INVENTORY_URL: inventory.url, INVENTORY_API_KEY: exampleInventoryKey, FX_URL: fx.url };
  }
  const httpSources = createHttpSources(plan.sources, sourceEnv);
  const { app } = await createServer({
    config,
    db: database.db,
    schema,
    logger: pino({ level: 'silent' }),
    httpSources,
    authPlan: plan.auth,
  });
  await app.ready();
  return {
    upstreams,
    inject: app.inject.bind(app),
    listen: async () => `${await app.listen({ host: '127.0.0.1', port: 0 })}/graphql`,
    async query(query, variables, headers = {}) {
      const res = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', 'x-switchyard-debug': '1', ...viewerHeaders, ...headers },
        payload: { query, variables },
      });
      return { status: res.statusCode, ...(res.json() as object) };
    },
    async close() {
      await app.close();
      for (const source of httpSources.values()) source.close();
      await Promise.all([upstreams?.inventory.close(), upstreams?.fx.close()]);
    },
  };
}

/**
 * Registers a suite's database and gateway: created before its tests, closed
 * and dropped after them, with the recorded statements cleared before each test.
 */
export function useTestGateway(
  provider: Provider,
  options: { seed?: SeedSizes; env?: Record<string, string>; viewer?: JWTPayload | null } = {},
) {
  let database: TestDatabase | undefined;
  let gateway: TestGateway | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(provider, options);
    gateway = await createTestGateway(database, options.env, { viewer: options.viewer });
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });
  beforeEach(() => {
    if (database) database.statements.length = 0;
  });
  return {
    get database(): TestDatabase {
      return database!;
    },
    get gateway(): TestGateway {
      return gateway!;
    },
  };
}
