// placeOrder: the example's hand-written, transactional mutation. Stock is
// decremented with a conditional update (only where enough copies remain), so
// concurrent orders can never oversell even without serializable isolation;
// any failing line rolls the whole order back. A transaction the database
// aborts over a conflict (deadlock, serialization, SQLite busy) runs again,
// whole, a few times; one past TRANSACTION_TIMEOUT_MS is rolled back and
// answered SERVICE_UNAVAILABLE.
import { ErrorCode } from '../errors/codes.ts';
import { badUserInput, GatewayError, notFound } from '../errors/GatewayError.ts';
import { toColumnValue } from '../bindings/values.ts';
import { fromPrismaError } from '../errors/prismaErrors.ts';
import { retryOnConflict } from '../sources/prisma/retryOnConflict.ts';
import type { MutationResolvers } from '../graphql/resolvers-types.generated.ts';

const idColumn = { name: 'id', type: 'Int' } as Parameters<typeof toColumnValue>[0];
const maxLines = 100;

export const placeOrder: NonNullable<MutationResolvers['placeOrder']> = async (_parent, { input }, ctx) => {
  const customerId = toColumnValue(idColumn, input.customerId, 'PlaceOrderInput.customerId') as number;
  // The order must be one its placer may see: Order's @auth (their own, or an admin's).
  ctx.auth.assertCanWrite('Order', { customerId }, 'place an order');
  if (input.lines.length === 0)
    throw badUserInput('An order needs at least one line', { field: 'PlaceOrderInput.lines' });
  if (input.lines.length > maxLines)
    throw badUserInput(`An order has at most ${maxLines} lines`, { field: 'PlaceOrderInput.lines' });
  const quantities = new Map<number, number>();
  for (const [i, line] of input.lines.entries()) {
    const bookId = toColumnValue(idColumn, line.bookId, `PlaceOrderInput.lines[${i}].bookId`) as number;
    if (line.quantity < 1 || line.quantity > 1000)
      throw badUserInput(`PlaceOrderInput.lines[${i}].quantity must be between 1 and 1000`, {
        field: `lines[${i}].quantity`,
      });
    if (quantities.has(bookId))
      throw badUserInput(`Book ${bookId} appears in more than one line`, { field: `lines[${i}].bookId` });
    quantities.set(bookId, line.quantity);
  }

  const transaction = () =>
    ctx.db.$transaction(async (tx) => {
      const customer = await tx.customer.findUnique({ where: { id: customerId }, select: { id: true } });
      if (!customer) throw notFound(`Customer ${customerId} not found`);
      const bookIds = [...quantities.keys()];
      const books = await tx.book.findMany({ where: { id: { in: bookIds } }, select: { id: true, priceCents: true } });
      const price = new Map(books.map((b) => [b.id, b.priceCents]));
      const missing = bookIds.find((id) => !price.has(id));
      if (missing !== undefined) throw notFound(`Book ${missing} not found`);
      // Rows are locked in id order, so two orders naming the same books in
      // different orders cannot deadlock each other.
      for (const [bookId, quantity] of [...quantities].sort(([a], [b]) => a - b)) {
        const { count } = await tx.book.updateMany({
          where: { id: bookId, stockQuantity: { gte: quantity } },
          data: { stockQuantity: { decrement: quantity } },
        });
        if (count === 0)
          throw new GatewayError(ErrorCode.OUT_OF_STOCK, `Not enough copies of book ${bookId} in stock`, {
            bookId: String(bookId),
          });
      }
      const lines = [...quantities].map(([bookId, quantity]) => ({
        bookId,
        quantity,
        unitPriceCents: price.get(bookId)!,
      }));
      return tx.order.create({
        data: {
          customerId,
          totalCents: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
          lines: { create: lines },
        },
      });
    });
  return ctx.log.record({ source: 'db', model: 'Order', operation: 'placeOrder' }, () =>
    retryOnConflict(transaction).catch((error: unknown) => {
      throw fromPrismaError(error, 'Order');
    }),
  );
};
