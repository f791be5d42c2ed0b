// Rate limits key on the verified viewer: each signed-in viewer has a budget
// of their own wherever they connect from; anonymous requests, and requests
// whose token was refused, spend their address's.
import { describe, expect, it } from 'vitest';
import { bearer } from '../helpers/tokens.ts';
import { expectRefused, useLiveGateway, type HttpResult } from './support.ts';
import { nothingRan } from './tokenSupport.ts';

describe('rate limits per viewer', () => {
  // Each test is its own client address (TRUST_PROXY believes the X-Forwarded-For it sets), so budgets do not mix.
  const live = useLiveGateway({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000', TRUST_PROXY: '127.0.0.1' });
  const query = '{ authors(first: 1) { totalCount } }';
  const from = (ip: string, headers: Record<string, string> = {}) =>
    live.query(query, undefined, { 'x-forwarded-for': ip, ...headers });
  const statuses = async (n: number, send: () => Promise<HttpResult>) => {
    const results = [];
    for (let i = 0; i < n; i++) results.push((await send()).status);
    return results;
  };

  it('gives two viewers on one address a budget each, apart from the address', async () => {
    const ip = '203.0.113.10';
    const [a, b] = [await bearer({ sub: 'a' }), await bearer({ sub: 'b' })];

    const aAllowed = await statuses(3, () => from(ip, a));
    live.database.statements.length = 0;
    const aLimited = await from(ip, a);
    const aWork = live.work();
    const bAllowed = await statuses(3, () => from(ip, b));
    const anonymous = await statuses(3, () => from(ip));

    expect(aAllowed).toEqual([200, 200, 200]);
    expectRefused(aLimited, 429, 'RATE_LIMITED');
    expect(Number(aLimited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(aLimited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(aWork).toEqual(nothingRan);
    expect(bAllowed).toEqual([200, 200, 200]);
    expect(anonymous).toEqual([200, 200, 200]);
  });

  it("makes anonymous requests from one address share its budget, and not a viewer's", async () => {
    const ip = '203.0.113.11';

    const anonymous = await statuses(4, () => from(ip));
    const viewer = await from(ip, await bearer({ sub: 'c' }));

    expect(anonymous).toEqual([200, 200, 200, 429]);
    expect(viewer.status).toBe(200);
  });

  it("keeps a viewer's budget wherever they connect from", async () => {
    const d = await bearer({ sub: 'd' });

    const results = [
      (await from('203.0.113.20', d)).status,
      (await from('203.0.113.21', d)).status,
      (await from('203.0.113.22', d)).status,
      (await from('203.0.113.23', d)).status,
    ];

    expect(results).toEqual([200, 200, 200, 429]);
  });

  it('charges requests with a forged token to the address, not to the viewer the token names', async () => {
    const ip = '203.0.113.12';
    const forged = await bearer({ sub: 'b2' }, { secret: 'y'.repeat(40) });

    const forgedStatuses = await statuses(4, () => from(ip, forged));
    const anonymous = await from(ip);
    const victim = await from(ip, await bearer({ sub: 'b2' }));

    expect(forgedStatuses).toEqual([401, 401, 401, 429]);
    expect(anonymous.status).toBe(429);
    expect(victim.status).toBe(200);
    expect(victim.headers.get('x-ratelimit-remaining')).toBe('2');
  });
});
