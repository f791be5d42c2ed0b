// authorizeResolvers(): puts @auth in front of the resolvers that need it,
// once, when the schema is built. Two kinds of guard:
// - a field gate (a field's own @auth, or its root type's default) runs
//   before the field's resolver, so a denied field calls no source;
// - a value filter, for fields returning a type with rules whose values no
//   row rule filtered at the source (HTTP data, hand-written resolvers, plain
//   object fields): values the viewer may not see are dropped or null.
// Bound fields over @model types are not filtered here: bindResolvers pushes
// their rules into the database query, and connection plumbing (edges,
// nodes) only carries rows that were read that way.
import {
  defaultFieldResolver,
  getNamedType,
  isNonNullType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { GatewayContext } from '../../graphql/context.ts';
import type { BindingPlan } from '../plan.ts';
import { denied } from './RequestAuth.ts';

const filteredAtSource = new Set(['find', 'list', 'toOne', 'toMany', 'create', 'update', 'delete']);

// Connection and edge types: their fields hand on rows a bound field read.
function connectionTypes(schema: GraphQLSchema): Set<string> {
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const { edges, pageInfo } = type.getFields();
    if (!edges || !pageInfo) continue;
    names.add(type.name);
    names.add(getNamedType(edges.type).name);
  }
  return names;
}

type Resolver = GraphQLFieldResolver<unknown, GatewayContext>;

function filterValues(rowType: string, nonNull: boolean, at: string): (value: unknown, ctx: GatewayContext) => unknown {
  const keep = (value: unknown, ctx: GatewayContext, top: boolean): unknown => {
    if (value === null || value === undefined) return value;
    if (Array.isArray(value)) return value.map((v) => keep(v, ctx, false)).filter((v) => v !== null && v !== undefined);
    if (ctx.auth.visible(rowType, value)) return value;
    if (top && nonNull) throw denied('FORBIDDEN', `read ${at}`);
    return null;
  };
  return (value, ctx) => keep(value, ctx, true);
}

export function authorizeResolvers(schema: GraphQLSchema, plan: BindingPlan): void {
  const plumbing = connectionTypes(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values((type as GraphQLObjectType).getFields())) {
      const at = `${type.name}.${field.name}`;
      const gate = plan.auth.fields.get(at);
      const named = getNamedType(field.type);
      const binding = plan.fields.get(at);
      const filtered =
        plan.auth.types.has(named.name) && !plumbing.has(type.name) && !(binding && filteredAtSource.has(binding.kind));
      if (!gate && !filtered) continue;

      const inner = (field.resolve ?? defaultFieldResolver) as Resolver;
      const keep = filtered ? filterValues(named.name, isNonNullType(field.type), at) : undefined;
      const resolve: Resolver = (parent, args, ctx, info) => {
        if (gate) ctx.auth.checkField(at, gate, parent);
        if (!keep) return inner(parent, args, ctx, info);
        const access = ctx.auth.access(named.name);
        if (access.kind === 'all') return inner(parent, args, ctx, info);
        // Nothing is fetched for a viewer who may see none of it.
        if (access.kind === 'deny') throw denied(access.code, `read ${named.name}`);
        const result = inner(parent, args, ctx, info);
        return result instanceof Promise ? result.then((v) => keep(v, ctx)) : keep(result, ctx);
      };
      field.resolve = resolve as typeof field.resolve;
    }
  }
}
