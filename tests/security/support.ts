// Shared by the security suites: a gateway on a real loopback socket, requests
// sent with fetch, and the evidence that nothing ran behind a refusal (SQL
// statements recorded by the test database, calls received by the upstreams).
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { createTestGateway, type TestGateway, type TestGatewayOptions } from '../helpers/gateway.ts';
import { request, type HttpResult } from '../helpers/serverProcess.ts';
import { admin, bearer } from '../helpers/tokens.ts';

export { request, type HttpResult };

export interface LiveGateway {
  url: string;
  database: TestDatabase;
  gateway: TestGateway;
  /** SQL statements plus upstream calls since the last test began. */
  work(): { statements: number; upstreamCalls: number };
  /** An admin's `authorization` header; requests without it are anonymous. */
  admin: Record<string, string>;
  post(body: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<HttpResult>;
}

/** A seeded SQLite gateway listening on 127.0.0.1 for the suite, with `env` over the test defaults. */
export function useLiveGateway(env: Record<string, string> = {}, options: TestGatewayOptions = {}): LiveGateway {
  const live = {} as LiveGateway;
  let upstreamBaseline = 0;
  const upstreamCalls = () =>
    (live.gateway.upstreams?.inventory.requests.length ?? 0) + (live.gateway.upstreams?.fx.requests.length ?? 0);
  beforeAll(async () => {
    live.database = await createTestDatabase('sqlite');
    live.gateway = await createTestGateway(live.database, env, options);
    live.url = await live.gateway.listen();
    live.admin = await bearer(admin);
  });
  afterAll(async () => {
    await live.gateway?.close();
    await live.database?.drop();
  });
  beforeEach(() => {
    live.database.statements.length = 0;
    upstreamBaseline = upstreamCalls();
  });
  live.work = () => ({
    statements: live.database.statements.length,
    upstreamCalls: upstreamCalls() - upstreamBaseline,
  });
  live.post = (body, headers = {}) =>
    request(live.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  live.query = (query, variables, headers) => live.post({ query, variables }, headers);
  return live;
}

/** A whole-request refusal: the status, exactly one error with this code, and no data. */
export function expectRefused(res: HttpResult, status: number, code: string): void {
  expect({ status: res.status, codes: res.body?.errors?.map((e: any) => e.extensions?.code) }).toEqual({
    status,
    codes: [code],
  });
  expect(res.body.data).toBeUndefined();
}

/** A response's headers as a plain object, for toMatchObject. */
export function headersOf(res: HttpResult): Record<string, string> {
  const all: Record<string, string> = {};
  res.headers.forEach((value, name) => (all[name] = value));
  return all;
}
