// The real process over a socket: GraphQL over POST and GET, and every
// request refused before or during GraphQL answered in the GraphQL error shape
// with a stable extensions.code and the matching HTTP status.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  freshSqliteUrl,
  postGraphQL,
  request,
  startServer,
  type HttpResult,
  type ServerProcess,
} from '../helpers/serverProcess.ts';

const bodyLimit = 2048;

// A whole-request error: exactly one error with this code, and no data.
function expectRefused(res: HttpResult, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code } }] });
}

describe('GraphQL over HTTP, with SWITCHYARD_DEBUG=1', () => {
  let server: ServerProcess;
  let file: string;

  beforeAll(async () => {
    const database = freshSqliteUrl();
    file = database.file;
    server = await startServer({
      env: { DATABASE_URL: database.url, SWITCHYARD_DEBUG: '1', BODY_LIMIT_BYTES: String(bodyLimit) },
    });
  });

  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
  });

  const authorsNamed = (name: string) =>
    new Database(file, { readonly: true }).prepare('SELECT COUNT(*) AS n FROM "Author" WHERE name = ?').get(name);

  it('answers a POSTed JSON query', async () => {
    const res = await postGraphQL(server.url, 'query ($n: Int) { authors(first: $n) { totalCount nodes { name } } }', {
      n: 1,
    });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { authors: { totalCount: 25, nodes: [{ name: 'Ada Lovelace' }] } } });
  });

  it('sends a large result whole, its Content-Length counted in bytes', async () => {
    // Past 16 KB the body leaves as a Buffer (server.ts): multi-byte text checks the byte count.
    const bio = 'Ünïcode ✓ — '.repeat(3000);
    const db = new Database(file);
    const { id } = db.prepare('INSERT INTO "Author" (name, bio) VALUES (?, ?) RETURNING id').get('Long Bio', bio) as {
      id: number;
    };
    db.close();

    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ author(id: ${id}) { name bio } }` }),
    });
    const bytes = Buffer.from(await res.arrayBuffer());

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.length).toBeGreaterThan(bio.length); // multi-byte characters: more bytes than characters
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ data: { author: { name: 'Long Bio', bio } } });
  });

  it('answers a GET query with ?query= and ?variables=, given a CSRF preflight header', async () => {
    const query = encodeURIComponent('query ($n: Int) { authors(first: $n) { nodes { name } } }');
    const variables = encodeURIComponent(JSON.stringify({ n: 2 }));

    const res = await request(`${server.url}?query=${query}&variables=${variables}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });

    expect(res.status).toBe(200);
    expect(res.body.data.authors.nodes).toHaveLength(2);
  });

  it('refuses a GET without a preflight header as a possible CSRF', async () => {
    const res = await request(`${server.url}?query=${encodeURIComponent('{ authors { totalCount } }')}`);

    expectRefused(res, 400, 'BAD_REQUEST');
    expect(res.body.errors[0].message).toMatch(/Cross-Site Request Forgery/);
  });

  it('refuses a mutation sent with GET, with 405, and writes nothing', async () => {
    const mutation = encodeURIComponent('mutation { createAuthor(input: { name: "Via GET" }) { id } }');

    const res = await request(`${server.url}?query=${mutation}`, { headers: { 'apollo-require-preflight': 'true' } });

    expectRefused(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.body.errors[0].message).toMatch(/mutation/);
    expect(authorsNamed('Via GET')).toEqual({ n: 0 });
  });

  it('refuses a text/plain body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const mutation = JSON.stringify({ query: 'mutation { createAuthor(input: { name: "Via text" }) { id } }' });

    const res = await request(server.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: mutation,
    });

    expectRefused(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(authorsNamed('Via text')).toEqual({ n: 0 });
  });

  it('refuses a form-encoded body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await request(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=%7B%20authors%20%7B%20totalCount%20%7D%20%7D',
    });

    expectRefused(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses malformed JSON with 400 BAD_REQUEST', async () => {
    const res = await request(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ authors { totalCount } }"',
    });

    expectRefused(res, 400, 'BAD_REQUEST');
  });

  it('refuses a body over BODY_LIMIT_BYTES with 413 PAYLOAD_TOO_LARGE', async () => {
    const padding = ' '.repeat(bodyLimit);
    const res = await request(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ authors { totalCount } ${padding}}` }),
    });

    expectRefused(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const res = await request(`${server.origin}/graphq1`);

    expectRefused(res, 404, 'NOT_FOUND');
    expect(res.body.errors[0].message).toBe('No route for GET /graphq1');
  });

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED', async () => {
    const res = await postGraphQL(server.url, '{ authors { totalCount }');

    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        {
          message: 'Syntax Error: Expected Name, found <EOF>.',
          locations: [{ line: 1, column: 25 }],
          extensions: { code: 'GRAPHQL_PARSE_FAILED' },
        },
      ],
    });
  });

  it('answers an unknown field with 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await postGraphQL(server.url, '{ authors { totalCount colour } }');

    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        {
          message: 'Cannot query field "colour" on type "AuthorConnection".',
          locations: [{ line: 1, column: 24 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    });
  });

  it('reports alive on /healthz and ready on /readyz', async () => {
    const health = await request(`${server.origin}/healthz`);
    const ready = await request(`${server.origin}/readyz`);

    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', schema: 'loaded', database: 'ok' } });
  });

  it('adds extensions.sources when the request carries x-switchyard-debug: 1', async () => {
    const query = '{ authors(first: 1) { nodes { name } } }';

    const debug = await postGraphQL(server.url, query, undefined, { 'x-switchyard-debug': '1' });
    const plain = await postGraphQL(server.url, query);

    expect(debug.body.extensions.sources).toEqual([expect.objectContaining({ source: 'db', model: 'Author' })]);
    expect(debug.body.extensions.statements).toBeGreaterThan(0);
    expect(plain.body.extensions).toBeUndefined();
  });
});

describe('GraphQL over HTTP, without SWITCHYARD_DEBUG', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
  });

  it('ignores x-switchyard-debug: 1', async () => {
    const res = await postGraphQL(server.url, '{ authors(first: 1) { nodes { name } } }', undefined, {
      'x-switchyard-debug': '1',
    });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { authors: { nodes: [{ name: 'Ada Lovelace' }] } } });
  });
});
