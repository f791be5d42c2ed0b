// Translates a client filter (`BookWhere`) into a Prisma `where`, following
// the spec readBindings() checked at startup. Only fields named in the spec are
// read, so a client can never reach a column the schema does not expose.
import type { Where } from '../sources/prisma/batch.ts';
import type { Model, ModelField } from '../sources/prisma/datamodel.ts';
import type { BindingPlan } from './plan.ts';
import { toColumnValue } from './values.ts';

type Input = Record<string, unknown>;

export type Provider = 'sqlite' | 'postgres';

/** Throws when the viewer may not filter or sort a model's rows by a column (RequestAuth). */
export interface ColumnGuard {
  assertCanUseColumn(model: string, column: string): void;
}

// The pattern operators match text literally and ignore case, on both
// providers: the value's LIKE wildcards are escaped with a backslash (on
// SQLite the driver adapter adds the `ESCAPE '\'` clause Prisma omits, see
// sources/prisma/likeEscape.ts), and Postgres is asked for ILIKE, which is what
// SQLite's LIKE already does for ASCII letters.
const patternOps = new Set(['contains', 'startsWith', 'endsWith']);
const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

// One column's operators. A null operand means "unset", except for equals/not,
// where it asks for (no) nulls; a required column holds none, and Prisma
// refuses `equals: null` on it, so that is written as a filter matching nothing.
function columnFilter(field: ModelField, ops: Input, at: string, provider: Provider): Where {
  const filter: Where = {};
  let matchesNothing = false;
  for (const [op, v] of Object.entries(ops)) {
    if (v === undefined) continue;
    if (v === null) {
      if (op === 'equals' && field.isRequired) matchesNothing = true;
      else if (op === 'equals' || (op === 'not' && !field.isRequired)) filter[op] = null;
      continue;
    }
    if (patternOps.has(op) && typeof v === 'string') {
      filter[op] = escapeLike(v);
      if (provider === 'postgres') filter.mode = 'insensitive';
    } else filter[op] = toColumnValue(field, v, `${at}.${op}`);
  }
  return matchesNothing ? { in: [] } : filter;
}

// A filter no row matches: the id (or any column) in an empty list.
function matchNothing(model: Model): Where {
  const column = model.idField ?? model.fields.find((f) => f.kind === 'scalar')!.name;
  return { [column]: { in: [] } };
}

export function toPrismaWhere(
  plan: BindingPlan,
  inputType: string,
  input: Input | null | undefined,
  provider: Provider,
  guard?: ColumnGuard,
): Where | undefined {
  if (!input) return undefined;
  const spec = plan.where.get(inputType)!;
  const where: Where = {};
  for (const [name, value] of Object.entries(input)) {
    const field = spec.fields.get(name);
    if (!field || value === undefined) continue;
    switch (field.kind) {
      case 'logic':
        if (value === null) break;
        where[field.op] =
          field.op === 'NOT'
            ? toPrismaWhere(plan, inputType, value as Input, provider, guard)
            : (value as Input[]).map((v) => toPrismaWhere(plan, inputType, v, provider, guard) ?? {});
        // An empty OR matches nothing, but Prisma drops one nested in AND
        // (where pages and row rules put every filter): say it explicitly.
        if (field.op === 'OR' && (value as Input[]).length === 0) where.OR = [matchNothing(spec.model)];
        break;
      case 'column':
        if (value === null) break;
        guard?.assertCanUseColumn(spec.model.name, field.field.name);
        where[field.field.name] = columnFilter(field.field, value as Input, `${inputType}.${name}`, provider);
        break;
      case 'toOne': {
        // null asks for rows without a related row; a required relation has none.
        const required = spec.model.fields.find((f) => f.name === field.relation)?.isRequired ?? false;
        if (value === null && required) where[field.relation] = { is: { OR: [] } };
        else
          where[field.relation] =
            value === null
              ? { is: null }
              : { is: toPrismaWhere(plan, field.target, value as Input, provider, guard) ?? {} };
        break;
      }
      case 'toMany':
        if (value === null) break;
        where[field.relation] = Object.fromEntries(
          Object.entries(value as Input)
            .filter(([, v]) => v !== undefined && v !== null)
            .map(([q, v]) => [q, toPrismaWhere(plan, field.target, v as Input, provider, guard) ?? {}]),
        );
        break;
    }
  }
  return where;
}
