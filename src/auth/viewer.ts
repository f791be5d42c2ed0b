// The viewer: who a request acts for, made from a verified token's claims.
// Nothing else in the gateway reads tokens; resolvers and rules see this.
import type { JWTPayload } from 'jose';

export interface Viewer {
  /** The token's `sub`. */
  readonly id: string;
  readonly roles: ReadonlySet<string>;
  readonly scopes: ReadonlySet<string>;
  /** Every verified claim, for row rules that compare another claim (`tenant`). */
  readonly claims: Readonly<JWTPayload>;
}

export interface ClaimNames {
  /** The claim holding roles: an array of strings, or one space-separated string. */
  roles: string;
}

// Identity providers spell lists both ways: ["a", "b"] (Auth0 roles, Azure
// `scp` arrays) or "a b" (OAuth 2 `scope`).
function stringSet(value: unknown): Set<string> {
  if (typeof value === 'string') return new Set(value.split(' ').filter(Boolean));
  if (Array.isArray(value)) return new Set(value.filter((v): v is string => typeof v === 'string'));
  return new Set();
}

/** The viewer of verified claims; undefined when the token names no subject. */
export function viewerFromClaims(claims: JWTPayload, names: ClaimNames): Viewer | undefined {
  if (typeof claims.sub !== 'string' || claims.sub === '') return undefined;
  return {
    id: claims.sub,
    roles: stringSet(claims[names.roles]),
    scopes: new Set([...stringSet(claims.scope), ...stringSet(claims.scp)]),
    claims,
  };
}
