// @auth through the whole gateway, on both providers: what customer A,
// customer B, an anonymous client, staff and an admin each get — by id, in
// lists and counts, through aliases and nested paths, in field rules,
// mutations and HTTP data — and, behind every refusal, what did not run (SQL
// statements, upstream calls, rows written). A row the viewer may not see must
// look exactly like one that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { stockFor } from '../../examples/upstreams/inventory.ts';
import { testProviders } from '../helpers/databases.ts';
import { createTestGateway, useTestGateway, type GraphQLResponse, type TestGateway } from '../helpers/gateway.ts';
import { startLoopbackServer, type LoopbackServer } from '../helpers/loopbackServer.ts';
import { admin, bearer } from '../helpers/tokens.ts';

const seed = { authors: 4, booksPerAuthor: 3, reviewsPerBook: 2, customers: 4 };
const shippedSchema = readFileSync('schema.graphql', 'utf8');
// The shipped schema's HTTP sources, pointed nowhere: suites that never query them need no upstream.
const noUpstreams = { INVENTORY_URL: 'http://127.0.0.1:9', INVENTORY_API_KEY: 'k', FX_URL: 'http://127.0.0.1:9' };

type Headers = Record<string, string>;
type Code = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

/** A field error as the client receives it. */
const fieldError = (code: Code, message: string, path: (string | number)[]) => ({
  message,
  path,
  locations: expect.any(Array),
  extensions: { code },
});
const signIn = (what: string, path: (string | number)[]) =>
  fieldError('UNAUTHENTICATED', `Sign in to ${what}: send a bearer token`, path);
const forbidden = (what: string, path: (string | number)[]) => fieldError('FORBIDDEN', `Not allowed to ${what}`, path);

/** The tables a list of SQL statements touched (both providers qualify them: `main`.`Order`, "public"."Order"). */
const tablesOf = (statements: string[]) =>
  [...new Set(statements.flatMap((s) => [...s.matchAll(/[`"](?:main|public)[`"]\.[`"](\w+)[`"]/g)].map((m) => m[1]!)))]
    .sort()
    .join(', ');

/** The response with its errors in path order (execution may report sibling fields' errors in any order). */
const byPath = (res: GraphQLResponse) => ({
  ...res,
  errors: res.errors && [...res.errors].sort((x, y) => String(x.path).localeCompare(String(y.path))),
});

const ids = (nodes: { id: string }[]) => nodes.map((n) => n.id);

describe.each(await testProviders())('authorization on %s', (provider) => {
  // Requests are anonymous unless they send a token.
  const t = useTestGateway(provider, { seed, viewer: null });
  const A = '1';
  const B = '2';
  const as = {} as Record<'a' | 'b' | 'admin' | 'staff' | 'c3', Headers>;
  /** Order ids (ascending) of customers A and B, and the ids of those orders' lines. */
  const orders = { a: [] as string[], b: [] as string[] };
  const lines = { a: [] as string[], b: [] as string[] };

  async function makeOrder(customerId: number, bookIds: number[]): Promise<{ id: string; lineIds: string[] }> {
    const order = await t.database.db.order.create({
      data: {
        customerId,
        totalCents: 100 * bookIds.length,
        lines: { create: bookIds.map((bookId) => ({ bookId, quantity: 1, unitPriceCents: 100 })) },
      },
      include: { lines: { orderBy: { id: 'asc' } } },
    });
    return { id: String(order.id), lineIds: order.lines.map((l) => String(l.id)) };
  }

  beforeAll(async () => {
    as.a = await bearer({ sub: A, roles: ['customer'] });
    as.b = await bearer({ sub: B, roles: ['customer'] });
    as.c3 = await bearer({ sub: '3', roles: ['customer'] });
    as.admin = await bearer(admin);
    as.staff = await bearer({ sub: 'staff-7', roles: ['staff'] });
    // Interleaved, so A's and B's ids alternate and a page of A's orders must skip B's.
    for (const [customer, books] of [
      [1, [1, 2]],
      [2, [1]],
      [1, [3]],
      [2, [2, 4]],
      [1, [1, 5]],
    ] as const) {
      const { id, lineIds } = await makeOrder(customer, [...books]);
      (customer === 1 ? orders.a : orders.b).push(id);
      (customer === 1 ? lines.a : lines.b).push(...lineIds);
    }
    t.database.statements.length = 0;
  });

  const query = <T = any>(doc: string, variables: Record<string, unknown> = {}, headers: Headers = {}) =>
    t.gateway.query<T>(doc, variables, headers);
  /** Status, data and errors: what the client can tell from a response. */
  const seen = ({ status, data, errors }: GraphQLResponse) => ({ status, data, errors });

  describe('Order by id', () => {
    const byId = 'query ($id: ID!) { order(id: $id) { id status totalCents customer { id } } }';

    it("answers another customer's order exactly like an id that does not exist: same response, same SQL", async () => {
      const hidden = await query(byId, { id: orders.b[0] }, as.a);
      const hiddenSql = [...t.database.statements];
      t.database.statements.length = 0;
      const missing = await query(byId, { id: '999999' }, as.a);

      expect(seen(hidden)).toEqual({ status: 200, data: { order: null }, errors: undefined });
      expect(seen(missing)).toEqual(seen(hidden));
      expect(t.database.statements).toEqual(hiddenSql);
      expect(hiddenSql).toHaveLength(1);
    });

    it('gives customers their own order, and admins anyone’s', async () => {
      const own = await query(byId, { id: orders.a[0] }, as.a);
      expect(seen(own)).toEqual({
        status: 200,
        data: { order: { id: orders.a[0], status: 'PLACED', totalCents: 200, customer: { id: A } } },
        errors: undefined,
      });
      const byAdmin = await query(byId, { id: orders.b[0] }, as.admin);
      expect(byAdmin.data.order).toMatchObject({ id: orders.b[0], customer: { id: B } });
      const byB = await query(byId, { id: orders.b[0] }, as.b);
      expect(byB.data.order).toMatchObject({ id: orders.b[0], customer: { id: B } });
    });

    it("keeps B's orders out of many aliases, in one statement", async () => {
      const aliases = [...orders.a, ...orders.b].map((id, i) => `o${i}: order(id: "${id}") { id }`).join(' ');
      const res = await query(`{ ${aliases} }`, {}, as.a);
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({
        o0: { id: orders.a[0] },
        o1: { id: orders.a[1] },
        o2: { id: orders.a[2] },
        o3: null,
        o4: null,
      });
      expect(t.database.statements).toHaveLength(1);
    });

    it('shows a viewer whose subject cannot be a customer id no order on any path', async () => {
      // Staff pass Order's owner rule with sub "staff-7", which no Int customerId equals: no row is theirs.
      const doc = /* GraphQL */ `
        query ($a: ID!, $b: ID!) {
          order(id: $a) {
            id
          }
          orders {
            totalCount
            nodes {
              id
            }
          }
          filtered: orders(where: { customer: { id: { in: [$a, $b] } } }) {
            totalCount
            nodes {
              id
            }
          }
          customer(id: $b) {
            orders {
              totalCount
              nodes {
                id
              }
            }
          }
        }
      `;
      const res = await query(doc, { a: orders.a[0], b: B }, as.staff);
      const none = { totalCount: 0, nodes: [] };
      expect(seen(res)).toEqual({
        status: 200,
        data: { order: null, orders: none, filtered: none, customer: { orders: none } },
        errors: undefined,
      });
    });

    it('does not read a subject with a leading zero as the customer without it', async () => {
      // "01" is another subject than "1": it must not reach customer 1's rows (nor their e-mail).
      const res = await query(
        `{ order(id: "${orders.a[0]}") { id } orders { totalCount } customer(id: "1") { email } }`,
        {},
        await bearer({ sub: '01' }),
      );
      expect(res.data).toEqual({ order: null, orders: { totalCount: 0 }, customer: { email: null } });
      expect(res.errors).toEqual([forbidden('read Customer.email', ['customer', 'email'])]);
    });
  });

  describe('Order lists', () => {
    const list = /* GraphQL */ `
      query ($first: Int, $after: String, $last: Int, $before: String, $where: OrderWhere) {
        orders(first: $first, after: $after, last: $last, before: $before, where: $where) {
          totalCount
          pageInfo {
            hasNextPage
            hasPreviousPage
            startCursor
            endCursor
          }
          edges {
            cursor
            node {
              id
              customer {
                id
              }
            }
          }
        }
      }
    `;
    type Page = {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string };
      edges: { cursor: string; node: { id: string; customer: { id: string } } }[];
    };
    const page = async (vars: Record<string, unknown>, who: Headers) => {
      const res = await query<{ orders: Page }>(list, vars, who);
      expect(res.errors).toBeUndefined();
      return res.data!.orders;
    };

    it('lists and counts only the viewer’s orders; an admin gets all', async () => {
      const ofA = await page({ first: 50 }, as.a);
      expect(ofA.totalCount).toBe(3);
      expect(ofA.edges.map((e) => e.node)).toEqual(orders.a.map((id) => ({ id, customer: { id: A } })));
      const ofB = await page({ first: 50 }, as.b);
      expect({ count: ofB.totalCount, ids: ofB.edges.map((e) => e.node.id) }).toEqual({ count: 2, ids: orders.b });
      const all = await page({ first: 50 }, as.admin);
      expect(all.totalCount).toBe(5);
      expect(all.edges.map((e) => e.node.id).sort()).toEqual([...orders.a, ...orders.b].sort());
    });

    it('pages forward and backward through the viewer’s orders only', async () => {
      const forward: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 5; i++) {
        const p: Page = await page({ first: 1, after }, as.a);
        expect(p.totalCount).toBe(3);
        forward.push(...p.edges.map((e) => e.node.id));
        if (!p.pageInfo.hasNextPage) break;
        after = p.pageInfo.endCursor;
      }
      expect(forward).toEqual(orders.a);

      const backward: string[] = [];
      let before: string | null = null;
      for (let i = 0; i < 5; i++) {
        const p: Page = await page({ last: 2, before }, as.a);
        backward.unshift(...p.edges.map((e) => e.node.id));
        if (!p.pageInfo.hasPreviousPage) break;
        before = p.pageInfo.startCursor;
      }
      expect(backward).toEqual(orders.a);
    });

    it("reads only the viewer's orders after a cursor taken from B's list", async () => {
      const ofB = await page({ first: 1 }, as.b);
      const res = await page({ first: 10, after: ofB.pageInfo.endCursor }, as.a);
      expect(res.edges.map((e) => e.node.id)).toEqual(orders.a.filter((id) => Number(id) > Number(orders.b[0])));
      expect(res.totalCount).toBe(3);
    });

    it('finds nothing with a filter that names another customer, where an admin finds their orders', async () => {
      const byCustomer = { customer: { id: { equals: B } } };
      const byIds = { id: { in: orders.b } };
      for (const where of [byCustomer, byIds, { OR: [byCustomer, byIds] }]) {
        const res = await page({ first: 10, where }, as.a);
        expect({ count: res.totalCount, edges: res.edges }).toEqual({ count: 0, edges: [] });
      }
      const byAdmin = await page({ first: 10, where: byCustomer }, as.admin);
      expect({ count: byAdmin.totalCount, ids: byAdmin.edges.map((e) => e.node.id) }).toEqual({
        count: 2,
        ids: orders.b,
      });
    });

    it('refuses anonymous clients with UNAUTHENTICATED field errors (HTTP 200) and reads no order', async () => {
      const res = await query(`{ orders { totalCount } books(first: 1) { nodes { id } } }`);
      expect(seen(res)).toEqual({
        status: 200,
        data: null,
        errors: [signIn('read Order', ['orders'])],
      });
      expect(tablesOf(t.database.statements)).not.toContain('Order');

      t.database.statements.length = 0;
      const single = await query(`{ order(id: "${orders.a[0]}") { id } book(id: "1") { id } }`);
      expect(seen(single)).toEqual({
        status: 200,
        data: { order: null, book: { id: '1' } },
        errors: [signIn('read Order', ['order'])],
      });
      expect(tablesOf(t.database.statements)).toBe('Book');
    });
  });

  describe('nested paths', () => {
    const customerOrders = /* GraphQL */ `
      query ($id: ID!) {
        customer(id: $id) {
          id
          name
          orders {
            totalCount
            nodes {
              id
            }
          }
        }
      }
    `;

    it("shows B's customer record to A but none of B's orders, counted or listed", async () => {
      const res = await query(customerOrders, { id: B }, as.a);
      expect(res.errors).toBeUndefined();
      expect(res.data.customer).toEqual({ id: B, name: expect.any(String), orders: { totalCount: 0, nodes: [] } });

      const own = await query(customerOrders, { id: B }, as.b);
      expect(own.data.customer.orders).toEqual({ totalCount: 2, nodes: orders.b.map((id) => ({ id })) });
    });

    it("answers anonymous clients UNAUTHENTICATED at the customer's orders, reading no order", async () => {
      const res = await query(customerOrders, { id: B });
      expect(seen(res)).toEqual({
        status: 200,
        data: { customer: null },
        errors: [signIn('read Order', ['customer', 'orders'])],
      });
      expect(tablesOf(t.database.statements)).toBe('Customer');
    });

    it("reaches only the viewer's orders from every reviewer of every review", async () => {
      const doc = `{ reviews(first: 30) { nodes { customer { id orders { totalCount nodes { id } } } } } }`;
      const expectedFor = (viewer: string | 'admin') => (customer: string) => {
        const all = customer === A ? orders.a : customer === B ? orders.b : [];
        const visible = viewer === 'admin' || viewer === customer ? all : [];
        return { totalCount: visible.length, nodes: visible.map((id) => ({ id })) };
      };
      for (const [viewer, headers] of [
        [A, as.a],
        [B, as.b],
        ['admin', as.admin],
      ] as const) {
        const res = await query(doc, {}, headers);
        expect(res.errors).toBeUndefined();
        const customers = (res.data.reviews.nodes as { customer: { id: string; orders: unknown } | null }[])
          .map((r) => r.customer)
          .filter((c) => c !== null);
        // The seed has reviews by both A and B, so both branches are exercised.
        expect(new Set(customers.map((c) => c.id))).toEqual(new Set(['1', '2', '3', '4']));
        for (const c of customers) expect(c.orders).toEqual(expectedFor(viewer)(c.id));
      }
    });

    it("reads A's order lines and back up to their order, never B's", async () => {
      const doc = /* GraphQL */ `
        query ($ids: [ID!]) {
          orders(first: 10, where: { id: { in: $ids } }) {
            nodes {
              id
              lines {
                id
                order {
                  id
                  customer {
                    id
                  }
                }
              }
            }
          }
        }
      `;
      const res = await query(doc, { ids: [...orders.a, ...orders.b] }, as.a);
      expect(res.errors).toBeUndefined();
      const nodes = res.data.orders.nodes as { id: string; lines: { id: string; order: { id: string } }[] }[];
      expect(ids(nodes)).toEqual(orders.a);
      expect(nodes.flatMap((o) => o.lines.map((l) => l.id))).toEqual(lines.a);
      for (const o of nodes) for (const l of o.lines) expect(l.order).toEqual({ id: o.id, customer: { id: A } });

      const byAdmin = await query(doc, { ids: [...orders.a, ...orders.b] }, as.admin);
      const all = byAdmin.data.orders.nodes as { lines: { id: string }[] }[];
      expect(all.flatMap((o) => o.lines.map((l) => l.id)).sort()).toEqual([...lines.a, ...lines.b].sort());
    });
  });

  describe('field rules', () => {
    it("hides B's e-mail from A (null, FORBIDDEN at its path) and leaves the rest of the answer", async () => {
      const doc = `{ mine: customer(id: "${A}") { email } theirs: customer(id: "${B}") { id name email } }`;
      const res = await query(doc, {}, as.a);
      expect(seen(res)).toEqual({
        status: 200,
        data: {
          mine: { email: 'customer1@example.com' },
          theirs: { id: B, name: expect.any(String), email: null },
        },
        errors: [forbidden('read Customer.email', ['theirs', 'email'])],
      });
      const byAdmin = await query(doc, {}, as.admin);
      expect(seen(byAdmin)).toMatchObject({
        data: { mine: { email: 'customer1@example.com' }, theirs: { email: 'customer2@example.com' } },
        errors: undefined,
      });
      const anonymous = await query(`{ customer(id: "${A}") { name email } }`);
      expect(seen(anonymous)).toEqual({
        status: 200,
        data: { customer: { name: expect.any(String), email: null } },
        errors: [signIn('read Customer.email', ['customer', 'email'])],
      });
    });

    it('shows each reviewer’s e-mail to that reviewer only, one error per hidden one', async () => {
      const res = await query(`{ reviews(first: 30) { nodes { customer { id email } } } }`, {}, as.a);
      const customers = (res.data.reviews.nodes as { customer: { id: string; email: string | null } | null }[])
        .map((r) => r.customer)
        .filter((c) => c !== null);
      for (const c of customers) expect(c.email).toBe(c.id === A ? 'customer1@example.com' : null);
      const hidden = customers.filter((c) => c.id !== A).length;
      expect(hidden).toBeGreaterThan(0);
      expect(res.errors).toHaveLength(hidden);
      expect(new Set(res.errors!.map((e) => `${e.extensions!.code} ${e.message}`))).toEqual(
        new Set(['FORBIDDEN Not allowed to read Customer.email']),
      );
    });

    it('refuses the customers list to a customer (FORBIDDEN) and anonymous clients, before any statement', async () => {
      const doc = '{ customers(first: 5) { totalCount nodes { id } } }';
      expect(seen(await query(doc, {}, as.a))).toEqual({
        status: 200,
        data: null,
        errors: [forbidden('read Query.customers', ['customers'])],
      });
      expect(seen(await query(doc))).toEqual({
        status: 200,
        data: null,
        errors: [signIn('read Query.customers', ['customers'])],
      });
      expect(t.database.statements).toEqual([]);
      const byAdmin = await query(doc, {}, as.admin);
      expect(byAdmin.data.customers.totalCount).toBe(seed.customers);
    });

    it('refuses filtering or sorting by a hidden field (it would reveal it), before any statement; admins may', async () => {
      // Customer 2's address starts "customer2@": a filter on it would tell A whether B placed the order.
      const filter = `{ orders(where: { customer: { email: { startsWith: "customer2@" } } }) { totalCount } }`;
      const sort = '{ customers(orderBy: [{ email: DESC }], first: 2) { nodes { id } } }';
      expect(seen(await query(filter, {}, as.a))).toEqual({
        status: 200,
        data: null,
        errors: [forbidden('filter or sort by Customer.email', ['orders'])],
      });
      expect(t.database.statements).toEqual([]);
      expect((await query(filter, {}, as.admin)).data.orders.totalCount).toBe(orders.b.length);
      expect((await query(sort, {}, as.admin)).data.customers.nodes).toEqual([{ id: '4' }, { id: '3' }]);
    });
  });

  describe('mutations', () => {
    const createAuthor = 'mutation ($name: String!) { createAuthor(input: { name: $name }) { id name } }';
    const placeOrder = /* GraphQL */ `
      mutation ($input: PlaceOrderInput!) {
        placeOrder(input: $input) {
          id
          customer {
            id
          }
          lines {
            quantity
          }
        }
      }
    `;
    const stockOf = async (id: number) => (await t.database.db.book.findUniqueOrThrow({ where: { id } })).stockQuantity;
    const orderCount = () => t.database.db.order.count();

    it('refuses createAuthor to a customer (FORBIDDEN) and anonymous clients, writing nothing; an admin creates', async () => {
      const before = await t.database.db.author.count();
      t.database.statements.length = 0;
      expect(seen(await query(createAuthor, { name: 'By a customer' }, as.a))).toEqual({
        status: 200,
        data: null,
        errors: [forbidden('call Mutation.createAuthor', ['createAuthor'])],
      });
      expect(seen(await query(createAuthor, { name: 'By nobody' }))).toEqual({
        status: 200,
        data: null,
        errors: [signIn('call Mutation.createAuthor', ['createAuthor'])],
      });
      expect(t.database.statements).toEqual([]);
      expect(await t.database.db.author.count()).toBe(before);

      const byAdmin = await query(createAuthor, { name: 'By an admin' }, as.admin);
      expect(byAdmin.errors).toBeUndefined();
      expect(
        await t.database.db.author.findUnique({ where: { id: Number(byAdmin.data.createAuthor.id) } }),
      ).toMatchObject({ name: 'By an admin' });
    });

    it('places an order for oneself, which only its customer (and admins) can then read', async () => {
      await t.database.db.book.update({ where: { id: 6 }, data: { stockQuantity: 5 } });
      const res = await query(placeOrder, { input: { customerId: '3', lines: [{ bookId: '6', quantity: 2 }] } }, as.c3);
      expect(res.errors).toBeUndefined();
      expect(res.data.placeOrder).toEqual({ id: expect.any(String), customer: { id: '3' }, lines: [{ quantity: 2 }] });
      expect(await stockOf(6)).toBe(3);
      const id = res.data.placeOrder.id as string;
      const read = `{ order(id: "${id}") { id } }`;
      expect((await query(read, {}, as.c3)).data.order).toEqual({ id });
      expect((await query(read, {}, as.a)).data.order).toBeNull();
    });

    it('refuses an order placed for another customer (FORBIDDEN): no statement, no stock taken, no order', async () => {
      await t.database.db.book.update({ where: { id: 6 }, data: { stockQuantity: 5 } });
      const [stock, count] = [await stockOf(6), await orderCount()];
      t.database.statements.length = 0;
      const input = { customerId: '4', lines: [{ bookId: '6', quantity: 1 }] };
      expect(seen(await query(placeOrder, { input }, as.c3))).toEqual({
        status: 200,
        data: null,
        errors: [forbidden('place an order for someone else', ['placeOrder'])],
      });
      expect(seen(await query(placeOrder, { input }))).toEqual({
        status: 200,
        data: null,
        errors: [signIn('call Mutation.placeOrder', ['placeOrder'])],
      });
      expect(t.database.statements).toEqual([]);
      expect([await stockOf(6), await orderCount()]).toEqual([stock, count]);

      const byAdmin = await query(placeOrder, { input }, as.admin);
      expect(byAdmin.data.placeOrder).toMatchObject({ customer: { id: '4' } });
      expect([await stockOf(6), await orderCount()]).toEqual([stock - 1, count + 1]);
    });
  });

  describe('HTTP data (the example inventory)', () => {
    const isbnWithStock = async () => {
      const books = await t.database.db.book.findMany({ orderBy: { id: 'asc' } });
      return books.find((b) => stockFor(b.isbn))!.isbn;
    };
    const inventoryCalls = () => t.gateway.upstreams!.inventory.requests.length;

    it('hides Stock.reserved from a customer (FORBIDDEN) and anonymous clients, but not the rest of the stock', async () => {
      const isbn = await isbnWithStock();
      const expected = stockFor(isbn)!;
      const before = inventoryCalls();
      const res = await query('query ($isbn: String!) { stock(isbn: $isbn) { available reserved } }', { isbn }, as.a);
      expect(seen(res)).toEqual({
        status: 200,
        data: { stock: { available: expected.available, reserved: null } },
        errors: [forbidden('read Stock.reserved', ['stock', 'reserved'])],
      });
      expect(inventoryCalls() - before).toBe(1);

      const anonymous = await query('query ($isbn: String!) { stock(isbn: $isbn) { reserved } }', { isbn });
      expect(seen(anonymous)).toEqual({
        status: 200,
        data: { stock: { reserved: null } },
        errors: [signIn('read Stock.reserved', ['stock', 'reserved'])],
      });
    });

    it('shows Stock.reserved to admins and to tokens with the staff role, in a batched list too', async () => {
      const isbn = await isbnWithStock();
      for (const who of [as.admin, as.staff]) {
        const res = await query('query ($isbn: String!) { stock(isbn: $isbn) { reserved } }', { isbn }, who);
        expect(seen(res)).toEqual({
          status: 200,
          data: { stock: { reserved: stockFor(isbn)!.reserved } },
          errors: undefined,
        });
      }
      const list = await query('{ books(first: 6) { nodes { isbn stock { reserved } } } }', {}, as.staff);
      expect(list.errors).toBeUndefined();
      for (const b of list.data.books.nodes as { isbn: string; stock: { reserved: number } | null }[])
        expect(b.stock).toEqual(stockFor(b.isbn) ? { reserved: stockFor(b.isbn)!.reserved } : null);
    });
  });

  describe('writes to row-ruled types (a schema that exposes them)', () => {
    // Order and OrderLine writes open to any signed-in viewer, so that only
    // the row rules stand between a customer and someone else's order. The
    // writers are customers 3 and 4, leaving A's and B's orders as they are.
    const sdl = /* GraphQL */ `
      ${shippedSchema}
      extend type Book {
        orderLines: [OrderLine!]!
      }
      input CreateOrderInput {
        customerId: ID!
        totalCents: Int!
      }
      input UpdateOrderInput {
        status: OrderStatus
        customerId: ID
      }
      input UpdateOrderLineInput {
        quantity: Int
        orderId: ID
      }
      extend type Mutation {
        createOrder(input: CreateOrderInput!): Order! @create @auth
        updateOrder(id: ID!, input: UpdateOrderInput!): Order! @update @auth
        deleteOrder(id: ID!): Order! @delete @auth
        updateOrderLine(id: ID!, input: UpdateOrderLineInput!): OrderLine! @update @auth
        deleteOrderLine(id: ID!): OrderLine! @delete @auth
      }
    `;
    let gateway: TestGateway;
    beforeAll(async () => {
      gateway = await createTestGateway(t.database, {}, { sdl, sourceEnv: noUpstreams, viewer: null });
    });
    afterAll(() => gateway?.close());
    const write = (doc: string, variables: Record<string, unknown>, headers: Headers = {}) =>
      gateway.query(doc, variables, headers);
    const updateOrder =
      'mutation ($id: ID!, $input: UpdateOrderInput!) { updateOrder(id: $id, input: $input) { id status customer { id } } }';
    const deleteOrder = 'mutation ($id: ID!) { deleteOrder(id: $id) { id } }';
    const rowOf = (id: string) => t.database.db.order.findUnique({ where: { id: Number(id) } });
    const notFound = (path: string) => ({
      ...fieldError('NOT_FOUND', 'Order not found', [path]),
      extensions: { code: 'NOT_FOUND', model: 'Order' },
    });

    it("cannot update or delete another customer's order (NOT_FOUND, row unchanged); can its own", async () => {
      const theirs = await makeOrder(4, [7]);
      const mine = await makeOrder(3, [7]);
      const before = await rowOf(theirs.id);

      expect(seen(await write(updateOrder, { id: theirs.id, input: { status: 'CANCELLED' } }, as.c3))).toEqual({
        status: 200,
        data: null,
        errors: [notFound('updateOrder')],
      });
      expect(seen(await write(deleteOrder, { id: theirs.id }, as.c3))).toEqual({
        status: 200,
        data: null,
        errors: [notFound('deleteOrder')],
      });
      expect(await rowOf(theirs.id)).toEqual(before);

      const updated = await write(updateOrder, { id: mine.id, input: { status: 'CANCELLED' } }, as.c3);
      expect(seen(updated)).toEqual({
        status: 200,
        data: { updateOrder: { id: mine.id, status: 'CANCELLED', customer: { id: '3' } } },
        errors: undefined,
      });
      const deleted = await write(deleteOrder, { id: mine.id }, as.c3);
      expect(deleted.data).toEqual({ deleteOrder: { id: mine.id } });
      expect(await rowOf(mine.id)).toBeNull();

      // An admin's writes are not restricted.
      expect((await write(updateOrder, { id: theirs.id, input: { status: 'SHIPPED' } }, as.admin)).data).toEqual({
        updateOrder: { id: theirs.id, status: 'SHIPPED', customer: { id: '4' } },
      });
    });

    it('lets a viewer whose subject is no customer id update or delete no order', async () => {
      // Staff pass Order's owner rule with sub "staff-7": their filter matches no row, nested in every write's where.
      const theirs = await makeOrder(4, [7]);
      const before = await rowOf(theirs.id);
      const update = await write(updateOrder, { id: theirs.id, input: { status: 'CANCELLED' } }, as.staff);
      expect(seen(update)).toEqual({
        status: 200,
        data: null,
        errors: [notFound('updateOrder')],
      });
      const remove = await write(deleteOrder, { id: theirs.id }, as.staff);
      expect(seen(remove)).toEqual({
        status: 200,
        data: null,
        errors: [notFound('deleteOrder')],
      });
      expect(await rowOf(theirs.id)).toEqual(before);
    });

    it('refuses an update that hands the order to another customer (FORBIDDEN) before any statement', async () => {
      const mine = await makeOrder(3, [7]);
      t.database.statements.length = 0;
      const res = await write(updateOrder, { id: mine.id, input: { customerId: '4' } }, as.c3);
      expect(seen(res)).toEqual({
        status: 200,
        data: null,
        errors: [forbidden('update Order for someone else', ['updateOrder'])],
      });
      expect(t.database.statements).toEqual([]);
      expect(await rowOf(mine.id)).toMatchObject({ customerId: 3 });
      // Naming oneself as the customer is no transfer.
      const same = await write(updateOrder, { id: mine.id, input: { customerId: '3', status: 'SHIPPED' } }, as.c3);
      expect(same.data).toEqual({ updateOrder: { id: mine.id, status: 'SHIPPED', customer: { id: '3' } } });
    });

    it('creates an order only for the viewer (FORBIDDEN for another customer, nothing written)', async () => {
      const create = 'mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id customer { id } } }';
      const count = await t.database.db.order.count();
      const other = await write(create, { input: { customerId: '4', totalCents: 1 } }, as.c3);
      expect(seen(other)).toEqual({
        status: 200,
        data: null,
        errors: [forbidden('create Order for someone else', ['createOrder'])],
      });
      expect(await t.database.db.order.count()).toBe(count);
      const own = await write(create, { input: { customerId: '3', totalCents: 1 } }, as.c3);
      expect(own.data.createOrder).toEqual({ id: expect.any(String), customer: { id: '3' } });
    });

    it("cannot move its order line into another customer's order (FORBIDDEN), nor touch their lines (NOT_FOUND)", async () => {
      const mine = await makeOrder(3, [8]);
      const theirs = await makeOrder(4, [8]);
      const updateLine =
        'mutation ($id: ID!, $input: UpdateOrderLineInput!) { updateOrderLine(id: $id, input: $input) { id quantity } }';
      const moved = await write(updateLine, { id: mine.lineIds[0], input: { orderId: theirs.id } }, as.c3);
      expect(seen(moved)).toEqual({
        status: 200,
        data: null,
        errors: [forbidden('update OrderLine for someone else', ['updateOrderLine'])],
      });
      expect(await t.database.db.orderLine.findUnique({ where: { id: Number(mine.lineIds[0]) } })).toMatchObject({
        orderId: Number(mine.id),
      });

      const lineNotFound = (path: string) => ({
        ...fieldError('NOT_FOUND', 'OrderLine not found', [path]),
        extensions: { code: 'NOT_FOUND', model: 'OrderLine' },
      });
      const edit = await write(updateLine, { id: theirs.lineIds[0], input: { quantity: 99 } }, as.c3);
      expect(seen(edit)).toEqual({ status: 200, data: null, errors: [lineNotFound('updateOrderLine')] });
      const remove = await write(
        'mutation ($id: ID!) { deleteOrderLine(id: $id) { id } }',
        { id: theirs.lineIds[0] },
        as.c3,
      );
      expect(seen(remove)).toEqual({ status: 200, data: null, errors: [lineNotFound('deleteOrderLine')] });
      expect(await t.database.db.orderLine.findUnique({ where: { id: Number(theirs.lineIds[0]) } })).toMatchObject({
        quantity: 1,
      });

      const own = await write(updateLine, { id: mine.lineIds[0], input: { quantity: 2 } }, as.c3);
      expect(own.data).toEqual({ updateOrderLine: { id: mine.lineIds[0], quantity: 2 } });
    });

    it("reaches OrderLine through order.customerId from a book: only the viewer's lines", async () => {
      // Book 1 is on orders of both A and B.
      const doc = '{ book(id: "1") { orderLines { id order { id } } } }';
      const res = await write(doc, {}, as.a);
      expect(res.errors).toBeUndefined();
      const ofA = await t.database.db.orderLine.findMany({
        where: { bookId: 1, order: { customerId: 1 } },
        orderBy: { id: 'asc' },
      });
      expect(ofA.length).toBeGreaterThan(0);
      expect(res.data.book.orderLines).toEqual(
        ofA.map((l) => ({ id: String(l.id), order: { id: String(l.orderId) } })),
      );

      const byAdmin = await write(doc, {}, as.admin);
      const all = await t.database.db.orderLine.count({ where: { bookId: 1 } });
      expect(byAdmin.data.book.orderLines).toHaveLength(all);
      expect(all).toBeGreaterThan(ofA.length);

      const anonymous = await write(doc, {});
      expect(seen(anonymous)).toEqual({
        status: 200,
        data: { book: null },
        errors: [signIn('read OrderLine', ['book', 'orderLines'])],
      });
    });
  });

  describe('a roles-only @model type and an owner-ruled HTTP type', () => {
    // Authors for staff only (no owner: no row is anyone's), Book.author
    // nullable so a hidden author leaves the book; shipments from a shipping
    // API, each its customer's. BookWhere.author goes: a relation filter into
    // a row-ruled type is refused at startup.
    const sdl = /* GraphQL */ `
      ${shippedSchema
        .replace('type Author @model {', 'type Author @model @auth(roles: ["staff"]) {')
        .replace('  author: AuthorWhere\n', '')
        .replace('  author: Author!\n', '  author: Author\n')}
      extend schema @source(name: "shipping", url: "env:SHIPPING_URL")
      type Shipment @auth(owner: "customerId") {
        id: ID!
        customerId: String!
        carrier: String!
      }
      extend type Customer {
        shipments: [Shipment!]! @http(source: "shipping", get: "/customers/{$parent.id}/shipments")
      }
      extend type Query {
        shipments: [Shipment!]! @http(source: "shipping", get: "/shipments")
        shipment(id: ID!): Shipment @http(source: "shipping", get: "/shipments/{$args.id}")
        requiredShipment(id: ID!): Shipment! @http(source: "shipping", get: "/shipments/{$args.id}")
      }
    `;
    const shipments = [
      { id: 's1', customerId: A, carrier: 'DHL' },
      { id: 's2', customerId: B, carrier: 'UPS' },
      { id: 's3', customerId: A, carrier: 'GLS' },
    ];
    let upstream: LoopbackServer;
    let gateway: TestGateway;
    beforeAll(async () => {
      upstream = await startLoopbackServer((req, res) => {
        const path = new URL(req.url!, 'http://upstream').pathname;
        const json = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (path === '/shipments') return json(200, shipments);
        const one = /^\/shipments\/(\w+)$/.exec(path);
        if (one) {
          const found = shipments.find((s) => s.id === one[1]);
          return found ? json(200, found) : json(404, { error: 'no such shipment' });
        }
        const ofCustomer = /^\/customers\/(\d+)\/shipments$/.exec(path);
        if (ofCustomer)
          return json(
            200,
            shipments.filter((s) => s.customerId === ofCustomer[1]),
          );
        return json(404, {});
      });
      const sourceEnv = { ...noUpstreams, SHIPPING_URL: upstream.url };
      gateway = await createTestGateway(t.database, {}, { sdl, sourceEnv, viewer: null });
    });
    afterAll(async () => {
      await gateway?.close();
      await upstream?.close();
    });
    const ask = (doc: string, headers: Headers = {}) => gateway.query(doc, {}, headers);

    it('refuses a roles-only type to anonymous clients (UNAUTHENTICATED) and customers (FORBIDDEN) before any SQL', async () => {
      const doc = '{ author(id: "1") { name } authors(first: 2) { totalCount } }';
      expect(seen(byPath(await ask(doc)))).toEqual({
        status: 200,
        data: null,
        errors: [signIn('read Author', ['author']), signIn('read Author', ['authors'])],
      });
      expect(seen(byPath(await ask(doc, as.a)))).toEqual({
        status: 200,
        data: null,
        errors: [forbidden('read Author', ['author']), forbidden('read Author', ['authors'])],
      });
      expect(t.database.statements).toEqual([]);
      const byStaff = await ask(doc, as.staff);
      expect(seen(byStaff)).toMatchObject({
        data: { author: { name: expect.any(String) }, authors: { totalCount: await t.database.db.author.count() } },
        errors: undefined,
      });
    });

    it('reads books but not their authors for a customer, and no Author row at all', async () => {
      const res = await ask('{ books(first: 2) { nodes { title author { name } } } }', as.a);
      expect(res.data.books.nodes).toEqual([
        { title: expect.any(String), author: null },
        { title: expect.any(String), author: null },
      ]);
      expect(byPath(res).errors).toEqual([
        forbidden('read Author', ['books', 'nodes', 0, 'author']),
        forbidden('read Author', ['books', 'nodes', 1, 'author']),
      ]);
      expect(tablesOf(t.database.statements)).toBe('Book');

      const byStaff = await ask('{ books(first: 2) { nodes { author { name } } } }', as.staff);
      expect(byStaff.errors).toBeUndefined();
      const named = { author: { name: expect.any(String) } };
      expect(byStaff.data.books.nodes).toEqual([named, named]);
    });

    it("keeps only the viewer's shipments in a list, at the root and under another customer", async () => {
      const before = upstream.requests.length;
      const res = await ask('{ shipments { id carrier } customer(id: "2") { id shipments { id } } }', as.a);
      expect(seen(res)).toEqual({
        status: 200,
        data: {
          shipments: [
            { id: 's1', carrier: 'DHL' },
            { id: 's3', carrier: 'GLS' },
          ],
          customer: { id: B, shipments: [] },
        },
        errors: undefined,
      });
      expect(
        upstream.requests
          .slice(before)
          .map((r) => r.url)
          .sort(),
      ).toEqual(['/customers/2/shipments', '/shipments']);
      const ofB = await ask('{ shipments { id } }', as.b);
      expect(ofB.data).toEqual({ shipments: [{ id: 's2' }] });
    });

    it("answers someone else's shipment like a missing one (null), and FORBIDDEN where null is impossible", async () => {
      const hidden = await ask('{ shipment(id: "s2") { id carrier } }', as.a);
      const missing = await ask('{ shipment(id: "nope") { id carrier } }', as.a);
      expect(seen(hidden)).toEqual({ status: 200, data: { shipment: null }, errors: undefined });
      expect(seen(missing)).toEqual(seen(hidden));
      expect((await ask('{ shipment(id: "s1") { id } }', as.a)).data).toEqual({ shipment: { id: 's1' } });

      const required = await ask('{ requiredShipment(id: "s2") { id } }', as.a);
      expect(seen(required)).toEqual({
        status: 200,
        data: null,
        errors: [forbidden('read Query.requiredShipment', ['requiredShipment'])],
      });
    });

    it('makes no upstream call for an anonymous client', async () => {
      const before = upstream.requests.length;
      const res = await ask('{ shipments { id } shipment(id: "s1") { id } }');
      expect(seen(byPath(res))).toEqual({
        status: 200,
        data: null,
        errors: [signIn('read Shipment', ['shipment']), signIn('read Shipment', ['shipments'])],
      });
      const nested = await ask('{ customer(id: "1") { id shipments { id } } }');
      expect(seen(nested)).toEqual({
        status: 200,
        data: { customer: null },
        errors: [signIn('read Shipment', ['customer', 'shipments'])],
      });
      expect(upstream.requests.length).toBe(before);
    });
  });
});
