// Rate limits over a real socket: past RATE_LIMIT_MAX requests in a window a
// client gets 429 RATE_LIMITED with Retry-After, in the GraphQL error shape,
// and nothing runs; health probes are never limited; a forged
// X-Forwarded-For does not buy a fresh budget unless TRUST_PROXY says so.
import { describe, expect, it } from 'vitest';
import { rateLimitKey } from '../../src/http/security.ts';
import { expectRefused, request, useLiveGateway } from './support.ts';

const query = '{ authors(first: 1) { totalCount } }';

describe('rate limits', () => {
  const live = useLiveGateway({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' });

  it('answers 429 RATE_LIMITED with Retry-After once the budget is spent, and runs nothing', async () => {
    const allowed = [];
    for (let i = 0; i < 3; i++) allowed.push(await live.query(query));
    live.database.statements.length = 0;

    const limited = await live.query(query, undefined, { 'x-forwarded-for': '203.0.113.7' });

    expect(allowed.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(allowed[0]!.headers.get('x-ratelimit-limit')).toBe('3');
    expectRefused(limited, 429, 'RATE_LIMITED');
    expect(limited.body.errors[0].message).toMatch(/^Too many requests: at most 3 per 1 minute/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    expect(live.work()).toEqual({ statements: 0, upstreamCalls: 0 });
  });

  it('never limits /healthz and /readyz', async () => {
    const origin = new URL(live.url).origin;

    const probes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => request(`${origin}/${i % 2 ? 'healthz' : 'readyz'}`)),
    );

    expect(probes.map((r) => r.status)).toEqual(Array(10).fill(200));
  });
});

describe('rateLimitKey', () => {
  it('keys a request by its IP, as Fastify resolved it under TRUST_PROXY', () => {
    expect(rateLimitKey({ ip: '198.51.100.4' } as never)).toBe('ip:198.51.100.4');
  });
});

describe('rate limits behind a trusted proxy', () => {
  const live = useLiveGateway({ RATE_LIMIT_MAX: '1', TRUST_PROXY: '127.0.0.1' });

  it('keys clients by the X-Forwarded-For address the proxy set', async () => {
    const first = await live.query(query, undefined, { 'x-forwarded-for': '203.0.113.1' });
    const again = await live.query(query, undefined, { 'x-forwarded-for': '203.0.113.1' });
    const other = await live.query(query, undefined, { 'x-forwarded-for': '203.0.113.2' });

    expect([first.status, again.status, other.status]).toEqual([200, 429, 200]);
  });
});
