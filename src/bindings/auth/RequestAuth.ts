// One request's authorization: the viewer, and what each rule decides for
// them, worked out once per type or field and request. Bindings ask it for
// the `where` that hides rows (so a hidden row looks missing at every path),
// wrapped resolvers ask it to gate fields and filter values.
import type { Viewer } from '../../auth/viewer.ts';
import { ErrorCode } from '../../errors/codes.ts';
import { GatewayError } from '../../errors/GatewayError.ts';
import type { Where } from '../../sources/prisma/batch.ts';
import { decide, ownsObject, type Access, type AuthPlan, type FieldRules, type OwnerMatch } from './rules.ts';

const all: Access = { kind: 'all' };
// An integer as it is written canonically: `01` or `-0` is another claim than `1` or `0`.
const integer = /^(0|-?[1-9]\d{0,14})$/;

/** The error for a denial: UNAUTHENTICATED for an anonymous viewer, FORBIDDEN for a signed-in one. */
export function denied(code: 'UNAUTHENTICATED' | 'FORBIDDEN', what: string): GatewayError {
  return code === 'UNAUTHENTICATED'
    ? new GatewayError(ErrorCode.UNAUTHENTICATED, `Sign in to ${what}: send a bearer token`)
    : new GatewayError(ErrorCode.FORBIDDEN, `Not allowed to ${what}`);
}

// The Prisma filter for rows owned per one match: `{ customerId: 7 }`, or
// through relations `{ order: { is: { customerId: 7 } } }`. A claim that
// cannot be a value of the column (`abc` or `07` for an Int) matches no row:
// `{ customerId: { in: [] } }`. Not `{ OR: [] }`: callers nest this filter in
// AND, where Prisma 7 drops an empty OR, and every row would match.
function ownerWhere({ owner, value }: OwnerMatch): Where {
  const column = owner.column!;
  let v: unknown = String(value);
  if (column.type === 'Int' || column.type === 'BigInt') {
    const text = String(value);
    if (!integer.test(text) || (column.type === 'Int' && Math.abs(Number(text)) >= 2 ** 31)) v = { in: [] };
    else v = column.type === 'BigInt' ? BigInt(text) : Number(text);
  }
  return owner.path.slice(0, -1).reduceRight<Where>((inner, relation) => ({ [relation]: { is: inner } }), {
    [column.name]: v,
  });
}

export class RequestAuth {
  private readonly types = new Map<string, Access>();
  private readonly wheres = new Map<string, Where | undefined>();
  private readonly fields = new Map<FieldRules, Access>();

  constructor(
    private readonly plan: AuthPlan,
    readonly viewer: Viewer | null,
  ) {}

  // What a field's rules decide for the viewer, once per field and request.
  private fieldAccess(rules: FieldRules): Access {
    let access = this.fields.get(rules);
    if (!access) this.fields.set(rules, (access = decide(rules.rules, this.viewer)));
    return access;
  }

  /** What the viewer may see of `type`'s values. */
  access(type: string): Access {
    let access = this.types.get(type);
    if (!access) {
      const rules = this.plan.types.get(type);
      access = rules ? decide(rules, this.viewer) : all;
      this.types.set(type, access);
    }
    return access;
  }

  /**
   * The filter keeping only `type`'s rows the viewer may see: undefined when
   * they may see all; throws when they may see none. The same object for the
   * whole request, so loaders can key on it.
   */
  rowWhere(type: string): Where | undefined {
    if (this.wheres.has(type)) return this.wheres.get(type);
    const access = this.access(type);
    if (access.kind === 'deny') throw denied(access.code, `read ${type}`);
    const where =
      access.kind === 'all'
        ? undefined
        : access.owners.length === 1
          ? ownerWhere(access.owners[0]!)
          : { OR: access.owners.map(ownerWhere) };
    this.wheres.set(type, where);
    return where;
  }

  /**
   * Throws unless the viewer may filter or sort `model` rows by `column`:
   * always, unless a field with its own @auth reads the column; then only
   * when its rules admit the viewer for every row (an owner rule is not
   * enough: the filter would test other rows' values).
   */
  assertCanUseColumn(model: string, column: string): void {
    const guarded = this.plan.columns.get(model)?.get(column);
    if (!guarded) return;
    const access = this.fieldAccess(guarded.rules);
    if (access.kind === 'all') return;
    throw denied(access.kind === 'deny' ? access.code : 'FORBIDDEN', `filter or sort by ${guarded.at}`);
  }

  /** Throws unless the field's rules admit the viewer (and, for owner rules, own `parent`). */
  checkField(at: string, rules: FieldRules, parent: unknown): void {
    const access = this.fieldAccess(rules);
    if (access.kind === 'all') return;
    const what = at.startsWith('Mutation.') ? `call ${at}` : `read ${at}`;
    if (access.kind === 'deny') throw denied(access.code, what);
    if (!ownsObject(access.owners, parent)) throw denied('FORBIDDEN', what);
  }

  /**
   * Values of `type` that no `where` filtered (HTTP data, hand-written
   * resolvers): what the viewer may not see is dropped from lists, or null.
   * Only called after access() said 'rows'.
   */
  visible(type: string, value: unknown): boolean {
    const access = this.access(type);
    return access.kind === 'all' || (access.kind === 'rows' && ownsObject(access.owners, value));
  }

  /** Throws unless the viewer may see a `type` row holding `data` (column → value): a create must name its owner. */
  assertCanWrite(type: string, data: Record<string, unknown>, what: string): void {
    const access = this.access(type);
    if (access.kind === 'all') return;
    if (access.kind === 'deny') throw denied(access.code, what);
    if (!ownsObject(access.owners, data)) throw denied('FORBIDDEN', `${what} for someone else`);
  }

  /**
   * Throws when an update's `data` would hand a row the viewer owns to
   * someone else: it sets an owner column, or the key of the first relation
   * on an owner path (`orderId` for `order.customerId`). The new owner behind
   * such a key is not read, so only a column owner `data` names keeps it.
   */
  assertKeepsOwner(type: string, data: Record<string, unknown>, what: string): void {
    const access = this.access(type);
    if (access.kind !== 'rows') return;
    const setsOwner = access.owners.some(({ owner }) =>
      (owner.path.length === 1 ? owner.path : (owner.keys ?? [])).some((column) => column in data),
    );
    if (setsOwner && !ownsObject(access.owners, data)) throw denied('FORBIDDEN', `${what} for someone else`);
  }
}
