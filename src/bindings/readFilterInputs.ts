// Validates the filter (`BookWhere`), order (`BookOrder`) and mutation input
// types a binding uses, against the model the binding reads. The contract is
// written in schema.graphql; this checks that the database can honour it.
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import {
  columnsOf,
  findField,
  findModel,
  type DataModel,
  type Model,
  type ModelField,
} from '../sources/prisma/datamodel.ts';
import type { InputSpec, OrderSpec, WhereField, WhereSpec } from './plan.ts';
import { checkScalarType } from './scalarCompat.ts';

// Which built-in filter inputs may stand for a column of each Prisma type.
const filtersFor: Record<string, string[]> = {
  Int: ['IntFilter', 'IDFilter'],
  BigInt: ['IntFilter', 'IDFilter'],
  String: ['StringFilter', 'IDFilter'],
  Float: ['FloatFilter'],
  Decimal: ['FloatFilter'],
  Boolean: ['BooleanFilter'],
  DateTime: ['DateTimeFilter'],
};
const operators = new Set([
  'equals',
  'not',
  'in',
  'notIn',
  'lt',
  'lte',
  'gt',
  'gte',
  'contains',
  'startsWith',
  'endsWith',
]);
const quantifiers = new Set(['some', 'every', 'none']);

export interface FilterInputs {
  where: Map<string, WhereSpec>;
  order: Map<string, OrderSpec>;
  problems: string[];
}

/** The model field an input field reads: `@column(name:)` or the same name. */
export function columnName(schema: GraphQLSchema, node: Parameters<typeof getDirective>[1], name: string): string {
  return (getDirective(schema, node, 'column')?.[0]?.name as string | undefined) ?? name;
}

export function createFilterInputs(schema: GraphQLSchema, dm: DataModel) {
  const result: FilterInputs = { where: new Map(), order: new Map(), problems: [] };
  const problem = (p: string) => result.problems.push(p);

  function expectInput(type: GraphQLInputType, at: string): GraphQLInputObjectType | undefined {
    const named = getNamedType(type);
    if (isInputObjectType(named)) return named;
    problem(`${at} must be an input object type, found ${String(type)}`);
    return undefined;
  }

  function filterFitsColumn(input: GraphQLInputObjectType, field: ModelField): boolean {
    if (field.kind === 'enum') {
      // An enum filter is written in schema.graphql: operators over the enum type.
      return Object.values(input.getFields()).every(
        (f) => operators.has(f.name) && getNamedType(f.type).name === field.type,
      );
    }
    return (filtersFor[field.type] ?? []).includes(input.name);
  }

  /** Checks `input` as a filter over `model`; registers and returns its name. */
  function readWhere(input: GraphQLInputObjectType, model: Model): string {
    const known = result.where.get(input.name);
    if (known) {
      if (known.model.name !== model.name)
        problem(`${input.name} filters model ${known.model.name}, but is also used for model ${model.name}`);
      return input.name;
    }
    const spec: WhereSpec = { model, fields: new Map() };
    result.where.set(input.name, spec); // registered first: filters may be recursive
    for (const f of Object.values(input.getFields())) {
      const at = `${input.name}.${f.name}`;
      if (f.name === 'AND' || f.name === 'OR' || f.name === 'NOT') {
        const inner = getNamedType(f.type);
        if (inner !== input) problem(`${at} must be of type ${f.name === 'NOT' ? input.name : `[${input.name}!]`}`);
        else if (f.name !== 'NOT' && !isListType(isNonNullType(f.type) ? f.type.ofType : f.type))
          problem(`${at} must be a list: [${input.name}!]`);
        spec.fields.set(f.name, { kind: 'logic', op: f.name });
        continue;
      }
      const name = columnName(schema, f, f.name);
      const field = findField(model, name);
      if (!field) {
        problem(
          `${at} names field "${name}" of model ${model.name}, which does not exist; fields: ${model.fields.map((x) => x.name).join(', ')}`,
        );
        continue;
      }
      const fieldInput = expectInput(f.type, at);
      if (!fieldInput) continue;
      spec.fields.set(f.name, readWhereField(fieldInput, field, at) ?? { kind: 'column', field });
    }
    return input.name;
  }

  function readWhereField(input: GraphQLInputObjectType, field: ModelField, at: string): WhereField | undefined {
    if (field.kind !== 'object') {
      if (!filterFitsColumn(input, field)) {
        const allowed =
          field.kind === 'enum'
            ? `an input of operators over ${field.type}`
            : (filtersFor[field.type] ?? []).join(' or ');
        problem(`${at} filters a ${field.type} column, so it must be ${allowed}; found ${input.name}`);
      }
      return { kind: 'column', field };
    }
    const target = findModel(dm, field.type)!;
    if (!field.isList) return { kind: 'toOne', relation: field.name, target: readWhere(input, target) };
    // A to-many relation filter: { some | every | none: TargetWhere }.
    const qs = new Map<string, 'some' | 'every' | 'none'>();
    let targetName: string | undefined;
    for (const q of Object.values(input.getFields())) {
      if (!quantifiers.has(q.name)) {
        problem(`${input.name}.${q.name}: a to-many relation filter takes only some, every and none`);
        continue;
      }
      const qInput = expectInput(q.type, `${input.name}.${q.name}`);
      if (qInput) targetName = readWhere(qInput, target);
      qs.set(q.name, q.name as 'some' | 'every' | 'none');
    }
    if (!targetName) {
      problem(
        `${at} filters the to-many relation ${field.name}: use an input with some/every/none of a ${target.name} filter`,
      );
      return undefined;
    }
    return { kind: 'toMany', relation: field.name, target: targetName, quantifiers: qs };
  }

  /** Checks `input` as an ordering over `model`: each field a SortOrder over a column. */
  function readOrder(input: GraphQLInputObjectType, model: Model): string {
    if (result.order.has(input.name)) return input.name;
    const spec: OrderSpec = { model, fields: new Map() };
    for (const f of Object.values(input.getFields())) {
      const at = `${input.name}.${f.name}`;
      if (getNamedType(f.type).name !== 'SortOrder') problem(`${at} must be of type SortOrder`);
      const name = columnName(schema, f, f.name);
      const field = findField(model, name);
      if (!field || field.kind === 'object') {
        problem(
          `${at} orders by "${name}", which is not a column of model ${model.name}; columns: ${columnsOf(model)
            .map((c) => c.name)
            .join(', ')}`,
        );
        continue;
      }
      spec.fields.set(f.name, field);
    }
    result.order.set(input.name, spec);
    return input.name;
  }

  /** Checks a create/update input: every field writes a column of the right type. */
  function readMutationInput(input: GraphQLInputObjectType, model: Model, mode: 'create' | 'update'): InputSpec {
    const spec: InputSpec = { fields: new Map() };
    for (const f of Object.values(input.getFields())) {
      const at = `${input.name}.${f.name}`;
      const name = columnName(schema, f, f.name);
      const field = findField(model, name);
      if (!field || field.kind === 'object') {
        problem(
          `${at} writes "${name}", which is not a column of model ${model.name}; columns: ${columnsOf(model)
            .map((c) => c.name)
            .join(', ')}`,
        );
        continue;
      }
      const typeProblem = checkScalarType(f.type, field, 'input');
      if (typeProblem) problem(`${at}: ${typeProblem}`);
      spec.fields.set(f.name, field);
    }
    if (mode === 'create') {
      const written = new Set([...spec.fields.values()].map((f) => f.name));
      for (const column of columnsOf(model)) {
        if (column.isRequired && !column.hasDefault && !written.has(column.name))
          problem(`${input.name} creates a ${model.name} but has no field for the required column "${column.name}"`);
      }
      for (const [name, field] of spec.fields) {
        const type = input.getFields()[name]!.type;
        if (field.isRequired && !field.hasDefault && !isNonNullType(type))
          problem(`${input.name}.${name} must be non-null (${String(type)}!): column "${field.name}" is required`);
      }
    }
    return spec;
  }

  return { result, expectInput, readWhere, readOrder, readMutationInput, isEnumType };
}
