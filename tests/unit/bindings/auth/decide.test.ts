// decide(): what one viewer may reach under a list of alternative rules —
// everything, only the rows an owner match admits, or nothing (with the code
// saying whether signing in could help) — and ownsObject(), which applies an
// owner match to a value no database filtered.
import { describe, expect, it } from 'vitest';
import type { JWTPayload } from 'jose';
import { viewerFromClaims, type Viewer } from '../../../../src/auth/viewer.ts';
import { decide, ownsObject, type Owner, type Rule } from '../../../../src/bindings/auth/rules.ts';

/** The viewer of a verified token with `claims` (roles in "roles"). */
const viewer = (claims: JWTPayload): Viewer => viewerFromClaims(claims, { roles: 'roles' })!;
const anonymous = null;

const rule = (conditions: Partial<Rule> = {}): Rule => ({ public: false, claim: 'sub', ...conditions });
const customerId: Owner = { path: ['customerId'] };
const viaOrder: Owner = { path: ['order', 'customerId'] };

const all = { kind: 'all' };
const unauthenticated = { kind: 'deny', code: 'UNAUTHENTICATED' };
const forbidden = { kind: 'deny', code: 'FORBIDDEN' };

describe('decide', () => {
  it('admits everyone, anonymous clients too, under a public rule', () => {
    expect(decide([rule({ public: true })], anonymous)).toEqual(all);
    expect(decide([rule({ public: true })], viewer({ sub: '1' }))).toEqual(all);
  });

  it('admits any signed-in viewer under a rule with no condition, and tells anonymous clients to sign in', () => {
    expect(decide([rule()], viewer({ sub: '1' }))).toEqual(all);
    expect(decide([rule()], anonymous)).toEqual(unauthenticated);
  });

  it('admits a viewer with any one of the roles', () => {
    const staff = [rule({ roles: ['admin', 'staff'] })];
    expect(decide(staff, viewer({ sub: '1', roles: ['staff'] }))).toEqual(all);
    expect(decide(staff, viewer({ sub: '1', roles: ['customer', 'admin'] }))).toEqual(all);
    expect(decide(staff, viewer({ sub: '1', roles: ['customer'] }))).toEqual(forbidden);
    expect(decide(staff, viewer({ sub: '1' }))).toEqual(forbidden);
    expect(decide(staff, anonymous)).toEqual(unauthenticated);
  });

  it('admits a viewer with all of the scopes, from scope or scp', () => {
    const readWrite = [rule({ scopes: ['orders:read', 'orders:write'] })];
    expect(decide(readWrite, viewer({ sub: '1', scope: 'orders:read orders:write' }))).toEqual(all);
    expect(decide(readWrite, viewer({ sub: '1', scp: ['orders:write', 'orders:read', 'x'] }))).toEqual(all);
    expect(decide(readWrite, viewer({ sub: '1', scope: 'orders:read' }))).toEqual(forbidden);
  });

  it('requires every condition of one rule: roles and scopes together', () => {
    const both = [rule({ roles: ['staff'], scopes: ['orders:read'] })];
    expect(decide(both, viewer({ sub: '1', roles: ['staff'], scope: 'orders:read' }))).toEqual(all);
    expect(decide(both, viewer({ sub: '1', roles: ['staff'] }))).toEqual(forbidden);
    expect(decide(both, viewer({ sub: '1', scope: 'orders:read' }))).toEqual(forbidden);
  });

  it("admits only the rows whose owner equals the viewer's claim", () => {
    expect(decide([rule({ owner: customerId })], viewer({ sub: '7' }))).toEqual({
      kind: 'rows',
      owners: [{ owner: customerId, value: '7' }],
    });
    expect(decide([rule({ owner: customerId })], anonymous)).toEqual(unauthenticated);
  });

  it('compares another claim when told, and refuses a viewer without it or with a value that is no id', () => {
    const byTenant = [rule({ owner: customerId, claim: 'tenant' })];
    expect(decide(byTenant, viewer({ sub: '1', tenant: 42 }))).toEqual({
      kind: 'rows',
      owners: [{ owner: customerId, value: 42 }],
    });
    for (const tenant of [undefined, null, true, ['42'], { id: 42 }, Number.NaN, Number.POSITIVE_INFINITY])
      expect(decide(byTenant, viewer({ sub: '1', tenant }))).toEqual(forbidden);
  });

  it('applies the other conditions of an owner rule first', () => {
    const customers = [rule({ roles: ['customer'], owner: customerId })];
    expect(decide(customers, viewer({ sub: '7', roles: ['customer'] }))).toMatchObject({ kind: 'rows' });
    expect(decide(customers, viewer({ sub: '7' }))).toEqual(forbidden);
  });

  describe('several rules (anyOf)', () => {
    const ownOrAdmin = [rule({ owner: customerId }), rule({ roles: ['admin'] })];

    it('admits all when any rule does, whatever the order of the rules', () => {
      const admin = viewer({ sub: 'admin', roles: ['admin'] });
      expect(decide(ownOrAdmin, admin)).toEqual(all);
      expect(decide([...ownOrAdmin].reverse(), admin)).toEqual(all);
      expect(decide([rule({ roles: ['admin'] }), rule({ public: true })], anonymous)).toEqual(all);
    });

    it('falls back to the owner matches when no rule admits all', () => {
      expect(decide(ownOrAdmin, viewer({ sub: '7', roles: ['customer'] }))).toEqual({
        kind: 'rows',
        owners: [{ owner: customerId, value: '7' }],
      });
    });

    it('collects every owner match the viewer passes', () => {
      const twoOwners = [rule({ owner: customerId }), rule({ owner: viaOrder, claim: 'customer' })];
      expect(decide(twoOwners, viewer({ sub: '7', customer: '9' }))).toEqual({
        kind: 'rows',
        owners: [
          { owner: customerId, value: '7' },
          { owner: viaOrder, value: '9' },
        ],
      });
      // A rule whose claim is missing adds no match; the others still count.
      expect(decide(twoOwners, viewer({ sub: '7' }))).toEqual({
        kind: 'rows',
        owners: [{ owner: customerId, value: '7' }],
      });
    });

    it('denies when no rule admits: FORBIDDEN signed in, UNAUTHENTICATED anonymous', () => {
      expect(decide(ownOrAdmin, anonymous)).toEqual(unauthenticated);
      expect(decide([rule({ roles: ['admin'] }), rule({ scopes: ['x'] })], viewer({ sub: '7' }))).toEqual(forbidden);
      expect(decide([], viewer({ sub: '7', roles: ['admin'] }))).toEqual(forbidden);
    });
  });
});

describe('ownsObject', () => {
  it('matches a field of the object, comparing numbers and strings as text', () => {
    expect(ownsObject([{ owner: customerId, value: '7' }], { id: 1, customerId: 7 })).toBe(true);
    expect(ownsObject([{ owner: customerId, value: 7 }], { customerId: '7' })).toBe(true);
    expect(ownsObject([{ owner: customerId, value: '7' }], { customerId: BigInt(7) })).toBe(true);
    expect(ownsObject([{ owner: customerId, value: '7' }], { customerId: 8 })).toBe(false);
    expect(ownsObject([{ owner: customerId, value: '7' }], { customerId: '07' })).toBe(false);
  });

  it('follows a path through nested objects', () => {
    const line = { id: 3, order: { customerId: 7 } };
    expect(ownsObject([{ owner: viaOrder, value: '7' }], line)).toBe(true);
    expect(ownsObject([{ owner: viaOrder, value: '8' }], line)).toBe(false);
  });

  it('admits nothing when the field is missing, null or not a scalar', () => {
    for (const value of [{}, { customerId: null }, { customerId: { id: 7 } }, { customerId: ['7'] }, null, '7'])
      expect(ownsObject([{ owner: customerId, value: '7' }], value)).toBe(false);
    expect(ownsObject([{ owner: viaOrder, value: '7' }], { orderId: 4 })).toBe(false);
  });

  it('admits what any one of several matches admits', () => {
    const matches = [
      { owner: customerId, value: '7' },
      { owner: { path: ['createdBy'] }, value: 'u-1' },
    ];
    expect(ownsObject(matches, { customerId: 2, createdBy: 'u-1' })).toBe(true);
    expect(ownsObject(matches, { customerId: 2, createdBy: 'u-2' })).toBe(false);
  });
});
