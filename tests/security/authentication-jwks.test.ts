// Bearer tokens verified with the keys of a fake identity provider's JWKS
// endpoint (RS256, ES256), whose fetches are counted: one fetch for many
// requests, at most one more per cooldown for unknown key ids, rotation, and
// what happens while the endpoint is down, failing or slow.
import { exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer } from '../helpers/loopbackServer.ts';
import { expectRefused, request, useLiveGateway } from './support.ts';
import {
  type KeyPair,
  booksWithStock,
  expectTokenRefused,
  nothingRan,
  ownEmail,
  publicJwk,
  sign,
  sleep,
  useJwksServer,
  withToken,
} from './tokenSupport.ts';

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
