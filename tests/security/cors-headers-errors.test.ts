// CORS from CORS_ORIGINS, security headers on the IDE page beside its own CSP,
// and an error thrown inside a Fastify plugin answered without its details,
// all over a real loopback socket.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createSchema, readSchemaFile } from '../../src/graphql/createSchema.ts';
import { IDE_CONTENT_SECURITY_POLICY } from '../../src/http/ide.ts';
import { corsAllows } from '../../src/http/security.ts';
import { createServer } from '../../src/http/server.ts';
import { resolvers } from '../../src/resolvers/index.ts';
import { loadDataModel } from '../../src/sources/prisma/datamodel.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { expectRefused, headersOf, request } from './support.ts';

const allowed = 'https://app.example.com';

describe('a server with CORS_ORIGINS and the IDE', () => {
  let database: TestDatabase;
  let close: () => Promise<void>;
  let origin: string;
  const logged: Record<string, unknown>[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      IDE: '1',
      CORS_ORIGINS: `${allowed}, https://admin.example.com`,
    });
    const { schema } = createSchema({ sdl: readSchemaFile('schema.graphql'), datamodel: loadDataModel(), resolvers });
    const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    const { app } = await createServer({ config, db: database.db, schema, logger });
    // A plugin failing with details a client must not see.
    app.get('/broken', async () => {
      throw new Error(`ENOENT: open '/srv/switchyard/secrets.json' on db-primary.internal`);
    });
    origin = await app.listen({ host: '127.0.0.1', port: 0 });
    close = async () => {
      await app.close();
      await database.drop();
    };
  });

  afterAll(() => close?.());

  it('answers a preflight from a listed origin, and not from another', async () => {
    const preflight = (from: string) =>
      request(`${origin}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin: from,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });

    const listed = await preflight(allowed);
    const other = await preflight('https://app.example.com.evil.example');

    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(listed.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a listed origin read a response, and only that origin', async () => {
    const post = (from: string) =>
      request(`${origin}/graphql`, {
        method: 'POST',
        headers: { origin: from, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ authors { totalCount } }' }),
      });

    const listed = await post(allowed);
    const other = await post('https://evil.example');

    expect(listed.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(listed.headers.get('vary')).toMatch(/origin/i);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the IDE page with its CSP and the other security headers', async () => {
    const res = await request(`${origin}/graphql`, { headers: { accept: 'text/html' } });

    expect(res.status).toBe(200);
    expect(headersOf(res)).toMatchObject({
      'content-security-policy': IDE_CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': expect.stringMatching(/^max-age=/),
      'cross-origin-opener-policy': 'same-origin',
    });
  });

  it('masks an error thrown in a plugin, with an error id that is logged with the cause', async () => {
    const res = await request(`${origin}/broken`);

    expectRefused(res, 500, 'INTERNAL_SERVER_ERROR');
    const { message, extensions } = res.body.errors[0];
    expect(message).toBe(`Internal server error (error id ${extensions.errorId})`);
    expect(JSON.stringify(res.body)).not.toMatch(/ENOENT|secrets|internal|\/srv/);
    const line = logged.find((l) => l.errorId === extensions.errorId);
    expect(JSON.stringify(line)).toMatch(/secrets\.json/);
  });
});

describe('corsAllows', () => {
  it('allows loopback front ends in development only, and listed origins exactly', () => {
    const dev = loadConfig({ NODE_ENV: 'development' }).cors;
    const prod = loadConfig({ NODE_ENV: 'production' }).cors;
    const listed = loadConfig({ NODE_ENV: 'development', CORS_ORIGINS: allowed }).cors;

    expect(corsAllows(dev, 'http://localhost:3000')).toBe(true);
    expect(corsAllows(dev, 'http://127.0.0.1:5173')).toBe(true);
    expect(corsAllows(dev, 'http://localhost.evil.example')).toBe(false);
    expect(corsAllows(prod, 'http://localhost:3000')).toBe(false);
    expect(corsAllows(listed, allowed)).toBe(true);
    expect(corsAllows(listed, 'http://localhost:3000')).toBe(false);
    expect(corsAllows(listed, `${allowed}:8443`)).toBe(false);
  });

  it('refuses an origin with a path at startup', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(/CORS_ORIGINS/);
  });
});
