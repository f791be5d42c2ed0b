// The AUTH_* variables: one kind of key (a secret or a JWKS URL), algorithms
// that match it (no algorithm confusion), and settings that would make every
// token fail refused at startup rather than discovered in production.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const secret = 'secret-of-exactly-32-characters!';
const jwksUrl = 'https://id.example.com/.well-known/jwks.json';

/** The ConfigError message loadConfig throws for `env`. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig: authentication', () => {
  it('verifies HS256 tokens with a secret by default', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: secret }).auth).toEqual({
      secret,
      jwksUrl: undefined,
      issuer: undefined,
      audience: undefined,
      algorithms: ['HS256'],
      rolesClaim: 'roles',
      clockToleranceS: 5,
      jwksCacheMs: 600_000,
      jwksCooldownMs: 30_000,
      jwksTimeoutMs: 5000,
    });
  });

  it('verifies RS256 and ES256 tokens with a JWKS URL by default', () => {
    const auth = loadConfig({ AUTH_JWKS_URL: jwksUrl }).auth;

    expect({ secret: auth.secret, jwksUrl: auth.jwksUrl, algorithms: auth.algorithms }).toEqual({
      secret: undefined,
      jwksUrl,
      algorithms: ['RS256', 'ES256'],
    });
  });

  it('has no key without either variable, and treats an empty one as unset', () => {
    expect(loadConfig({}).auth).toMatchObject({ secret: undefined, jwksUrl: undefined });
    expect(loadConfig({ AUTH_JWT_SECRET: '', AUTH_JWKS_URL: jwksUrl }).auth).toMatchObject({
      secret: undefined,
      jwksUrl,
    });
  });

  it('reads the issuer, the audiences, the algorithms, the roles claim and the JWKS timings', () => {
    const auth = loadConfig({
      AUTH_JWKS_URL: jwksUrl,
      AUTH_ISSUER: 'https://id.example.com/',
      AUTH_AUDIENCE: 'switchyard, reports',
      AUTH_ALGORITHMS: 'ES256,EdDSA',
      AUTH_ROLES_CLAIM: 'https://switchyard.example/roles',
      AUTH_CLOCK_TOLERANCE_S: '0',
      AUTH_JWKS_CACHE_MS: '60000',
      AUTH_JWKS_COOLDOWN_MS: '0',
      AUTH_JWKS_TIMEOUT_MS: '250',
    }).auth;

    expect(auth).toMatchObject({
      issuer: 'https://id.example.com/',
      audience: ['switchyard', 'reports'],
      algorithms: ['ES256', 'EdDSA'],
      rolesClaim: 'https://switchyard.example/roles',
      clockToleranceS: 0,
      jwksCacheMs: 60_000,
      jwksCooldownMs: 0,
      jwksTimeoutMs: 250,
    });
  });

  it('refuses both AUTH_JWT_SECRET and AUTH_JWKS_URL', () => {
    expect(refusal({ AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: jwksUrl })).toBe(
      'Invalid configuration: set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both',
    );
  });

  it('refuses a plain-HTTP JWKS URL in production, except on loopback', () => {
    const production = { NODE_ENV: 'production' };
    expect(refusal({ ...production, AUTH_JWKS_URL: 'http://id.example.com/jwks.json' })).toBe(
      'Invalid configuration: AUTH_JWKS_URL must use https in production',
    );
    expect(loadConfig({ ...production, AUTH_JWKS_URL: 'http://127.0.0.1:9000/jwks.json' }).auth.jwksUrl).toBe(
      'http://127.0.0.1:9000/jwks.json',
    );
    expect(loadConfig({ AUTH_JWKS_URL: 'http://id.example.com/jwks.json' }).auth.jwksUrl).toBe(
      'http://id.example.com/jwks.json',
    );
  });

  it('refuses a secret shorter than 32 characters, and takes one of 32', () => {
    expect(secret).toHaveLength(32);

    expect(refusal({ AUTH_JWT_SECRET: secret.slice(1) })).toBe(
      'Invalid configuration:\n✖ must be at least 32 characters (256 bits) for HS256\n  → at AUTH_JWT_SECRET',
    );
    expect(loadConfig({ AUTH_JWT_SECRET: secret }).auth.secret).toBe(secret);
  });

  it.each(['HS256', 'RS256,HS256', 'HS512'])('refuses AUTH_ALGORITHMS=%s with a JWKS URL', (algorithms) => {
    expect(refusal({ AUTH_JWKS_URL: jwksUrl, AUTH_ALGORITHMS: algorithms })).toBe(
      `Invalid configuration: AUTH_ALGORITHMS (${algorithms.replace(',', ', ')}) must be asymmetric (RS256, ES256, …) with AUTH_JWKS_URL`,
    );
  });

  it.each(['RS256', 'HS256,ES256', 'EdDSA'])('refuses AUTH_ALGORITHMS=%s with a secret', (algorithms) => {
    expect(refusal({ AUTH_JWT_SECRET: secret, AUTH_ALGORITHMS: algorithms })).toBe(
      `Invalid configuration: AUTH_ALGORITHMS (${algorithms.replace(',', ', ')}) must be HS256, HS384 or HS512 with AUTH_JWT_SECRET`,
    );
  });

  it('refuses an algorithm jose would not verify with a key, such as none', () => {
    expect(refusal({ AUTH_JWT_SECRET: secret, AUTH_ALGORITHMS: 'none' })).toContain('→ at AUTH_ALGORITHMS[0]');
  });

  // A list that names nothing would make every token fail verification, silently.
  it.each([
    ['AUTH_ALGORITHMS', 'must name at least one algorithm'],
    ['AUTH_AUDIENCE', 'must name at least one audience'],
  ])('refuses an empty %s', (name, message) => {
    expect(refusal({ AUTH_JWT_SECRET: secret, [name]: ' , ' })).toBe(
      `Invalid configuration:\n✖ ${message}\n  → at ${name}`,
    );
  });

  it.each(['file:///etc/jwks.json', 'ftp://id.example.com/jwks.json', 'not a url'])(
    'refuses a JWKS URL that is not http(s): %s',
    (url) => {
      expect(refusal({ AUTH_JWKS_URL: url })).toContain('→ at AUTH_JWKS_URL');
    },
  );

  it.each([
    ['AUTH_CLOCK_TOLERANCE_S', '-1'],
    ['AUTH_JWKS_CACHE_MS', '999'],
    ['AUTH_JWKS_COOLDOWN_MS', '-1'],
    ['AUTH_JWKS_TIMEOUT_MS', '99'],
  ])('refuses %s=%s', (name, value) => {
    expect(refusal({ AUTH_JWKS_URL: jwksUrl, [name]: value })).toContain(`→ at ${name}`);
  });
});
