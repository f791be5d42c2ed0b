// A to-one relation that asks only for the related row's key (`book { id }`)
// is answered from the foreign key the parent already holds: no statement,
// no join. Only where the database guarantees the row (an enforced foreign
// key) and no row rule could hide it from the viewer; otherwise it is read.
import { describe, expect, it } from 'vitest';
import { testProviders } from '../helpers/databases.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { bearer } from '../helpers/tokens.ts';

const sizes = { authors: 3, booksPerAuthor: 2, reviewsPerBook: 2, customers: 2 };

describe.each(await testProviders())('to-one relations answered by the key on %s', (provider) => {
  const t = useTestGateway(provider, { seed: sizes });

  async function run(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
    t.database.statements.length = 0;
    const res = (await t.gateway.query(query, variables, headers)) as { data?: any; errors?: unknown };
    expect(res.errors).toBeUndefined();
    return { data: res.data, statements: [...t.database.statements] };
  }

  it('reads no Book for `book { id }`, and gives the ids the reviews hold', async () => {
    const { data, statements } = await run('{ reviews(first: 4) { nodes { id book { id __typename } } } }');
    expect(statements).toHaveLength(1);
    expect(statements[0]).not.toMatch(/"Book"/);
    const stored = await t.database.db.review.findMany({ orderBy: { id: 'asc' }, take: 4 });
    expect(data.reviews.nodes).toEqual(
      stored.map((r) => ({ id: String(r.id), book: { id: String(r.bookId), __typename: 'Book' } })),
    );
  });

  it('reads the Book when anything beside its key is asked for', async () => {
    const { data, statements } = await run('{ reviews(first: 4) { nodes { book { id title } } } }');
    expect(statements.join('\n')).toMatch(/"Book"/);
    expect(data.reviews.nodes.every((n: any) => typeof n.book.title === 'string')).toBe(true);
  });

  it('writes a review and returns `book { id }` in the one INSERT', async () => {
    const { data, statements } = await run(
      'mutation($input: CreateReviewInput!) { createReview(input: $input) { rating book { id } } }',
      { input: { bookId: '2', rating: 5, body: 'Short and true' } },
    );
    expect(data.createReview).toEqual({ rating: 5, book: { id: '2' } });
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^INSERT/);
  });

  it('still reads the row when a row rule may hide it from the viewer', async () => {
    const customerId = (await t.database.db.customer.findFirstOrThrow({ orderBy: { id: 'asc' } })).id;
    const order = await t.database.db.order.create({
      data: { customerId, totalCents: 100, lines: { create: [{ bookId: 1, quantity: 1, unitPriceCents: 100 }] } },
    });
    const query = '{ customer(id: $id) { orders(first: 5) { nodes { lines { order { id } } } } } }'.replace(
      '{ customer',
      'query($id: ID!) { customer',
    );
    const asCustomer = await bearer({ sub: String(customerId) });
    const lines = (data: any) => data.customer.orders.nodes.flatMap((o: any) => o.lines);

    // Order's row rule (its customer or an admin) applies to the customer: the order is read, filtered.
    const own = await run(query, { id: String(customerId) }, asCustomer);
    expect(lines(own.data)).toEqual([{ order: { id: String(order.id) } }]);
    const readsOrders = (statements: string[]) => statements.filter((s) => /FROM\s+"(public|main)"\."Order"/.test(s));
    const withRule = readsOrders(own.statements).length;

    // An admin sees every order: the line's key is enough, one Order read fewer.
    const asAdmin = await run(query, { id: String(customerId) });
    expect(lines(asAdmin.data)).toEqual([{ order: { id: String(order.id) } }]);
    expect(readsOrders(asAdmin.statements).length).toBe(withRule - 1);
  });
});
