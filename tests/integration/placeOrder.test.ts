// placeOrder: the transactional hand-written mutation. An order either happens
// whole (order, lines, stock decremented) or not at all, and concurrent orders
// never sell more copies than the shop holds.
import { describe, expect, it } from 'vitest';
import { testProviders } from '../helpers/databases.ts';
import { useTestGateway } from '../helpers/gateway.ts';

const placeOrder = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      id
      status
      totalCents
      customer {
        id
      }
      lines {
        quantity
        unitPriceCents
        book {
          id
        }
      }
    }
  }
`;

/** `VERB Table` for a statement, to compare statement sequences across providers. */
const summary = (sql: string) => {
  const table = sql.match(/[`"](?:main|public)[`"]\.[`"](\w+)[`"]/)?.[1];
  return table ? `${sql.split(' ')[0]} ${table}` : sql;
};

describe.each(await testProviders())('placeOrder on %s', (provider) => {
  const t = useTestGateway(provider);

  const order = (customerId: string, lines: { bookId: string; quantity: number }[]) =>
    t.gateway.query(placeOrder, { input: { customerId, lines } });
  const stockOf = async (...ids: number[]) =>
    (await t.database.db.book.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } })).map(
      (b) => b.stockQuantity,
    );
  const failure = (message: string, extensions: Record<string, unknown>) => ({
    status: 200,
    data: null,
    errors: [{ message, path: ['placeOrder'], locations: [{ line: 3, column: 5 }], extensions }],
  });
  const result = async (promise: ReturnType<typeof order>) => {
    const { status, data, errors } = await promise;
    return { status, data, errors };
  };

  it('writes the order and its lines, decrements stock and totals the lines', async () => {
    await t.database.db.book.updateMany({ where: { id: { in: [20, 21] } }, data: { stockQuantity: 10 } });
    const [p20, p21] = (
      await t.database.db.book.findMany({ where: { id: { in: [20, 21] } }, orderBy: { id: 'asc' } })
    ).map((b) => b.priceCents);
    t.database.statements.length = 0;

    const res = await order('4', [
      { bookId: '20', quantity: 2 },
      { bookId: '21', quantity: 3 },
    ]);
    const statements = t.database.statements.map(summary);

    expect(res.errors).toBeUndefined();
    expect(res.data.placeOrder).toEqual({
      id: expect.any(String),
      status: 'PLACED',
      totalCents: 2 * p20! + 3 * p21!,
      customer: { id: '4' },
      lines: [
        { quantity: 2, unitPriceCents: p20, book: { id: '20' } },
        { quantity: 3, unitPriceCents: p21, book: { id: '21' } },
      ],
    });
    expect(await stockOf(20, 21)).toEqual([8, 7]);
    const stored = await t.database.db.order.findUniqueOrThrow({
      where: { id: Number(res.data.placeOrder.id) },
      include: { lines: true },
    });
    expect(stored).toMatchObject({ customerId: 4, totalCents: 2 * p20! + 3 * p21!, status: 'PLACED' });
    expect(stored.lines.map((l) => [l.bookId, l.quantity])).toEqual([
      [20, 2],
      [21, 3],
    ]);
    // The transaction: checks, one conditional decrement per line, the writes; then one statement per level
    // read back. `customer { id }` and `book { id }` are the foreign keys already read: no statement.
    expect(statements).toEqual([
      'SELECT Customer',
      'SELECT Book',
      'UPDATE Book',
      'UPDATE Book',
      'INSERT Order',
      'INSERT OrderLine',
      'SELECT Order',
      'COMMIT',
      'SELECT OrderLine',
    ]);
  });

  it('answers OUT_OF_STOCK and rolls back every line when one line cannot be served', async () => {
    await t.database.db.book.update({ where: { id: 30 }, data: { stockQuantity: 5 } });
    await t.database.db.book.update({ where: { id: 31 }, data: { stockQuantity: 1 } });
    const orders = await t.database.db.order.count();
    const lines = await t.database.db.orderLine.count();

    t.database.statements.length = 0;
    const res = await result(
      order('5', [
        { bookId: '30', quantity: 4 },
        { bookId: '31', quantity: 2 },
      ]),
    );
    expect(t.database.statements.map(summary)).toEqual([
      'SELECT Customer',
      'SELECT Book',
      'UPDATE Book',
      'UPDATE Book',
      'ROLLBACK',
    ]);

    expect(res).toEqual(failure('Not enough copies of book 31 in stock', { code: 'OUT_OF_STOCK', bookId: '31' }));
    expect(await stockOf(30, 31)).toEqual([5, 1]);
    expect(await t.database.db.order.count()).toBe(orders);
    expect(await t.database.db.orderLine.count()).toBe(lines);
  });

  it('answers NOT_FOUND for an unknown customer or book, changing nothing', async () => {
    await t.database.db.book.update({ where: { id: 40 }, data: { stockQuantity: 3 } });
    const orders = await t.database.db.order.count();
    expect(await result(order('9999', [{ bookId: '40', quantity: 1 }]))).toEqual(
      failure('Customer 9999 not found', { code: 'NOT_FOUND' }),
    );
    expect(
      await result(
        order('1', [
          { bookId: '40', quantity: 1 },
          { bookId: '88888', quantity: 1 },
        ]),
      ),
    ).toEqual(failure('Book 88888 not found', { code: 'NOT_FOUND' }));
    expect(await stockOf(40)).toEqual([3]);
    expect(await t.database.db.order.count()).toBe(orders);
  });

  it('rejects duplicate book lines, a zero quantity, no lines and a malformed id before any statement', async () => {
    expect(
      await result(
        order('1', [
          { bookId: '2', quantity: 1 },
          { bookId: '2', quantity: 1 },
        ]),
      ),
    ).toEqual(failure('Book 2 appears in more than one line', { code: 'BAD_USER_INPUT', field: 'lines[1].bookId' }));
    expect(await result(order('1', [{ bookId: '2', quantity: 0 }]))).toEqual(
      failure('PlaceOrderInput.lines[0].quantity must be between 1 and 1000', {
        code: 'BAD_USER_INPUT',
        field: 'lines[0].quantity',
      }),
    );
    expect(await result(order('1', []))).toEqual(
      failure('An order needs at least one line', { code: 'BAD_USER_INPUT', field: 'PlaceOrderInput.lines' }),
    );
    expect(await result(order('one', [{ bookId: '2', quantity: 1 }]))).toEqual(
      failure('PlaceOrderInput.customerId: "one" is not a valid ID', {
        code: 'BAD_USER_INPUT',
        argument: 'PlaceOrderInput.customerId',
      }),
    );
    expect(t.database.statements).toEqual([]);
  });

  it('sells exactly the stock to 20 concurrent buyers of 5 copies: 5 orders, 15 OUT_OF_STOCK, stock 0', async () => {
    await t.database.db.book.update({ where: { id: 50 }, data: { stockQuantity: 5 } });
    const before = await t.database.db.orderLine.count({ where: { bookId: 50 } });

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => order(String((i % 12) + 1), [{ bookId: '50', quantity: 1 }])),
    );

    const placed = results.filter((r) => r.data?.placeOrder);
    const refused = results.filter((r) => r.errors);
    expect(placed).toHaveLength(5);
    expect(refused).toHaveLength(15);
    expect(refused.map((r) => r.errors!.map((e) => [e.extensions?.code, e.message]))).toEqual(
      Array(15).fill([['OUT_OF_STOCK', 'Not enough copies of book 50 in stock']]),
    );
    expect(await stockOf(50)).toEqual([0]);
    expect(await t.database.db.orderLine.count({ where: { bookId: 50 } })).toBe(before + 5);
    expect(new Set(placed.map((r) => r.data.placeOrder.id)).size).toBe(5);
  });

  it('serves concurrent orders naming the same books in opposite orders without deadlock', async () => {
    await t.database.db.book.updateMany({ where: { id: { in: [60, 61] } }, data: { stockQuantity: 100 } });
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        order(
          '2',
          i % 2
            ? [
                { bookId: '60', quantity: 1 },
                { bookId: '61', quantity: 1 },
              ]
            : [
                { bookId: '61', quantity: 1 },
                { bookId: '60', quantity: 1 },
              ],
        ),
      ),
    );
    expect(results.map((r) => r.errors)).toEqual(Array(16).fill(undefined));
    expect(await stockOf(60, 61)).toEqual([84, 84]);
  });
});
