// Shared by the reliability suite: the stock invariant that concurrent orders
// must keep. Waiting and in-flight requests are in tests/helpers/inFlight.ts.
import type { Db } from '../../src/sources/prisma/client.ts';

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
