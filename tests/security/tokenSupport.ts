// Shared by the authentication suites: tokens signed by hand (any algorithm,
// any claims, broken on purpose), the check that a refused token ran nothing,
// and a fake identity provider's JWKS endpoint whose fetches are counted.
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, expect } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../helpers/loopbackServer.ts';
import { expectRefused, type HttpResult, type LiveGateway } from './support.ts';

/** SQL statements and an inventory call: a refusal's `work()` of 0 is meaningful. */
export const booksWithStock = '{ books(first: 2) { nodes { title stock { available } } } }';
export const ownEmail = '{ customer(id: "1") { email } }';
export const nothingRan = { statements: 0, upstreamCalls: 0 };

export type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export const secondsNow = () => Math.floor(Date.now() / 1000);
export const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
export const withToken = (token: string) => ({ authorization: `Bearer ${token}` });
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A token signed with `key` under `header`, valid for an hour unless `claims` say otherwise.
export function sign(
  key: CryptoKey | Uint8Array,
  header: { alg: string; kid?: string },
  claims: JWTPayload,
): Promise<string> {
  return new SignJWT({ exp: secondsNow() + 3600, ...claims }).setProtectedHeader(header).setIssuedAt().sign(key);
}

/** 401 UNAUTHENTICATED with `message`, the same words in WWW-Authenticate, and nothing run. */
export function expectTokenRefused(live: LiveGateway, res: HttpResult, message: string): void {
  expectRefused(res, 401, 'UNAUTHENTICATED');
  expect(res.body.errors[0].message).toBe(message);
  // A quoted-string cannot hold a double quote: the header says 'exp' where the message says "exp".
  expect(res.headers.get('www-authenticate')).toBe(
    `Bearer error="invalid_token", error_description="${message.replaceAll('"', "'")}"`,
  );
  expect(live.work()).toEqual(nothingRan);
}

/** A fake identity provider: serves `keys` as its JWKS (`mode` 'hang' never answers, 'fail' answers 500) and counts the fetches. */
export function useJwksServer(env: Record<string, string>) {
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
export async function publicJwk(pair: KeyPair, kid: string, alg: string): Promise<JWK> {
  return { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
}
