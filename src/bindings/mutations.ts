// Resolvers for @create, @update and @delete. Inputs are checked (nulls,
// @constraint, IDs) before the database is called; database refusals a client
// can cause (duplicates, missing rows, dangling references) become safe errors.
import { getNamedType, type GraphQLInputObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { badUserInput } from '../errors/GatewayError.ts';
import { fromPrismaError } from '../errors/prismaErrors.ts';
import type { GatewayContext } from '../graphql/context.ts';
import type { Row, Where } from '../sources/prisma/batch.ts';
import { createRow, deleteRow, updateRow } from '../sources/prisma/writes.ts';
import type { FieldBinding, InputSpec, KeyArg } from './plan.ts';
import { checkConstraint, readConstraint, toColumnValue } from './values.ts';

type Args = Record<string, unknown>;
type MutationBinding = Extract<FieldBinding, { kind: 'create' | 'update' | 'delete' }>;

/** The unique-key filter from the one key argument given. */
export function keyWhere(at: string, keys: KeyArg[], args: Args): Where {
  const given = keys.filter((k) => args[k.arg] !== undefined && args[k.arg] !== null);
  if (given.length !== 1) {
    throw badUserInput(`${at} needs exactly one of: ${keys.map((k) => k.arg).join(', ')}`);
  }
  const key = given[0]!;
  return { [key.field.name]: toColumnValue(key.field, args[key.arg], `${at}(${key.arg}:)`) };
}

function toData(schema: GraphQLSchema, inputType: GraphQLInputObjectType, spec: InputSpec, input: Args): Row {
  const data: Row = {};
  const fields = inputType.getFields();
  for (const [name, value] of Object.entries(input)) {
    const column = spec.fields.get(name);
    if (!column || value === undefined) continue;
    const at = `${inputType.name}.${name}`;
    if (value === null && column.isRequired) throw badUserInput(`${at} cannot be null`, { field: at });
    const rule = readConstraint(schema, fields[name]!);
    if (rule) checkConstraint(rule, value, at);
    data[column.name] = toColumnValue(column, value, at);
  }
  return data;
}

/**
 * The resolver of a @create, @update or @delete field. `rowType` is the type
 * it returns, whose @auth row rule (if any) the write must respect: a row
 * the viewer may not see cannot be updated or deleted (it is not found), and
 * a created or updated row must stay the viewer's.
 */
export function mutationResolver(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  fieldName: string,
  binding: MutationBinding,
  rowType: string,
) {
  const at = `${type.name}.${fieldName}`;
  const field = type.getFields()[fieldName]!;
  const inputType = (b: Extract<MutationBinding, { inputArg: string }>) =>
    getNamedType(field.args.find((a) => a.name === b.inputArg)!.type) as GraphQLInputObjectType;
  const model = binding.model.name;

  return async (_parent: unknown, args: Args, ctx: GatewayContext): Promise<Row> => {
    const { db } = ctx;
    // Extra filters go beside the unique key (`{ id, AND: [...] }`).
    const restricted = (key: Where): Where => {
      const restrict = ctx.auth.rowWhere(rowType);
      return restrict ? { ...key, AND: [restrict] } : key;
    };
    let run: () => Promise<Row>;
    switch (binding.kind) {
      case 'create': {
        const data = toData(schema, inputType(binding), binding.input, args[binding.inputArg] as Args);
        ctx.auth.assertCanWrite(rowType, data, `create ${rowType}`);
        run = () => createRow(db, model, data);
        break;
      }
      case 'update': {
        const where = restricted(keyWhere(at, binding.keys, args));
        const data = toData(schema, inputType(binding), binding.input, args[binding.inputArg] as Args);
        if (Object.keys(data).length === 0) throw badUserInput(`${at}: input sets no field`);
        ctx.auth.assertKeepsOwner(rowType, data, `update ${rowType}`);
        run = () => updateRow(db, model, where, data);
        break;
      }
      case 'delete': {
        const where = restricted(keyWhere(at, binding.keys, args));
        run = () => deleteRow(db, model, where);
        break;
      }
    }
    try {
      return await ctx.log.record({ source: 'db', model, operation: binding.kind }, run);
    } catch (error) {
      throw fromPrismaError(error, model);
    }
  };
}
