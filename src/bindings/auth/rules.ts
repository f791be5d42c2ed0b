// Authorization rules as readAuthRules() checked them, and decide(): what one
// viewer may do under a list of alternative rules. Pure: no request, no I/O.
import type { Viewer } from '../../auth/viewer.ts';
import type { ModelField } from '../../sources/prisma/datamodel.ts';

/**
 * Whose rows a rule admits. On a @model type `path` is model field names:
 * to-one relations, then the column (`order.customerId`), and `column` is that
 * column; elsewhere `path` is one field of the object.
 */
export interface Owner {
  path: string[];
  column?: ModelField;
  /** On a path through relations: the row's columns that pick the first related row (`orderId`). */
  keys?: string[];
}

export interface Rule {
  public: boolean;
  roles?: readonly string[];
  scopes?: readonly string[];
  owner?: Owner;
  claim: string;
}

/** An owner rule the viewer passes, with the claim value rows must match. */
export interface OwnerMatch {
  owner: Owner;
  value: string | number;
}

export type Access =
  | { kind: 'all' }
  /** Only rows (or objects) matching one of `owners`. */
  | { kind: 'rows'; owners: OwnerMatch[] }
  | { kind: 'deny'; code: 'UNAUTHENTICATED' | 'FORBIDDEN' };

export interface FieldRules {
  rules: Rule[];
  /** Parent columns the rules compare (`owner` on a field of a @model type). */
  columns: string[];
}

export interface AuthPlan {
  /** Object type → its rules (type-level @auth), for every path to its values. Query and Mutation are not here. */
  types: Map<string, Rule[]>;
  /** `Type.field` → the rules gating that field: its own @auth, or its root type's default. */
  fields: Map<string, FieldRules>;
  /**
   * Model → column → the gated field reading it (`Customer.email`): filtering
   * or sorting by such a column would reveal it, so only viewers the field's
   * rules admit outright may.
   */
  columns: Map<string, Map<string, { at: string; rules: FieldRules }>>;
}

const all: Access = { kind: 'all' };

function claimValue(viewer: Viewer, claim: string): string | number | undefined {
  const value = viewer.claims[claim];
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : undefined;
}

/** What `viewer` (null: anonymous) may reach under `rules`, any one of which admits. */
export function decide(rules: readonly Rule[], viewer: Viewer | null): Access {
  const owners: OwnerMatch[] = [];
  for (const rule of rules) {
    if (rule.public) return all;
    if (!viewer) continue;
    if (rule.roles && !rule.roles.some((r) => viewer.roles.has(r))) continue;
    if (rule.scopes && !rule.scopes.every((s) => viewer.scopes.has(s))) continue;
    if (!rule.owner) return all;
    const value = claimValue(viewer, rule.claim);
    if (value !== undefined) owners.push({ owner: rule.owner, value });
  }
  if (owners.length) return { kind: 'rows', owners };
  return { kind: 'deny', code: viewer ? 'FORBIDDEN' : 'UNAUTHENTICATED' };
}

/** Whether an object (a row read whole, an HTTP item) is one the owner matches admit; a missing field admits nothing. */
export function ownsObject(owners: readonly OwnerMatch[], value: unknown): boolean {
  return owners.some(({ owner, value: claim }) => {
    let current: unknown = value;
    for (const step of owner.path) {
      if (current === null || typeof current !== 'object') return false;
      current = (current as Record<string, unknown>)[step];
    }
    if (typeof current === 'bigint' || typeof current === 'number' || typeof current === 'string')
      return String(current) === String(claim);
    return false;
  });
}
