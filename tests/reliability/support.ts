// Shared by the reliability suite: the stock invariant that concurrent orders
// must keep, and small helpers for driving a real server process.
import { request as httpRequest, type ClientRequest } from 'node:http';
import type { Db } from '../../src/sources/prisma/client.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * Every way the books' stock and the orders can disagree, as readable lines
 * (empty when consistent): stock below zero, copies sold plus copies left not
 * equal to the copies there were, an order without lines or whose total is not
 * the sum of its lines.
 */
export async function stockViolations(db: Db, initialStock: Map<number, number>): Promise<string[]> {
  const violations: string[] = [];
  const bookIds = [...initialStock.keys()];
  const books = await db.book.findMany({ where: { id: { in: bookIds } }, select: { id: true, stockQuantity: true } });
  const sold = await db.orderLine.groupBy({
    by: ['bookId'],
    where: { bookId: { in: bookIds } },
    _sum: { quantity: true },
  });
  for (const { id, stockQuantity } of books) {
    const copiesSold = sold.find((s) => s.bookId === id)?._sum.quantity ?? 0;
    if (stockQuantity < 0) violations.push(`book ${id}: stock ${stockQuantity} is negative`);
    if (copiesSold + stockQuantity !== initialStock.get(id))
      violations.push(
        `book ${id}: ${copiesSold} sold + ${stockQuantity} left != ${initialStock.get(id)} there were (oversold or lost)`,
      );
  }
  const orders = await db.order.findMany({ include: { lines: true } });
  for (const order of orders) {
    if (order.lines.length === 0) violations.push(`order ${order.id} has no lines`);
    const total = order.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
    if (total !== order.totalCents) violations.push(`order ${order.id}: total ${order.totalCents} != lines ${total}`);
  }
  return violations;
}

export interface StalledPost {
  /** Sends the rest of the body. */
  finish(): void;
  response: Promise<{ status: number; body: any }>;
  request: ClientRequest;
  /** Resolves when the socket is closed, by either side. */
  closed: Promise<void>;
}

/**
 * A POST whose body arrives in two parts: between them the request is in
 * flight on the server (its onRequest hook ran) while the server is idle.
 */
export function stalledPost(url: string, payload: unknown): StalledPost {
  const body = Buffer.from(JSON.stringify(payload));
  const req = httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': body.length },
  });
  const closed = new Promise<void>((resolve) => req.on('socket', (socket) => socket.once('close', () => resolve())));
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, 10));
  return { finish: () => req.end(body.subarray(10)), response, request: req, closed };
}
