import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSource } from '../../../src/sources/http/HttpSource.ts';
import { type LoopbackServer, startLoopbackServer } from '../../helpers/loopbackServer.ts';
import { closed, failureOf, sendJson, sourceConfig } from './fixtures.ts';

let server: LoopbackServer;
let source: HttpSource;
afterEach(async () => {
  source?.close();
  await server?.close();
});

// Generous upper bounds: a loaded two-core CI machine must keep them.
const TIMEOUT = 300;
const SLACK = 1700;

/** Runs `handler` for every request and hands out each response, to watch its connection. */
async function upstream(handler: (res: ServerResponse, n: number) => void) {
  const responses: ServerResponse[] = [];
  server = await startLoopbackServer((_req, res) => {
    responses.push(res);
    handler(res, responses.length);
  });
  return responses;
}

async function expectTimeout(call: Promise<unknown>) {
  const started = performance.now();
  expect(await failureOf(call)).toEqual({
    code: 'UPSTREAM_TIMEOUT',
    message: `inventory did not answer within ${TIMEOUT} ms`,
  });
  const elapsed = performance.now() - started;
  // Not TIMEOUT: libuv starts a timer from the loop's cached time, which may
  // be older than \`started\` when the tick was busy (first import, load).
  expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT / 2);
  expect(elapsed).toBeLessThan(TIMEOUT + SLACK);
}

describe('timeouts', () => {
  it('gives up on an upstream that never answers, and closes the connection', async () => {
    const responses = await upstream(() => undefined);
    source = new HttpSource(sourceConfig(server.url, { timeoutMs: TIMEOUT, retries: 0 }));
    await expectTimeout(source.call({ method: 'GET', path: '/stock' }));
    await closed(responses[0]!);
  });

  it('gives up on an upstream that sends headers and then stalls the body', async () => {
    const responses = await upstream((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"stock": [');
    });
    source = new HttpSource(sourceConfig(server.url, { timeoutMs: TIMEOUT, retries: 0 }));
    await expectTimeout(source.call({ method: 'GET', path: '/stock' }));
    await closed(responses[0]!);
  });

  it('bounds the whole body, not the gap between chunks: a slow drip times out too', async () => {
    const responses = await upstream((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const timer = setInterval(() => res.write('1,'), 50);
      res.on('close', () => clearInterval(timer));
    });
    source = new HttpSource(sourceConfig(server.url, { timeoutMs: TIMEOUT, retries: 0 }));
    await expectTimeout(source.call({ method: 'GET', path: '/stock' }));
    await closed(responses[0]!);
  });

  it('retries a timed-out GET, each attempt with its own timeout', async () => {
    await upstream((res, n) => {
      if (n > 1) sendJson(res, 200, { ok: true });
    });
    source = new HttpSource(sourceConfig(server.url, { timeoutMs: TIMEOUT, retries: 1 }));
    const result = await source.call({ method: 'GET', path: '/stock' });
    expect(result).toMatchObject({ value: { ok: true }, attempts: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it('stops a call whose caller aborts, and closes the connection', async () => {
    const responses = await upstream(() => undefined);
    source = new HttpSource(sourceConfig(server.url, { timeoutMs: 10_000, retries: 0 }));
    const controller = new AbortController();
    const call = source.call({ method: 'GET', path: '/stock', signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    expect(await failureOf(call)).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'inventory call cancelled: the caller aborted',
    });
    await closed(responses[0]!);
  });

  it('close() ends calls in flight and refuses new ones', async () => {
    const responses = await upstream(() => undefined);
    source = new HttpSource(sourceConfig(server.url, { timeoutMs: 10_000 }));
    const call = source.call({ method: 'GET', path: '/stock' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    source.close();
    const expected = { code: 'UPSTREAM_UNAVAILABLE', message: 'inventory call cancelled: the source is closed' };
    expect(await failureOf(call)).toEqual(expected);
    expect(await failureOf(source.call({ method: 'GET', path: '/stock' }))).toEqual(expected);
    await closed(responses[0]!);
    expect(server.requests).toHaveLength(1);
  });
});
