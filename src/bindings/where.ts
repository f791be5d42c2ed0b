// Translates a client filter (`BookWhere`) into a Prisma `where`, following
// the spec readBindings() checked at startup. Only fields named in the spec are
// read, so a client can never reach a column the schema does not expose.
import type { Where } from '../sources/prisma/batch.ts';
import type { BindingPlan } from './plan.ts';
import { toColumnValue } from './values.ts';

type Input = Record<string, unknown>;

export function toPrismaWhere(plan: BindingPlan, inputType: string, input: Input | null | undefined): Where | undefined {
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
            ? toPrismaWhere(plan, inputType, value as Input)
            : (value as Input[]).map((v) => toPrismaWhere(plan, inputType, v) ?? {});
        break;
      case 'column':
        if (value === null) break;
        where[field.field.name] = Object.fromEntries(
          Object.entries(value as Input)
            .filter(([, v]) => v !== undefined)
            .map(([op, v]) => [op, toColumnValue(field.field, v, `${inputType}.${name}.${op}`)]),
        );
        break;
      case 'toOne':
        where[field.relation] = value === null ? null : { is: toPrismaWhere(plan, field.target, value as Input) ?? {} };
        break;
      case 'toMany':
        if (value === null) break;
        where[field.relation] = Object.fromEntries(
          Object.entries(value as Input)
            .filter(([, v]) => v !== undefined && v !== null)
            .map(([q, v]) => [q, toPrismaWhere(plan, field.target, v as Input) ?? {}]),
        );
        break;
    }
  }
  return where;
}
