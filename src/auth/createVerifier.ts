// Verifies bearer tokens with jose: an HS256 shared secret, or the RS256 /
// ES256 keys of an identity provider's JWKS URL (fetched on first use, cached,
// refetched at most once per cooldown when an unknown key id appears).
// Signature, algorithm, `exp` (required), `nbf`, issuer and audience are
// checked; the verified claims become the viewer.
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import type { AuthConfig } from '../config.ts';
import { rememberVerified } from './rememberVerified.ts';
import { viewerFromClaims, type Viewer } from './viewer.ts';

/** Why a token was refused; `unavailable` means the keys could not be fetched (not the client's fault). */
export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    message: string,
    readonly unavailable = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type VerifyToken = (token: string) => Promise<Viewer>;

// jose's errors, as messages a client may see: what is wrong, never a key or a claim's value.
function describe(error: unknown): TokenError {
  if (error instanceof errors.JWTExpired) return new TokenError('The token has expired');
  if (error instanceof errors.JWTClaimValidationFailed)
    return new TokenError(
      error.reason === 'missing'
        ? `The token has no "${error.claim}" claim`
        : `The token's "${error.claim}" claim is not accepted (${error.reason.replace(/_/g, ' ')})`,
    );
  if (error instanceof errors.JOSEAlgNotAllowed) return new TokenError("The token's signing algorithm is not accepted");
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new TokenError("The token's signature is not valid");
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return new TokenError("No signing key matches the token's key id");
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  )
    return new TokenError('The token is malformed');
  // A JWKS fetch that timed out, failed, or answered something unusable.
  return new TokenError('The signing keys could not be fetched to verify the token; retry later', true, {
    cause: error,
  });
}

// Whether a key lookup failed for want of the key set (the fetch failed,
// timed out or brought back something unusable), not because of the token.
function keySetUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true; // fetch's own TypeError: refused, reset, DNS
  return (
    error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === 'ERR_JOSE_GENERIC'
  );
}

/**
 * jose's remote key set, made to ride out an identity provider's outage:
 * when a refetch fails, the last key set fetched keeps verifying for a
 * cooldown before the next attempt (jose alone would fail every token, and
 * refetch on every request); with no key set yet, requests fail fast for a
 * second between attempts instead of each waiting on the provider.
 */
function resilientKeySet(config: AuthConfig): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(config.jwksUrl!), {
    cacheMaxAge: config.jwksCacheMs,
    cooldownDuration: config.jwksCooldownMs,
    timeoutDuration: config.jwksTimeoutMs,
  });
  let fallback: { keys: JWTVerifyGetKey | undefined; until: number } | undefined;
  return async (header, token) => {
    if (fallback && Date.now() < fallback.until) {
      if (fallback.keys) return fallback.keys(header, token);
      throw new TokenError('The signing keys could not be fetched to verify the token; retry later', true);
    }
    try {
      const key = await remote(header, token);
      fallback = undefined;
      return key;
    } catch (error) {
      if (!keySetUnavailable(error)) throw error;
      const last = remote.jwks();
      fallback = last
        ? { keys: createLocalJWKSet(last), until: Date.now() + config.jwksCooldownMs }
        : { keys: undefined, until: Date.now() + Math.min(config.jwksCooldownMs, 1000) };
      if (!fallback.keys) throw error;
      return fallback.keys(header, token);
    }
  };
}

export function createVerifier(config: AuthConfig): VerifyToken | undefined {
  // A secret's bytes or the key set's lookup: jwtVerify takes either (its overloads differ only in types).
  let key: Uint8Array | JWTVerifyGetKey;
  if (config.secret) key = new TextEncoder().encode(config.secret);
  else if (config.jwksUrl) key = resilientKeySet(config);
  else return undefined;
  const options: JWTVerifyOptions = {
    algorithms: config.algorithms,
    requiredClaims: ['exp'],
    clockTolerance: config.clockToleranceS,
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };
  const verify: VerifyToken = async (token) => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, key as JWTVerifyGetKey, options));
    } catch (error) {
      throw error instanceof TokenError ? error : describe(error);
    }
    const viewer = viewerFromClaims(payload, { roles: config.rolesClaim });
    if (!viewer) throw new TokenError('The token has no "sub" claim naming the viewer');
    return viewer;
  };
  // A minute at most, and no longer than jose keeps a fetched key set.
  return rememberVerified(verify, {
    maxAgeMs: Math.min(60_000, config.jwksUrl ? config.jwksCacheMs : Infinity),
    clockToleranceS: config.clockToleranceS,
  });
}
