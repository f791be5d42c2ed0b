// @auth at startup: every rule of schema.graphql is read into plan.auth, and
// each problem names its coordinate, what was expected and what exists. The
// SDL snippets below are small schemas with one mistake each.
import { describe, expect, it } from 'vitest';
import { BindingError } from '../../../../src/bindings/plan.ts';
import { createSchema, readSchemaFile } from '../../../../src/graphql/createSchema.ts';
import { resolvers } from '../../../../src/resolvers/index.ts';
import { loadDataModel } from '../../../../src/sources/prisma/datamodel.ts';

const datamodel = loadDataModel();

const orderFields = 'id, status, totalCents, customerId, customer, lines, createdAt';
const customerFields = 'id, email, name, createdAt, orders, reviews';

/** The problems createSchema reports for `sdl`; fails the test if there are none. */
function problemsOf(sdl: string): string[] {
  try {
    createSchema({ sdl, datamodel, resolvers: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(BindingError);
    return (error as BindingError).problems;
  }
  throw new Error('expected a BindingError, but the schema was accepted');
}

/** The auth plan of an `sdl` that must be accepted. */
const authOf = (sdl: string) => createSchema({ sdl, datamodel, resolvers: {} }).plan.auth;

/** An Order type with `auth` on it (a directive, or nothing) and a lookup. */
const order = (auth: string, fields = '') => /* GraphQL */ `
  type Order @model ${auth} {
    id: ID!
    ${fields}
  }
  type Query {
    order(id: ID!): Order @find
  }
`;

describe('readAuthRules', () => {
  it("reads the shipped schema's rules: row rules by type, gates by field, Mutation's default", () => {
    const { auth } = createSchema({ sdl: readSchemaFile('schema.graphql'), datamodel, resolvers }).plan;
    const admins = { public: false, roles: ['admin'], claim: 'sub' };

    expect([...auth.types.keys()].sort()).toEqual(['Order', 'OrderLine']);
    expect(auth.types.get('Order')).toEqual([
      {
        public: false,
        owner: { path: ['customerId'], column: expect.objectContaining({ name: 'customerId' }) },
        claim: 'sub',
      },
      admins,
    ]);
    // A path through a relation keeps the key that picks the related row, which an update may not change.
    expect(auth.types.get('OrderLine')![0]).toEqual({
      public: false,
      owner: {
        path: ['order', 'customerId'],
        column: expect.objectContaining({ name: 'customerId', type: 'Int' }),
        keys: ['orderId'],
      },
      claim: 'sub',
    });

    const gated = [...auth.fields.keys()].filter((at) => !at.startsWith('Mutation.')).sort();
    expect(gated).toEqual(['Customer.email', 'Query.customers', 'Stock.reserved']);
    // A field rule's owner column is read with the row even when the client does not select it.
    expect(auth.fields.get('Customer.email')!.columns).toEqual(['id']);
    expect(auth.fields.get('Stock.reserved')).toEqual({
      rules: [{ public: false, roles: ['admin', 'staff'], claim: 'sub' }],
      columns: [],
    });
    // Every mutation gets Mutation's @auth, except placeOrder, whose own @auth (signed in) replaces it.
    expect(auth.fields.get('Mutation.deleteBook')).toEqual({ rules: [admins], columns: [] });
    expect(auth.fields.get('Mutation.placeOrder')).toEqual({ rules: [{ public: false, claim: 'sub' }], columns: [] });
    expect(auth.fields.has('Query.orders')).toBe(false);
  });

  it('reads claim, scopes and public, and an anyOf rule by rule', () => {
    const auth = authOf(
      order(
        '@auth(anyOf: [{ owner: "customerId", claim: "customer_id" }, { scopes: ["orders:read"] }, { public: true }])',
      ),
    );
    expect(auth.types.get('Order')).toEqual([
      {
        public: false,
        owner: { path: ['customerId'], column: expect.objectContaining({ name: 'customerId' }) },
        claim: 'customer_id',
      },
      { public: false, scopes: ['orders:read'], claim: 'sub' },
      { public: true, claim: 'sub' },
    ]);
  });

  describe('owner paths', () => {
    it('reports an owner that names no field of the model, listing its fields', () => {
      expect(problemsOf(order('@auth(owner: "customer_id")'))).toEqual([
        `@auth on Order: owner "customer_id": model Order has no field "customer_id"; fields: ${orderFields}`,
      ]);
    });

    it('reports a step of a path that names no field of the model it reaches', () => {
      expect(problemsOf(order('@auth(owner: "customer.ownerId")'))).toEqual([
        `@auth on Order: owner "customer.ownerId": model Customer has no field "ownerId"; fields: ${customerFields}`,
      ]);
    });

    it('reports a path through a to-many relation', () => {
      const sdl = `type Customer @model @auth(owner: "orders.customerId") { id: ID! } type Query { customer(id: ID!): Customer @find }`;
      expect(problemsOf(sdl)).toEqual([
        '@auth on Customer: owner "orders.customerId": Customer.orders must be a to-one relation to follow',
      ]);
    });

    it('reports a path that ends at a relation or at a column that cannot hold a claim', () => {
      expect(problemsOf(order('@auth(owner: "customer")'))).toEqual([
        '@auth on Order: owner "customer" must end at a String, Int or BigInt column, not Order.customer',
      ]);
      expect(problemsOf(order('@auth(anyOf: [{ roles: ["admin"] }, { owner: "customer.createdAt" }])'))).toEqual([
        '@auth on Order anyOf[1]: owner "customer.createdAt" must end at a String, Int or BigInt column, not Customer.createdAt',
      ]);
    });

    it("reports a field rule's owner that is a path rather than a column of its own row", () => {
      const sdl = order('', 'totalCents: Int @auth(owner: "customer.id")');
      expect(problemsOf(sdl)).toEqual([
        'Order.totalCents: a field rule\'s owner must be a column of Order, not the path "customer.id"',
      ]);
    });

    it('reports an owner on a non-@model type that is not one of its String, ID or Int fields', () => {
      const sdl = /* GraphQL */ `
        type Shipment @auth(owner: "buyer") {
          id: ID!
          customerId: String!
          weight: Float @auth(owner: "weight")
        }
        type Query {
          shipment(id: ID!): Shipment @http(source: "shipping", get: "/shipments/{$args.id}")
        }
        extend schema @source(name: "shipping", url: "http://shipping.test")
      `;
      expect(problemsOf(sdl)).toEqual([
        '@auth on Shipment: owner "buyer" must name a String, ID or Int field of Shipment; fields: id, customerId, weight',
        'Shipment.weight: owner "weight" must name a String, ID or Int field of Shipment; fields: id, customerId, weight',
      ]);
    });

    it('reports an owner rule on Query, on Mutation and on their fields', () => {
      const sdl = /* GraphQL */ `
        ${order('')}
        extend type Query {
          ownOrder(id: ID!): Order @find @auth(owner: "customerId")
        }
        type Mutation @auth(anyOf: [{ roles: ["admin"] }, { owner: "customerId" }]) {
          deleteOrder(id: ID!): Order! @delete
        }
      `;
      expect(problemsOf(sdl)).toEqual([
        'Query.ownOrder: owner rules filter rows; put them on the type a field returns, not on a root type or its fields',
        '@auth on Mutation anyOf[1]: owner rules filter rows; put them on the type a field returns, not on a root type or its fields',
      ]);
    });
  });

  it('reports a non-null field with @auth, since a hidden field is null', () => {
    const sdl = /* GraphQL */ `
      type Customer @model {
        id: ID!
        email: String! @auth(roles: ["admin"])
        orders: [Order!]! @auth(owner: "id")
      }
      type Order @model {
        id: ID!
      }
      type Query {
        customer(id: ID!): Customer @find
      }
    `;
    expect(problemsOf(sdl)).toEqual([
      'Customer.email has @auth, so it must be nullable (a hidden field is null): String',
      'Customer.orders has @auth, so it must be nullable (a hidden field is null): [Order!]',
    ]);
    // Root fields are exempt: their denial is an error at the root, whatever the type.
    expect(() => authOf(`${order('')} extend type Query { orders2(id: ID!): Order! @find @auth }`)).not.toThrow();
  });

  it('reports anyOf given with the arguments of a rule, and an empty anyOf', () => {
    expect(problemsOf(order('@auth(roles: ["admin"], anyOf: [{ owner: "customerId" }])'))).toEqual([
      '@auth on Order: @auth takes either anyOf or the arguments of one rule, not both',
    ]);
    expect(problemsOf(order('@auth(anyOf: [])'))).toEqual(['@auth on Order: @auth(anyOf: []) admits no one']);
  });

  it('reports empty roles and scopes, which admit no one', () => {
    expect(problemsOf(order('@auth(roles: [])'))).toEqual([
      '@auth on Order: roles: [] admits no one; leave it out or name some',
    ]);
    expect(problemsOf(order('', 'totalCents: Int @auth(anyOf: [{ roles: ["admin"] }, { scopes: [] }])'))).toEqual([
      'Order.totalCents anyOf[1]: scopes: [] admits no one; leave it out or name some',
    ]);
  });

  it('reports a public rule with conditions, which they would not restrict', () => {
    expect(problemsOf(order('@auth(public: true, roles: ["admin"])'))).toEqual([
      '@auth on Order: a public rule admits everyone; give roles, scopes or owner in another rule of anyOf',
    ]);
    expect(problemsOf(order('@auth(anyOf: [{ roles: ["admin"] }, { public: true, owner: "customerId" }])'))).toEqual([
      '@auth on Order anyOf[1]: a public rule admits everyone; give roles, scopes or owner in another rule of anyOf',
    ]);
  });

  it('reports every problem of a schema at once, each by its coordinate', () => {
    const sdl = /* GraphQL */ `
      type Order @model @auth(owner: "buyerId") {
        id: ID!
        totalCents: Int! @auth(roles: [])
      }
      type Query @auth(public: true, scopes: ["x"]) {
        order(id: ID!): Order @find
      }
    `;
    expect(problemsOf(sdl)).toEqual([
      `@auth on Order: owner "buyerId": model Order has no field "buyerId"; fields: ${orderFields}`,
      'Order.totalCents: roles: [] admits no one; leave it out or name some',
      'Order.totalCents has @auth, so it must be nullable (a hidden field is null): Int',
      '@auth on Query: a public rule admits everyone; give roles, scopes or owner in another rule of anyOf',
    ]);
  });
});
