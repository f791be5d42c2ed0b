// bindResolvers(): turns a checked BindingPlan into resolvers. Every relation
// hop goes through the request's loaders, so a level of the query costs one
// statement however many parents it has.
import { isObjectType, type FieldNode, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { IResolvers } from '@graphql-tools/utils';
import { notFound } from '../errors/GatewayError.ts';
import type { GatewayContext } from '../graphql/context.ts';
import { countRows, findPage, type Row, type ToOneJoin } from '../sources/prisma/batch.ts';
import type { ChildQuery, CountQuery } from '../loaders/createLoaders.ts';
import { httpResolver } from './http/httpResolver.ts';
import { planPage, toConnection, type PageArgs, type PagePlan } from './connection.ts';
import { keyWhere, mutationResolver } from './mutations.ts';
import type { BindingPlan, FieldBinding } from './plan.ts';
import { selectedColumns, selectedToOne, withColumns, type Columns, type SelectedToOne } from './selectColumns.ts';

type Resolver = (parent: Row, args: Record<string, unknown>, ctx: GatewayContext, info: GraphQLResolveInfo) => unknown;
type PerField<T> = WeakMap<readonly FieldNode[], WeakMap<object, T>>;

// A field's arguments and selection depend only on its AST nodes and the
// request's variables, so what a resolver derives from them (page plan,
// columns) is the same for every parent in a list: it is worked out once per
// field and request. graphql-js and graphql-jit both hand every parent the
// same fieldNodes array and variables object.
function perField<T>(cache: PerField<T>, info: GraphQLResolveInfo, make: () => T): T {
  let byVariables = cache.get(info.fieldNodes);
  if (!byVariables) cache.set(info.fieldNodes, (byVariables = new WeakMap()));
  let value = byVariables.get(info.variableValues);
  if (value === undefined) byVariables.set(info.variableValues, (value = make()));
  return value;
}

function resolverFor(
  schema: GraphQLSchema,
  plan: BindingPlan,
  at: string,
  binding: FieldBinding,
): Resolver | undefined {
  switch (binding.kind) {
    case 'resolver':
      return undefined; // hand-written, in src/resolvers/
    case 'column':
      return (parent) => parent[binding.column];
    case 'find':
      return async (_parent, args, ctx, info) => {
        const [[field, value]] = Object.entries(keyWhere(at, binding.keys, args)) as [[string, unknown]];
        const columns = withColumns(selectedColumns(plan, info, binding.model), field);
        const row = await ctx.loaders.row(binding.model.name, field, columns).load(value);
        if (!row && !binding.nullable) throw notFound(`${binding.model.name} with ${field} ${String(value)} not found`);
        return row;
      };
    case 'list': {
      const toOneCache: PerField<SelectedToOne[]> = new WeakMap();
      return async (_parent, args, ctx, info) => {
        const page = planPage(plan, binding.model, binding.args, args as PageArgs, ctx.lists);
        const model = binding.model.name;
        const columns = withColumns(selectedColumns(plan, info, binding.model), ...page.columns);
        // The page's selected to-one relations are read with it where the
        // source can, and primed into the loaders their resolvers will use.
        const joins = perField(toOneCache, info, () => selectedToOne(plan, info)).map(
          ({ binding: { target, parentKey, targetKey }, columns }): ToOneJoin => ({
            model: target.name,
            parentKey,
            targetKey,
            columns,
            found: (key, row) => ctx.loaders.row(target.name, targetKey, columns).prime(key, row),
          }),
        );
        const rows = await ctx.log.record({ source: 'db', model, operation: 'findMany' }, () =>
          findPage(ctx.db, model, { where: page.where, orderBy: page.orderBy, take: page.limit + 1, columns, joins }),
        );
        return toConnection(page, rows, () =>
          ctx.log.record({ source: 'db', model, operation: 'count' }, () => countRows(ctx.db, model, page.filter)),
        );
      };
    }
    case 'toOne': {
      const columnsCache: PerField<{ columns: Columns }> = new WeakMap();
      return async (parent, _args, ctx, info) => {
        const key = parent[binding.parentKey];
        if (key === null || key === undefined) return null;
        const { columns } = perField(columnsCache, info, () => ({
          columns: withColumns(selectedColumns(plan, info, binding.target), binding.targetKey),
        }));
        const row = await ctx.loaders.row(binding.target.name, binding.targetKey, columns).load(key);
        // A required relation with no row means the database broke its own constraint.
        if (!row && !binding.nullable)
          throw new Error(`${at}: no ${binding.target.name} with ${binding.targetKey}=${String(key)}`);
        return row;
      };
    }
    case 'toMany': {
      const plans: PerField<{ page: PagePlan; query: ChildQuery; count: CountQuery }> = new WeakMap();
      const { target, foreignKey } = binding;
      return async (parent, args, ctx, info) => {
        const { page, query, count } = perField(plans, info, () => {
          const pageArgs = binding.shape === 'list' ? { ...args, first: args.first ?? ctx.lists.maxPageSize } : args;
          const page = planPage(plan, target, binding.args, pageArgs as PageArgs, ctx.lists);
          const columns = withColumns(selectedColumns(plan, info, target), foreignKey, ...page.columns);
          return {
            page,
            query: {
              where: page.where,
              orderBy: page.orderBy,
              signature: page.signature,
              columns,
              perKey: page.limit + 1,
            },
            count: { where: page.filter, signature: JSON.stringify(page.filter ?? null) },
          };
        });
        const key = parent[binding.parentKey];
        const rows = await ctx.loaders.children(target.name, foreignKey, query).load(key);
        const connection = toConnection(page, rows, () =>
          ctx.loaders.childCount(target.name, foreignKey, count).load(key),
        );
        return binding.shape === 'list' ? connection.nodes : connection;
      };
    }
    case 'http':
      return httpResolver(binding, plan.sources.get(binding.source)!) as Resolver;
    case 'create':
    case 'update':
    case 'delete': {
      const [typeName, fieldName] = at.split('.') as [string, string];
      const type = schema.getType(typeName);
      return isObjectType(type) ? (mutationResolver(schema, type, fieldName, binding) as Resolver) : undefined;
    }
  }
}

export function bindResolvers(schema: GraphQLSchema, plan: BindingPlan): IResolvers<Row, GatewayContext> {
  const resolvers: Record<string, Record<string, Resolver>> = {};
  for (const [at, binding] of plan.fields) {
    const resolve = resolverFor(schema, plan, at, binding);
    if (!resolve) continue;
    const [typeName, fieldName] = at.split('.') as [string, string];
    (resolvers[typeName] ??= {})[fieldName] = resolve;
  }
  return resolvers as IResolvers<Row, GatewayContext>;
}
