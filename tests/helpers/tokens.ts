// Bearer tokens for tests, signed as an identity provider would sign them.
// Test gateways verify HS256 tokens with testJwtSecret.
import { SignJWT, type JWTPayload } from 'jose';

export const testJwtSecret = 'switchyard-test-secret-7f3a9c1e5b2d4f6a8c0e';

export interface TokenOptions {
  secret?: string;
  /** `exp` as jose reads it: '1h', or seconds since the epoch. */
  expires?: string | number;
  issuer?: string;
  audience?: string;
}

/** A signed HS256 token with `claims` (`sub`, `roles`, `scope`, …). */
export function signToken(claims: JWTPayload, options: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  jwt.setExpirationTime(options.expires ?? '1h');
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret ?? testJwtSecret));
}

/** `authorization` header for `claims`. */
export async function bearer(claims: JWTPayload, options?: TokenOptions): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signToken(claims, options)}` };
}

/** An admin's claims: every @auth rule of the example admits them. */
export const admin: JWTPayload = { sub: 'admin', roles: ['admin'] };
