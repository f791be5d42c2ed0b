// bindResolvers(): turns a checked BindingPlan into resolvers. Every relation
// hop goes through the request's loaders, so a level of the query costs one
// statement however many parents it has.
import {
  getNamedType,
  isObjectType,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { IResolvers } from '@graphql-tools/utils';
import { notFound } from '../errors/GatewayError.ts';
import type { GatewayContext } from '../graphql/context.ts';
import { countRows, findPage, type Row, type ToManyJoin, type ToOneJoin } from '../sources/prisma/batch.ts';
import type { ChildQuery, CountQuery } from '../loaders/createLoaders.ts';
import type { HeldLoader } from '../loaders/HeldLoader.ts';
import { httpResolver } from './http/httpResolver.ts';
import { planPage, toConnection, type PageArgs, type PagePlan } from './connection.ts';
import { keyWhere, mutationResolver } from './mutations.ts';
import type { BindingPlan, FieldBinding } from './plan.ts';
import { denied } from './auth/RequestAuth.ts';
import { signature } from './signature.ts';
import {
  answeredByKey,
  selectedColumns,
  selectedToMany,
  selectsPageInfo,
  selectedToOne,
  withColumns,
  type SelectedToOne,
} from './selectColumns.ts';

type Resolver = (parent: Row, args: Record<string, unknown>, ctx: GatewayContext, info: GraphQLResolveInfo) => unknown;
// A resolver's key into ctx.memo, under which it keeps a T per field
// selection (the phantom `value` only carries T for the type checker).
type PerField<T> = { readonly value?: T };
const fieldMemo = <T>(): PerField<T> => ({});

// A field's arguments and selection depend only on its AST nodes and the
// request (its variables, its viewer's row rules), so what a resolver derives
// from them (page plan, columns, loader) is the same for every parent in a
// list: it is worked out once per field and request. graphql-js and
// graphql-jit both hand every parent the same fieldNodes array and context
// object. The values live in the request's own memo (ctx.memo): a long-lived
// WeakMap keyed by the context, as before, kept every request's values (its
// loaders, their rows) alive through young-generation GCs, and so promoted
// them to the old generation (11% of W3's allocated bytes, against 1%).
function perField<T>(memo: PerField<T>, info: GraphQLResolveInfo, ctx: GatewayContext, make: () => T): T {
  let byField = ctx.memo.get(memo) as Map<readonly FieldNode[], T> | undefined;
  if (!byField) ctx.memo.set(memo, (byField = new Map()));
  let value = byField.get(info.fieldNodes);
  if (value === undefined) byField.set(info.fieldNodes, (value = make()));
  return value;
}

// The object type whose rows a field reads, and so whose @auth rules apply:
// the type it returns, or a connection's node type.
function rowTypeOf(schema: GraphQLSchema, at: string): string {
  const [typeName, fieldName] = at.split('.') as [string, string];
  const type = getNamedType((schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName]!.type);
  const edges = isObjectType(type) ? type.getFields().edges : undefined;
  if (!edges) return type.name;
  return getNamedType((getNamedType(edges.type) as GraphQLObjectType).getFields().node!.type).name;
}

type ToManyBinding = Extract<FieldBinding, { kind: 'toMany' }>;
// One row past the page when the client asks whether there are more (pageInfo).
const peek = (info: GraphQLResolveInfo) => (selectsPageInfo(info) ? 1 : 0);

interface ChildPage {
  page: PagePlan;
  query: ChildQuery;
  count: CountQuery;
}

// A to-many field's page for one request: what its resolver asks the
// children loader for, and what a root list that reads the relation with its
// page (childJoins) primes that loader with. One function, so both agree.
function childPage(
  plan: BindingPlan,
  binding: ToManyBinding,
  rowType: string,
  args: Record<string, unknown>,
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
): ChildPage {
  const { target, foreignKey } = binding;
  const pageArgs = binding.shape === 'list' ? { ...args, first: args.first ?? ctx.lists.maxPageSize } : args;
  const restrict = ctx.auth.rowWhere(rowType);
  const page = planPage(plan, target, binding.args, pageArgs as PageArgs, ctx.lists, { restrict, guard: ctx.auth });
  const columns = withColumns(selectedColumns(plan, info, target), foreignKey, ...page.columns);
  return {
    page,
    query: {
      where: page.where,
      orderBy: page.orderBy,
      signature: page.signature,
      columns,
      perKey: page.limit + peek(info),
    },
    count: { where: page.filter, signature: signature(page.filter) },
  };
}

// The to-many relations selected on the current list's nodes (and theirs,
// recursively), as joins a source can read with the page; each primes the
// children loader its field's resolver will ask. Relations with row rules for
// this viewer, selected under several aliases, or whose arguments fail are
// left to their resolvers, which report any error in place.
function childJoins(
  schema: GraphQLSchema,
  plan: BindingPlan,
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
): ToManyJoin[] {
  return selectedToMany(plan, info).flatMap(({ binding, at, info: childInfo }): ToManyJoin[] => {
    const rowType = rowTypeOf(schema, at);
    if (ctx.auth.access(rowType).kind !== 'all') return [];
    let child: ChildPage;
    try {
      child = childPage(plan, binding, rowType, childInfo.args, ctx, childInfo);
    } catch {
      return [];
    }
    const { target, foreignKey } = binding;
    const { query } = child;
    return [
      {
        model: target.name,
        foreignKey,
        parentKey: binding.parentKey,
        where: query.where,
        orderBy: query.orderBy,
        columns: query.columns,
        perKey: query.perKey!,
        children: childJoins(schema, plan, ctx, childInfo),
        found: (key, rows) => ctx.loaders.children(target.name, foreignKey, query).prime(key, rows),
      },
    ];
  });
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
    case 'find': {
      const rowType = rowTypeOf(schema, at);
      return async (_parent, args, ctx, info) => {
        const where = ctx.auth.rowWhere(rowType);
        const [[field, value]] = Object.entries(keyWhere(at, binding.keys, args)) as [[string, unknown]];
        const columns = withColumns(selectedColumns(plan, info, binding.model), field);
        // A row the viewer may not see is not found, exactly like a missing one.
        const row = await ctx.loaders.row(binding.model.name, field, columns, where).load(value);
        if (!row && !binding.nullable) throw notFound(`${binding.model.name} with ${field} ${String(value)} not found`);
        return row;
      };
    }
    case 'list': {
      const toOneCache = fieldMemo<SelectedToOne[]>();
      const childrenCache = fieldMemo<ToManyJoin[]>();
      const rowType = rowTypeOf(schema, at);
      return async (_parent, args, ctx, info) => {
        const restrict = ctx.auth.rowWhere(rowType);
        const page = planPage(plan, binding.model, binding.args, args as PageArgs, ctx.lists, {
          restrict,
          guard: ctx.auth,
        });
        const model = binding.model.name;
        const columns = withColumns(selectedColumns(plan, info, binding.model), ...page.columns);
        // The page's selected to-one relations are read with it where the
        // source can, and primed into the loaders their resolvers will use;
        // not those with row rules for this viewer, whose loaders filter.
        const joins = perField(toOneCache, info, ctx, () =>
          selectedToOne(plan, info).filter((join) => ctx.auth.access(join.typeName).kind === 'all'),
        ).map(({ binding: { target, parentKey, targetKey }, columns }): ToOneJoin => {
          const loader = ctx.loaders.row(target.name, targetKey, columns);
          return { model: target.name, parentKey, targetKey, columns, found: (key, row) => loader.prime(key, row) };
        });
        // Likewise its to-many relations, each parent's page of them.
        const children = perField(childrenCache, info, ctx, () => childJoins(schema, plan, ctx, info));
        const rows = await ctx.log.record({ source: 'db', model, operation: 'findMany' }, () =>
          findPage(ctx.db, model, {
            where: page.where,
            orderBy: page.orderBy,
            take: page.limit + peek(info),
            columns,
            joins,
            children,
          }),
        );
        return toConnection(page, rows, () =>
          ctx.log.record({ source: 'db', model, operation: 'count' }, () => countRows(ctx.db, model, page.filter)),
        );
      };
    }
    case 'toOne': {
      const loaders = fieldMemo<HeldLoader<Row | null>>();
      const keyOnly = fieldMemo<boolean>();
      const rowType = rowTypeOf(schema, at);
      const { target, targetKey, parentKey, nullable } = binding;
      const checked = (row: Row | null, where: unknown, key: unknown): Row | null => {
        if (!row && !nullable) {
          // Hidden by a row rule; otherwise the database broke its own constraint.
          if (where) throw denied('FORBIDDEN', `read this ${rowType}`);
          throw new Error(`${at}: no ${target.name} with ${targetKey}=${String(key)}`);
        }
        return row;
      };
      // Not async: a row its page already read (HeldLoader) is returned as a
      // value, without a promise per parent.
      return (parent, _args, ctx, info) => {
        const key = parent[parentKey];
        if (key === null || key === undefined) return null;
        const where = ctx.auth.rowWhere(rowType);
        // `book { id }` needs no read: the parent's foreign key is the row's
        // key, and the database guarantees the row (unless a row rule could hide it).
        const byKey = () => answeredByKey(binding, selectedColumns(plan, info, target));
        if (!where && perField(keyOnly, info, ctx, byKey)) return { [targetKey]: key };
        const loader = perField(loaders, info, ctx, () =>
          ctx.loaders.row(target.name, targetKey, withColumns(selectedColumns(plan, info, target), targetKey), where),
        );
        const held = loader.peek(key);
        return held !== undefined
          ? checked(held, where, key)
          : loader.load(key).then((row) => checked(row, where, key));
      };
    }
    case 'toMany': {
      const plans = fieldMemo<ChildPage & { loader: HeldLoader<Row[]> }>();
      const { target, foreignKey } = binding;
      const rowType = rowTypeOf(schema, at);
      // Not async, like toOne: rows its parents' page read are returned as a value.
      return (parent, args, ctx, info) => {
        const { page, count, loader } = perField(plans, info, ctx, () => {
          const child = childPage(plan, binding, rowType, args, ctx, info);
          return { ...child, loader: ctx.loaders.children(target.name, foreignKey, child.query) };
        });
        const key = parent[binding.parentKey];
        const connect = (rows: Row[]) => {
          const connection = toConnection(page, rows, () =>
            ctx.loaders.childCount(target.name, foreignKey, count).load(key),
          );
          return binding.shape === 'list' ? connection.nodes : connection;
        };
        const held = loader.peek(key);
        return held !== undefined ? connect(held) : loader.load(key).then(connect);
      };
    }
    case 'http':
      return httpResolver(binding, plan.sources.get(binding.source)!) as Resolver;
    case 'create':
    case 'update':
    case 'delete': {
      const [typeName, fieldName] = at.split('.') as [string, string];
      const type = schema.getType(typeName);
      return isObjectType(type)
        ? (mutationResolver(schema, type, fieldName, binding, rowTypeOf(schema, at)) as Resolver)
        : undefined;
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
