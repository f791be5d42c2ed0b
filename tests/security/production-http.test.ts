// The real process with NODE_ENV=production over a socket: cross-site and
// malformed requests refused before GraphQL runs, security headers, CORS
// closed, introspection and "Did you mean" hints off, and errors that reveal
// nothing of the server (no stack, SQL, file path or host name), each with an
// id that is in the log.
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFxServer } from '../../examples/upstreams/fx.ts';
import { startInventoryServer } from '../../examples/upstreams/inventory.ts';
import type { UpstreamServer } from '../../examples/upstreams/types.ts';
import {
  freshSqliteUrl,
  postGraphQL,
  request,
  startServer,
  type HttpResult,
  type ServerProcess,
} from '../helpers/serverProcess.ts';
import { expectRefused, headersOf } from './support.ts';

const bodyLimit = 4096;

// Nothing that tells an attacker how the server is built.
function expectNothingRevealed(res: HttpResult, databaseFile: string) {
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(/\bat .+:\d+:\d+|stacktrace|node_modules|\.ts\b/); // stack frames, source files
  expect(text).not.toMatch(/\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE)\b|no such table|prisma|sqlite/i);
  expect(text).not.toContain(databaseFile);
  expect(text).not.toMatch(/\/tmp\/|\/work\/|\/home\//);
  expect(text).not.toContain(hostname());
}

describe('the production server over HTTP', () => {
  let server: ServerProcess;
  let upstreams: UpstreamServer[] = [];
  let file: string;

  beforeAll(async () => {
    const [inventory, fx] = await Promise.all([startInventoryServer({ apiKey: 'k' }), startFxServer()]);
    upstreams = [inventory, fx];
    const database = freshSqliteUrl();
    file = database.file;
    server = await startServer({
      env: {
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        BODY_LIMIT_BYTES: String(bodyLimit),
        INVENTORY_URL: inventory.url,
        INVENTORY_API_KEY: 'k',
        FX_URL: fx.url,
      },
    });
  });

  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
    await Promise.all(upstreams.map((u) => u.close()));
  });

  const authorsNamed = (name: string) =>
    new Database(file, { readonly: true }).prepare('SELECT COUNT(*) AS n FROM "Author" WHERE name = ?').get(name);
  const createAuthor = (name: string) =>
    JSON.stringify({ query: `mutation { createAuthor(input: { name: "${name}" }) { id } }` });

  it('refuses the content types a cross-site form can send with 415, and writes nothing', async () => {
    const sent = await Promise.all(
      ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'].map((type, i) =>
        request(server.url, { method: 'POST', headers: { 'content-type': type }, body: createAuthor(`CSRF ${i}`) }),
      ),
    );

    for (const res of sent) expectRefused(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    for (const i of [0, 1, 2]) expect(authorsNamed(`CSRF ${i}`)).toEqual({ n: 0 });
  });

  it('refuses a GET without a preflight-forcing header as possible CSRF', async () => {
    const res = await request(`${server.url}?query=${encodeURIComponent('{ authors { totalCount } }')}`);

    expectRefused(res, 400, 'BAD_REQUEST');
    expect(res.body.errors[0].message).toMatch(/Cross-Site Request Forgery/);
  });

  it('refuses a mutation over GET with 405, and writes nothing', async () => {
    const query = encodeURIComponent('mutation { createAuthor(input: { name: "Over GET" }) { id } }');

    const res = await request(`${server.url}?query=${query}`, { headers: { 'apollo-require-preflight': '1' } });

    expectRefused(res, 405, 'METHOD_NOT_ALLOWED');
    expect(authorsNamed('Over GET')).toEqual({ n: 0 });
  });

  it('refuses an oversized body with 413 and malformed JSON with 400, revealing nothing', async () => {
    const post = (body: string) =>
      request(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    const oversized = await post(JSON.stringify({ query: `{ authors { totalCount } }${' '.repeat(bodyLimit)}` }));
    const malformed = await post('{"query": "{ authors { totalCount } }", "variables": {');
    const notAnObject = await post('"{ authors { totalCount } }"');

    expectRefused(oversized, 413, 'PAYLOAD_TOO_LARGE');
    expectRefused(malformed, 400, 'BAD_REQUEST');
    expectRefused(notAnObject, 400, 'BAD_REQUEST');
    for (const res of [oversized, malformed, notAnObject]) expectNothingRevealed(res, file);
  });

  it('refuses a batch with BATCHING_NOT_SUPPORTED', async () => {
    const res = await request(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: createAuthor('Batched').replace(/^/, '[').replace(/$/, ']'),
    });

    expectRefused(res, 400, 'BATCHING_NOT_SUPPORTED');
    expect(authorsNamed('Batched')).toEqual({ n: 0 });
  });

  it('sends security headers with every response', async () => {
    const res = await postGraphQL(server.url, '{ authors(first: 1) { totalCount } }');

    expect(res.status).toBe(200);
    expect(headersOf(res)).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('allows no cross-origin caller by default', async () => {
    const preflight = await request(server.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    const post = await postGraphQL(server.url, '{ authors { totalCount } }', undefined, {
      origin: 'https://evil.example',
    });

    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses introspection', async () => {
    const schema = await postGraphQL(server.url, '{ __schema { types { name } } }');
    const type = await postGraphQL(server.url, '{ __type(name: "Book") { fields { name } } }');

    expectRefused(schema, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(schema.body.errors[0].message).toMatch(/introspection is not allowed/);
    expectRefused(type, 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('gives no "Did you mean" hints, in validation or in variables', async () => {
    const field = await postGraphQL(server.url, '{ authors { totalCont } }');
    const argument = await postGraphQL(server.url, '{ authors(frist: 1) { totalCount } }');
    const enumValue = await postGraphQL(
      server.url,
      'query ($s: OrderStatus) { orders(where: { status: { equals: $s } }) { totalCount } }',
      { s: 'PLACD' },
    );

    expect(field.body.errors).toEqual([
      {
        message: 'Cannot query field "totalCont" on type "AuthorConnection".',
        locations: [{ line: 1, column: 13 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ]);
    expect(argument.body.errors[0].message).toBe('Unknown argument "frist" on field "Query.authors".');
    expect(enumValue.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(enumValue.body.errors[0].message).not.toMatch(/Did you mean|PLACED/);
  });

  it('answers an unknown route with a 404 that reveals nothing', async () => {
    const res = await request(`${server.origin}/../../etc/passwd%00?x=1`);

    expect(res.status).toBe(404);
    expect(res.body.errors[0].extensions).toEqual({ code: 'NOT_FOUND' });
    expectNothingRevealed(res, file);
  });

  // Last: it breaks the database under the running server.
  it('masks a database failure, with an error id that is in the log beside the real cause', async () => {
    const db = new Database(file);
    db.exec('DROP TABLE "Review"');
    db.close();

    const res = await postGraphQL(server.url, '{ reviews(first: 1) { nodes { body } } }');

    expect(res.body.errors).toHaveLength(1);
    const [error] = res.body.errors;
    expect(error).toMatchObject({
      message: expect.stringMatching(/^Internal server error \(error id [\w-]+\)$/),
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) },
    });
    expect(Object.keys(error.extensions)).toEqual(['code', 'errorId']);
    expectNothingRevealed(res, file);
    // The log reaches the pipe shortly after the response.
    const logged = () => server.logs.find((line) => line.errorId === error.extensions.errorId);
    await expect.poll(logged, { timeout: 5000 }).toBeDefined();
    expect(JSON.stringify(logged())).toMatch(/Review/);
  });
});
