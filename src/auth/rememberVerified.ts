// Tokens already verified, remembered for a while. A client sends the same
// token with every request, and jose verifies through WebCrypto, which on
// Node 20 costs about 70 µs of CPU per HS256 token (the same HMAC through
// node:crypto takes 2 µs): as much again as a one-row read. So each verified
// token's viewer is kept, keyed by the whole token, signature included, so a
// text that differs anywhere (an edited claim, a forged signature) is never
// answered from here but verified afresh. Refusals are not kept.
//
// An entry lives until the token expires (`exp`, with the same clock
// tolerance jose allows) and at most `maxAgeMs`: verification's other inputs
// only change with time, or, for a JWKS, when the provider withdraws a key,
// which jose itself notices only when its key set is refetched. The number
// of entries is capped (least recently used go first). Every request with
// the token gets the same Viewer object, which is why its members are read-only.
import { LRUCache } from 'lru-cache';
import type { VerifyToken } from './createVerifier.ts';
import type { Viewer } from './viewer.ts';

export interface RememberOptions {
  /** The longest an entry is trusted. */
  maxAgeMs: number;
  /** Seconds a token is still accepted past its `exp` (jose's `clockTolerance`). */
  clockToleranceS: number;
  /** At most this many tokens are kept. */
  maxTokens?: number;
  /** Tokens longer than this are verified every time (a cap on memory). */
  maxTokenChars?: number;
  /** The clock, in epoch milliseconds (tests move it). */
  now?: () => number;
}

export function rememberVerified(
  verify: VerifyToken,
  { maxAgeMs, clockToleranceS, maxTokens = 1000, maxTokenChars = 4096, now = Date.now }: RememberOptions,
): VerifyToken {
  const kept = new LRUCache<string, { viewer: Viewer; until: number }>({ max: maxTokens });
  return async (token) => {
    const hit = kept.get(token);
    if (hit) {
      if (now() < hit.until) return hit.viewer;
      kept.delete(token); // expired or aged out: not kept while it is verified again
    }
    const viewer = await verify(token);
    const exp = viewer.claims.exp; // required by the verifier, so always a number here
    const until = Math.min(now() + maxAgeMs, ((exp ?? 0) + clockToleranceS) * 1000);
    if (token.length <= maxTokenChars && until > now()) kept.set(token, { viewer, until });
    return viewer;
  };
}
