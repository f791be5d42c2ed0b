// rememberVerified answers a token it has verified without verifying it
// again, until the token expires or the entry's age runs out, and never
// answers a different text (an edited token) or a refusal from memory.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifier, type VerifyToken } from '../../../src/auth/createVerifier.ts';
import { rememberVerified } from '../../../src/auth/rememberVerified.ts';
import { loadConfig } from '../../../src/config.ts';

const secret = 'remember-verified-test-secret-0123456789abcdef';
const config = loadConfig({ AUTH_JWT_SECRET: secret }).auth; // clock tolerance 5 s
const sign = (claims: Record<string, unknown>, expSeconds: number) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('7')
    .setExpirationTime(expSeconds)
    .sign(new TextEncoder().encode(secret));

// A real jose verifier, counted, behind the memory under test, on a clock the test moves.
function setUp(maxAgeMs = 60_000) {
  const jose = createVerifier(config)!;
  let calls = 0;
  const counted: VerifyToken = (token) => {
    calls++;
    return jose(token);
  };
  const clock = { now: Date.now() };
  const verify = rememberVerified(counted, { maxAgeMs, clockToleranceS: 5, now: () => clock.now });
  return { verify, clock, calls: () => calls };
}

describe('rememberVerified', () => {
  it('verifies a token once for many requests, and answers the same viewer', async () => {
    const { verify, calls } = setUp();
    const token = await sign({ roles: ['admin'] }, Math.floor(Date.now() / 1000) + 3600);

    const first = await verify(token);
    const again = await Promise.all([verify(token), verify(token), verify(token)]);

    expect(first).toMatchObject({ id: '7', roles: new Set(['admin']) });
    expect(again.every((viewer) => viewer === first)).toBe(true);
    expect(calls()).toBe(1);
  });

  it('verifies again, and refuses, a token whose claims were edited after it was verified', async () => {
    const { verify, calls } = setUp();
    const token = await sign({ roles: ['customer'] }, Math.floor(Date.now() / 1000) + 3600);
    await verify(token);
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: '7', roles: ['admin'], exp: 9_999_999_999 })).toString(
      'base64url',
    );

    await expect(verify(`${header}.${payload}.${signature}`)).rejects.toThrow(/signature is not valid/);
    await expect(verify(`${header}.${payload}.${signature}`)).rejects.toThrow(/signature is not valid/);
    expect(calls()).toBe(3);
  });

  it('stops answering a remembered token at its exp plus the clock tolerance', async () => {
    const { verify, clock, calls } = setUp();
    const exp = Math.floor(Date.now() / 1000) + 30;
    const token = await sign({}, exp);
    await verify(token);

    clock.now = (exp + 5) * 1000 - 1; // within the 5 s tolerance: still remembered
    await verify(token);
    expect(calls()).toBe(1);
    clock.now = (exp + 5) * 1000; // past it: verified again
    await verify(token);
    expect(calls()).toBe(2);
  });

  it('refuses a token it had accepted once the token expires (real clock, no tolerance)', async () => {
    const jose = createVerifier({ ...config, clockToleranceS: 0 })!;
    const verify = rememberVerified(jose, { maxAgeMs: 60_000, clockToleranceS: 0 });
    // At least a second of life (exp is in whole seconds), so a busy machine
    // still verifies it before it expires.
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await sign({}, exp);

    await expect(verify(token)).resolves.toMatchObject({ id: '7' });
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    await expect(verify(token)).rejects.toThrow(/expired/);
  });

  it('verifies a remembered token again once the entry is older than maxAgeMs', async () => {
    const { verify, clock, calls } = setUp(1000);
    const token = await sign({}, Math.floor(Date.now() / 1000) + 3600);
    await verify(token);

    clock.now += 999;
    await verify(token);
    expect(calls()).toBe(1);
    clock.now += 1;
    await verify(token);
    expect(calls()).toBe(2);
  });

  it('does not remember a refusal', async () => {
    const { verify, calls } = setUp();
    const expired = await sign({}, Math.floor(Date.now() / 1000) - 60);

    await expect(verify(expired)).rejects.toThrow(/expired/);
    await expect(verify(expired)).rejects.toThrow(/expired/);
    expect(calls()).toBe(2);
  });
});
