// Bearer tokens over a real socket, verified with an HS256 secret: a request
// without a token is anonymous; a token that fails verification (malformed,
// expired, forged, unsigned, edited, for another issuer or audience, or
// signed with an algorithm the key does not allow) is answered 401
// UNAUTHENTICATED with RFC 6750's WWW-Authenticate header before any SQL
// statement or upstream call.
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, signToken, testJwtSecret } from '../helpers/tokens.ts';
import { request, useLiveGateway } from './support.ts';
import {
  base64url,
  booksWithStock,
  expectTokenRefused,
  ownEmail,
  secondsNow,
  sign,
  withToken,
} from './tokenSupport.ts';

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
