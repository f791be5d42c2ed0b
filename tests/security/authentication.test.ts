// Bearer tokens over a real socket: a request without a token is anonymous; a
// token that fails verification (malformed, expired, forged, unsigned,
// edited, for another issuer or audience, or signed with an algorithm the key
// does not allow) is answered 401 UNAUTHENTICATED with RFC 6750's
// WWW-Authenticate header before any SQL statement or upstream call. Keys
// come from a secret or from a fake identity provider's JWKS endpoint, whose
// fetches are counted; rate limits key on the verified viewer.
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../helpers/loopbackServer.ts';
import { bearer, signToken, testJwtSecret } from '../helpers/tokens.ts';
import { expectRefused, request, useLiveGateway, type HttpResult, type LiveGateway } from './support.ts';

/** SQL statements and an inventory call: a refusal's `work()` of 0 is meaningful. */
const booksWithStock = '{ books(first: 2) { nodes { title stock { available } } } }';
const ownEmail = '{ customer(id: "1") { email } }';
const nothingRan = { statements: 0, upstreamCalls: 0 };

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

const secondsNow = () => Math.floor(Date.now() / 1000);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const withToken = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A token signed with `key` under `header`, valid for an hour unless `claims` say otherwise.
function sign(key: CryptoKey | Uint8Array, header: { alg: string; kid?: string }, claims: JWTPayload): Promise<string> {
  return new SignJWT({ exp: secondsNow() + 3600, ...claims }).setProtectedHeader(header).setIssuedAt().sign(key);
}

/** 401 UNAUTHENTICATED with `message`, the same words in WWW-Authenticate, and nothing run. */
function expectTokenRefused(live: LiveGateway, res: HttpResult, message: string): void {
  expectRefused(res, 401, 'UNAUTHENTICATED');
  expect(res.body.errors[0].message).toBe(message);
  // A quoted-string cannot hold a double quote: the header says 'exp' where the message says "exp".
  expect(res.headers.get('www-authenticate')).toBe(
    `Bearer error="invalid_token", error_description="${message.replaceAll('"', "'")}"`,
  );
  expect(live.work()).toEqual(nothingRan);
}

/** A fake identity provider: serves `keys` as its JWKS (`mode` 'hang' never answers, 'fail' answers 500) and counts the fetches. */
function useJwksServer(env: Record<string, string>) {
  const idp = {
    keys: [] as JWK[],
    mode: 'serve' as 'serve' | 'hang' | 'fail',
    server: undefined as unknown as LoopbackServer,
  };
  beforeAll(async () => {
    idp.server = await startLoopbackServer((_req, res) => {
      if (idp.mode === 'hang') return;
      if (idp.mode === 'fail') return void res.writeHead(500).end('down for maintenance');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: idp.keys }));
    });
    Object.assign(env, { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: `${idp.server.url}/.well-known/jwks.json` });
  });
  afterAll(() => idp.server?.close());
  return idp;
}

/** The public half of `pair` as a JWK with `kid`. */
async function publicJwk(pair: KeyPair, kid: string, alg: string): Promise<JWK> {
  return { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
}

describe('bearer tokens verified with an HS256 secret', () => {
  const live = useLiveGateway();

  beforeAll(async () => {
    await live.database.db.order.create({ data: { customerId: 1, totalCents: 1500 } });
    await live.database.db.order.create({ data: { customerId: 2, totalCents: 2500 } });
  });

  it('treats a request without a token as anonymous: public fields answer, orders are a field error', async () => {
    const publicRes = await live.query('{ author(id: "1") { name } }');
    const ordersRes = await live.query('{ orders { totalCount } }');

    expect(publicRes).toMatchObject({ status: 200, body: { data: { author: { name: expect.any(String) } } } });
    expect(publicRes.body.errors).toBeUndefined();
    expect(ordersRes.status).toBe(200);
    expect(ordersRes.headers.get('www-authenticate')).toBeNull();
    expect(ordersRes.body.data).toBeNull();
    expect(ordersRes.body.errors).toMatchObject([
      {
        message: 'Sign in to read Order: send a bearer token',
        path: ['orders'],
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ]);
  });

  it('acts for the subject of a valid token: customer 1 sees only their own order', async () => {
    const res = await live.query(
      '{ orders { totalCount nodes { totalCents } } }',
      undefined,
      await bearer({ sub: '1' }),
    );

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { orders: { totalCount: 1, nodes: [{ totalCents: 1500 }] } } });
  });

  it('runs the statements and upstream calls that refused requests must not run', async () => {
    const res = await live.query(booksWithStock, undefined, await bearer({ sub: '1' }));

    expect(res.status).toBe(200);
    expect(res.body.data.books.nodes).toHaveLength(2);
    expect(live.work().statements).toBeGreaterThan(0);
    expect(live.work().upstreamCalls).toBe(1);
  });

  it('accepts the scheme in any case ("bearer")', async () => {
    const res = await live.query(ownEmail, undefined, { authorization: `bearer ${await signToken({ sub: '1' })}` });

    expect(res.body).toEqual({ data: { customer: { email: 'customer1@example.com' } } });
  });

  it.each([
    ['not a JWT', 'not-a-jwt'],
    ['two parts', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0'],
    ['a header that is not JSON', `${Buffer.from('{alg').toString('base64url')}.e30.c2ln`],
  ])('refuses a malformed token (%s)', async (_, token) => {
    const res = await live.query(booksWithStock, undefined, withToken(token));

    expectTokenRefused(live, res, 'The token is malformed');
  });

  it.each([
    ['Basic credentials', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['a bare token', 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln'],
    ['"Bearer" without a token', 'Bearer '],
  ])('refuses an Authorization header that is not "Bearer <token>" (%s)', async (_, authorization) => {
    const res = await live.query(booksWithStock, undefined, { authorization });

    expectTokenRefused(live, res, 'The Authorization header must be "Bearer <token>"');
  });

  it('refuses a token that expired 60 s ago', async () => {
    const res = await live.query(booksWithStock, undefined, await bearer({ sub: '1' }, { expires: secondsNow() - 60 }));

    expectTokenRefused(live, res, 'The token has expired');
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="The token has expired"',
    );
  });

  it('admits a token that expired 2 s ago, within the default 5 s clock tolerance', async () => {
    const res = await live.query(ownEmail, undefined, await bearer({ sub: '1' }, { expires: secondsNow() - 2 }));

    expect(res.body).toEqual({ data: { customer: { email: 'customer1@example.com' } } });
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({ sub: '1' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(testJwtSecret));

    const res = await live.query(booksWithStock, undefined, withToken(token));

    expectTokenRefused(live, res, 'The token has no "exp" claim');
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="The token has no 'exp' claim"`,
    );
  });

  it('refuses a token whose nbf is a minute in the future', async () => {
    const token = await sign(
      new TextEncoder().encode(testJwtSecret),
      { alg: 'HS256' },
      { sub: '1', nbf: secondsNow() + 60 },
    );

    const res = await live.query(booksWithStock, undefined, withToken(token));

    expectTokenRefused(live, res, 'The token\'s "nbf" claim is not accepted (check failed)');
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await bearer({ sub: '1' }, { secret: 'an-attackers-guess-at-the-secret-0123456789' });

    const res = await live.query(booksWithStock, undefined, forged);

    expectTokenRefused(live, res, "The token's signature is not valid");
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'admin', roles: ['admin'], exp: secondsNow() + 3600 })}.`;

    const res = await live.query(booksWithStock, undefined, withToken(token));

    expectTokenRefused(live, res, "The token's signing algorithm is not accepted");
  });

  it('refuses a token whose claims were edited after signing (roles changed to admin)', async () => {
    const [header, payload, signature] = (await signToken({ sub: '1', roles: ['customer'] })).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as JWTPayload;
    const edited = `${header}.${base64url({ ...claims, roles: ['admin'] })}.${signature}`;

    const res = await live.query('{ customers { totalCount } }', undefined, withToken(edited));

    expectTokenRefused(live, res, "The token's signature is not valid");
  });

  it.each([
    ['no sub', { roles: ['admin'] }],
    ['an empty sub', { sub: '', roles: ['admin'] }],
    // RFC 7519: sub is a string. A number must not pass for customer 1.
    ['a numeric sub', { sub: 1 as unknown as string }],
  ])('refuses a token with %s', async (_, claims) => {
    const res = await live.query(booksWithStock, undefined, await bearer(claims));

    expectTokenRefused(live, res, 'The token has no "sub" claim naming the viewer');
  });

  it('refuses a forged token over GET as over POST, and admits a valid one', async () => {
    const get = async (headers: Record<string, string>) =>
      request(`${live.url}?query=${encodeURIComponent(booksWithStock)}`, {
        headers: { 'apollo-require-preflight': '1', ...headers },
      });

    const forged = await get(await bearer({ sub: '1' }, { secret: 'z'.repeat(40) }));
    expectTokenRefused(live, forged, "The token's signature is not valid");
    const valid = await get(await bearer({ sub: '1' }));

    expect(valid.status).toBe(200);
    expect(valid.body.data.books.nodes).toHaveLength(2);
  });

  it('refuses an RS256 token: a secret verifies only HMAC signatures', async () => {
    const pair = await generateKeyPair('RS256');
    const token = await sign(pair.privateKey, { alg: 'RS256' }, { sub: '1' });

    const res = await live.query(booksWithStock, undefined, withToken(token));

    expectTokenRefused(live, res, "The token's signing algorithm is not accepted");
  });

  it('does not let a forged admin token create an author, and writes no row', async () => {
    const createAuthor = 'mutation($name: String!) { createAuthor(input: { name: $name }) { name } }';
    const forged = await bearer({ sub: 'admin', roles: ['admin'] }, { secret: 'x'.repeat(40) });

    const refused = await live.query(createAuthor, { name: 'Forged Author' }, forged);
    expectTokenRefused(live, refused, "The token's signature is not valid");
    const admitted = await live.query(createAuthor, { name: 'Admitted Author' }, live.admin);

    expect(admitted.body).toEqual({ data: { createAuthor: { name: 'Admitted Author' } } });
    const names = await live.database.db.author.findMany({
      where: { name: { in: ['Forged Author', 'Admitted Author'] } },
      select: { name: true },
    });
    expect(names).toEqual([{ name: 'Admitted Author' }]);
  });
});

describe('issuer, audience, roles claim and clock tolerance from the environment', () => {
  const issuer = 'https://id.example.com/';
  const rolesClaim = 'https://switchyard.example/roles';
  const live = useLiveGateway({
    AUTH_ISSUER: issuer,
    AUTH_AUDIENCE: 'switchyard, reports',
    AUTH_CLOCK_TOLERANCE_S: '0',
    AUTH_ROLES_CLAIM: rolesClaim,
  });

  it.each(['switchyard', 'reports'])('admits a token from the issuer for the audience %s', async (audience) => {
    const res = await live.query(ownEmail, undefined, await bearer({ sub: '1' }, { issuer, audience }));

    expect(res.body).toEqual({ data: { customer: { email: 'customer1@example.com' } } });
  });

  it.each([
    [
      'another issuer',
      { issuer: 'https://evil.example.com/', audience: 'switchyard' },
      'The token\'s "iss" claim is not accepted (check failed)',
    ],
    ['no issuer', { audience: 'switchyard' }, 'The token has no "iss" claim'],
    ['another audience', { issuer, audience: 'billing' }, 'The token\'s "aud" claim is not accepted (check failed)'],
    ['no audience', { issuer }, 'The token has no "aud" claim'],
  ])('refuses a token with %s', async (_, options, message) => {
    const res = await live.query(booksWithStock, undefined, await bearer({ sub: '1' }, options));

    expectTokenRefused(live, res, message);
  });

  it('refuses a token that expired 2 s ago when AUTH_CLOCK_TOLERANCE_S is 0', async () => {
    const token = await bearer({ sub: '1' }, { issuer, audience: 'switchyard', expires: secondsNow() - 2 });

    const res = await live.query(booksWithStock, undefined, token);

    expectTokenRefused(live, res, 'The token has expired');
  });

  it('reads roles from AUTH_ROLES_CLAIM, not from "roles"', async () => {
    const options = { issuer, audience: 'switchyard' };
    const custom = await live.query(
      '{ customers { totalCount } }',
      undefined,
      await bearer({ sub: 'a', [rolesClaim]: ['admin'] }, options),
    );
    const plain = await live.query(
      '{ customers { totalCount } }',
      undefined,
      await bearer({ sub: 'b', roles: ['admin'] }, options),
    );

    expect(custom.body).toEqual({ data: { customers: { totalCount: 12 } } });
    expect(plain.status).toBe(200);
    expect(plain.body.errors.map((e: any) => e.extensions.code)).toEqual(['FORBIDDEN']);
  });
});

describe('bearer tokens verified with a JWKS', () => {
  const env: Record<string, string> = { AUTH_JWKS_COOLDOWN_MS: '3600000' };
  const idp = useJwksServer(env);
  const live = useLiveGateway(env);
  let rsa: KeyPair;
  let ec: KeyPair;

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('ES256')]);
    idp.keys = [await publicJwk(rsa, 'rsa-1', 'RS256'), await publicJwk(ec, 'ec-1', 'ES256')];
  });

  it('verifies RS256 and ES256 tokens, fetching the key set once for many requests', async () => {
    const rsToken = await sign(rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' }, { sub: '1' });
    const esToken = await sign(ec.privateKey, { alg: 'ES256', kid: 'ec-1' }, { sub: '1' });

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => live.query(ownEmail, undefined, withToken(i % 2 ? esToken : rsToken))),
    );

    expect(results.map((r) => r.body)).toEqual(
      Array(10).fill({ data: { customer: { email: 'customer1@example.com' } } }),
    );
    expect(idp.server.requests.map((r) => [r.method, r.url])).toEqual([['GET', '/.well-known/jwks.json']]);
  });

  it('refuses tokens with an unknown kid with 401, fetching the key set at most once within the cooldown', async () => {
    const stranger = await generateKeyPair('RS256');

    const results = [];
    for (let i = 0; i < 5; i++)
      results.push(
        await live.query(
          booksWithStock,
          undefined,
          withToken(await sign(stranger.privateKey, { alg: 'RS256', kid: `unknown-${i}` }, { sub: '1' })),
        ),
      );

    for (const res of results) expectTokenRefused(live, res, "No signing key matches the token's key id");
    expect(idp.server.requests).toHaveLength(1);
  });

  it('refuses a token signed by another key under a published kid', async () => {
    const stranger = await generateKeyPair('RS256');
    const token = await sign(stranger.privateKey, { alg: 'RS256', kid: 'rsa-1' }, { sub: 'admin', roles: ['admin'] });

    const res = await live.query(booksWithStock, undefined, withToken(token));

    expectTokenRefused(live, res, "The token's signature is not valid");
  });

  it.each([
    ['its PEM', async () => exportSPKI(rsa.publicKey)],
    ['its JWK', async () => JSON.stringify(await exportJWK(rsa.publicKey))],
  ])('refuses an HS256 token signed with the RSA public key as the secret (%s)', async (_, secretOf) => {
    const secret = new TextEncoder().encode(await secretOf());
    const token = await sign(secret, { alg: 'HS256', kid: 'rsa-1' }, { sub: 'admin', roles: ['admin'] });
    const fetchesBefore = idp.server.requests.length;

    const res = await live.query(booksWithStock, undefined, withToken(token));

    expectTokenRefused(live, res, "The token's signing algorithm is not accepted");
    expect(idp.server.requests.length).toBe(fetchesBefore);
  });
});

describe('JWKS key rotation', () => {
  const env: Record<string, string> = { AUTH_JWKS_COOLDOWN_MS: '50' };
  const idp = useJwksServer(env);
  const live = useLiveGateway(env);

  it('verifies a token signed with a newly published key once the cooldown has passed', async () => {
    const [oldKey, newKey] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('ES256')]);
    idp.keys = [await publicJwk(oldKey, 'old', 'RS256')];
    const before = await live.query(
      ownEmail,
      undefined,
      withToken(await sign(oldKey.privateKey, { alg: 'RS256', kid: 'old' }, { sub: '1' })),
    );

    idp.keys = [await publicJwk(oldKey, 'old', 'RS256'), await publicJwk(newKey, 'new', 'ES256')];
    await sleep(100);
    const after = await live.query(
      ownEmail,
      undefined,
      withToken(await sign(newKey.privateKey, { alg: 'ES256', kid: 'new' }, { sub: '1' })),
    );

    const email = { data: { customer: { email: 'customer1@example.com' } } };
    expect([before.body, after.body]).toEqual([email, email]);
    expect(idp.server.requests).toHaveLength(2);
  });
});

describe('JWKS endpoint down', () => {
  const env: Record<string, string> = {};
  let pair: KeyPair;
  // Before useLiveGateway's own beforeAll, which reads env.
  beforeAll(async () => {
    // A port that was just listening and is now closed: connections are refused.
    const closed = await startLoopbackServer(() => undefined);
    await closed.close();
    Object.assign(env, { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: `${closed.url}/.well-known/jwks.json` });
    pair = await generateKeyPair('RS256');
  });
  const live = useLiveGateway(env);

  it('answers 503 SERVICE_UNAVAILABLE for a token while the key set cannot be fetched, and keeps serving', async () => {
    const token = await sign(pair.privateKey, { alg: 'RS256', kid: 'k' }, { sub: '1' });

    const first = await live.query(booksWithStock, undefined, withToken(token));
    const again = await live.query(booksWithStock, undefined, withToken(token));
    const work = live.work();
    const anonymous = await live.query('{ author(id: "1") { name } }');
    const health = await request(`${new URL(live.url).origin}/healthz`);

    for (const res of [first, again]) {
      expectRefused(res, 503, 'SERVICE_UNAVAILABLE');
      expect(res.body.errors[0].message).toBe('The signing keys could not be fetched to verify the token; retry later');
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
    expect(work).toEqual(nothingRan);
    expect(anonymous).toMatchObject({ status: 200, body: { data: { author: { name: expect.any(String) } } } });
    expect(health.status).toBe(200);
  });
});

describe('JWKS endpoint failing after keys were fetched', () => {
  // The cache's shortest age, and a cooldown long enough to span the test.
  const env: Record<string, string> = { AUTH_JWKS_CACHE_MS: '1000', AUTH_JWKS_COOLDOWN_MS: '60000' };
  const idp = useJwksServer(env);
  const live = useLiveGateway(env);

  it('keeps verifying with the last key set it fetched, trying the provider once per cooldown', async () => {
    const pair = await generateKeyPair('RS256');
    idp.keys = [await publicJwk(pair, 'rsa', 'RS256')];
    const jwt = await sign(pair.privateKey, { alg: 'RS256', kid: 'rsa' }, { sub: '1' });
    const before = await live.query(ownEmail, undefined, withToken(jwt));
    idp.mode = 'fail';
    await sleep(1100); // the cached set is now stale

    const during = await Promise.all(Array.from({ length: 5 }, () => live.query(ownEmail, undefined, withToken(jwt))));
    const forged = await live.query(ownEmail, undefined, withToken(`${jwt.slice(0, -4)}AAAA`));

    const own = { data: { customer: { email: 'customer1@example.com' } } };
    expect(before.body).toEqual(own);
    for (const res of during) expect(res.body).toEqual(own);
    expectRefused(forged, 401, 'UNAUTHENTICATED'); // the old keys still check signatures
    expect(idp.server.requests).toHaveLength(2); // the first fetch, and one failed refetch
  });
});

describe('JWKS endpoint slow, then back', () => {
  const env: Record<string, string> = { AUTH_JWKS_TIMEOUT_MS: '200' };
  const idp = useJwksServer(env);
  const live = useLiveGateway(env);

  it('answers 503 once the key set request times out, fails fast for a second, then verifies tokens when the endpoint answers again', async () => {
    const pair = await generateKeyPair('ES256');
    idp.keys = [await publicJwk(pair, 'ec', 'ES256')];
    const token = withToken(await sign(pair.privateKey, { alg: 'ES256', kid: 'ec' }, { sub: '1' }));
    idp.mode = 'hang';

    const started = Date.now();
    const timedOut = await live.query(booksWithStock, undefined, token);
    const waitedMs = Date.now() - started;
    const work = live.work();
    idp.mode = 'serve';
    // For a second after a failed fetch with no keys yet, tokens fail fast instead of each trying again.
    const backingOff = await live.query(ownEmail, undefined, token);
    const fetchesWhileBackingOff = idp.server.requests.length;
    await sleep(1100);
    const recovered = await live.query(ownEmail, undefined, token);

    expectRefused(timedOut, 503, 'SERVICE_UNAVAILABLE');
    expect(work).toEqual(nothingRan);
    expect(waitedMs).toBeGreaterThanOrEqual(150);
    expect(waitedMs).toBeLessThan(3000);
    expectRefused(backingOff, 503, 'SERVICE_UNAVAILABLE');
    expect(fetchesWhileBackingOff).toBe(1);
    expect(recovered.body).toEqual({ data: { customer: { email: 'customer1@example.com' } } });
    expect(idp.server.requests).toHaveLength(2);
  });
});

describe('rate limits per viewer', () => {
  // Each test is its own client address (TRUST_PROXY believes the X-Forwarded-For it sets), so budgets do not mix.
  const live = useLiveGateway({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000', TRUST_PROXY: '127.0.0.1' });
  const query = '{ authors(first: 1) { totalCount } }';
  const from = (ip: string, headers: Record<string, string> = {}) =>
    live.query(query, undefined, { 'x-forwarded-for': ip, ...headers });
  const statuses = async (n: number, send: () => Promise<HttpResult>) => {
    const results = [];
    for (let i = 0; i < n; i++) results.push((await send()).status);
    return results;
  };

  it('gives two viewers on one address a budget each, apart from the address', async () => {
    const ip = '203.0.113.10';
    const [a, b] = [await bearer({ sub: 'a' }), await bearer({ sub: 'b' })];

    const aAllowed = await statuses(3, () => from(ip, a));
    live.database.statements.length = 0;
    const aLimited = await from(ip, a);
    const aWork = live.work();
    const bAllowed = await statuses(3, () => from(ip, b));
    const anonymous = await statuses(3, () => from(ip));

    expect(aAllowed).toEqual([200, 200, 200]);
    expectRefused(aLimited, 429, 'RATE_LIMITED');
    expect(Number(aLimited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(aLimited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(aWork).toEqual(nothingRan);
    expect(bAllowed).toEqual([200, 200, 200]);
    expect(anonymous).toEqual([200, 200, 200]);
  });

  it("makes anonymous requests from one address share its budget, and not a viewer's", async () => {
    const ip = '203.0.113.11';

    const anonymous = await statuses(4, () => from(ip));
    const viewer = await from(ip, await bearer({ sub: 'c' }));

    expect(anonymous).toEqual([200, 200, 200, 429]);
    expect(viewer.status).toBe(200);
  });

  it("keeps a viewer's budget wherever they connect from", async () => {
    const d = await bearer({ sub: 'd' });

    const results = [
      (await from('203.0.113.20', d)).status,
      (await from('203.0.113.21', d)).status,
      (await from('203.0.113.22', d)).status,
      (await from('203.0.113.23', d)).status,
    ];

    expect(results).toEqual([200, 200, 200, 429]);
  });

  it('charges requests with a forged token to the address, not to the viewer the token names', async () => {
    const ip = '203.0.113.12';
    const forged = await bearer({ sub: 'b2' }, { secret: 'y'.repeat(40) });

    const forgedStatuses = await statuses(4, () => from(ip, forged));
    const anonymous = await from(ip);
    const victim = await from(ip, await bearer({ sub: 'b2' }));

    expect(forgedStatuses).toEqual([401, 401, 401, 429]);
    expect(anonymous.status).toBe(429);
    expect(victim.status).toBe(200);
    expect(victim.headers.get('x-ratelimit-remaining')).toBe('2');
  });
});
