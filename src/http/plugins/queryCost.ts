// The cost budget of an operation, and the page-size limit, checked after
// validation and before execution: a refused operation runs no resolver.
//
// cost(field) = weight + multiplier × cost(selection beneath it), where
// - weight is `@cost(weight:)`, else 1 for a field returning an object,
//   interface or union and 0 for a scalar or enum;
// - multiplier is the field's `first` or `last` value (variables and argument
//   defaults included); for a field with a `first`/`last` argument left unset,
//   `@cost(multiplier:)` or the page size the resolver would use (the default
//   page size for a connection, the maximum for a plain list); 1 for any other
//   field unless `@cost(multiplier:)` says otherwise.
// Every branch of a union or interface counts, and @skip/@include are ignored:
// the cost is an upper bound. Fragments are costed once each, so a document
// that spreads one fragment many times is still costed in linear time.
import type { ApolloServerPlugin } from '@apollo/server';
import {
  BREAK,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  SchemaMetaFieldDef,
  TypeInfo,
  TypeMetaFieldDef,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLDirective,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode } from '../../errors/codes.ts';
import { GatewayError } from '../../errors/GatewayError.ts';

export interface QueryCostOptions {
  /** The budget; 0 turns the cost check off (the page-size check stays). */
  maxCost: number;
  defaultPageSize: number;
  maxPageSize: number;
}

const pageArgs = ['first', 'last'] as const;

// The field definition a selection names, meta fields included (null for __typename).
function fieldDef(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | null {
  if (name === '__schema' && parent === schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === '__type' && parent === schema.getQueryType()) return TypeMetaFieldDef;
  return 'getFields' in parent ? (parent.getFields()[name] ?? null) : null;
}

/**
 * The cost of one operation; throws BAD_USER_INPUT for a `first`/`last` over
 * the maximum page size, or for arguments that cannot be read.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  options: Omit<QueryCostOptions, 'maxCost'>,
): number {
  const costDirective = schema.getDirective('cost') as GraphQLDirective | undefined;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const fragmentCosts = new Map<string, number>();

  function fragmentCost(name: string): number {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    fragmentCosts.set(name, 0); // a cycle (already refused by validation) adds nothing
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    const cost = fragment && isCompositeType(type) ? selectionCost(type, fragment.selectionSet) : 0;
    fragmentCosts.set(name, cost);
    return cost;
  }

  function selectionCost(parent: GraphQLCompositeType, set: SelectionSetNode): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        total += fragmentCost(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (isCompositeType(type)) total += selectionCost(type, selection.selectionSet);
      } else {
        const def = fieldDef(schema, parent, selection.name.value);
        if (!def) continue;
        let args: Record<string, unknown> = {};
        try {
          args = getArgumentValues(def, selection, variables);
        } catch (error) {
          // A null sent for a variable with a default, where the argument
          // needs a value (`orderBy: [$o]`, `$o: AuthorOrder = {…}`): validation
          // allows it, and graphql-jit would hand the null to the resolver.
          throw new GatewayError(ErrorCode.BAD_USER_INPUT, (error as Error).message, { http: { status: 400 } }, [
            selection,
          ]);
        }
        const declared = (def.astNode && costDirective && getDirectiveValues(costDirective, def.astNode)) ?? {};
        const named = getNamedType(def.type);
        const weight = (declared.weight as number | undefined) ?? (isCompositeType(named) ? 1 : 0);
        let multiplier = (declared.multiplier as number | undefined) ?? 1;
        if (def.args.some((a) => a.name === 'first' || a.name === 'last')) {
          for (const name of pageArgs) {
            const value = args[name];
            if (typeof value === 'number' && (value < 0 || value > options.maxPageSize))
              throw new GatewayError(
                ErrorCode.BAD_USER_INPUT,
                `"${name}" must be between 0 and ${options.maxPageSize}, got ${value}`,
                { argument: name, maxPageSize: options.maxPageSize, http: { status: 400 } },
                [selection],
              );
          }
          const given = [args.first, args.last].find((v): v is number => typeof v === 'number');
          const pageSize = isListType(getNullableType(def.type)) ? options.maxPageSize : options.defaultPageSize;
          multiplier = given ?? (declared.multiplier as number | undefined) ?? pageSize;
        }
        const beneath =
          selection.selectionSet && isCompositeType(named) ? selectionCost(named, selection.selectionSet) : 0;
        total += weight + multiplier * beneath;
      }
    }
    return total;
  }

  const root = schema.getRootType(operation.operation);
  return root ? selectionCost(root, operation.selectionSet) : 0;
}

// The variables an operation's cost can depend on: those passed as `first` or
// `last` anywhere in the document (fragments included). Every other argument
// value leaves the cost unchanged.
function pageVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if ((node.name.value === 'first' || node.name.value === 'last') && node.value.kind === Kind.VARIABLE)
        names.add(node.value.name.value);
    },
  });
  return [...names];
}

// Whether a variable with a default and a nullable type is used where a value
// is needed (`orderBy: [$o]` with `$o: AuthorOrder = {…}`). Validation allows
// that, and a null sent for it is refused only when the arguments are read.
function nullableDefaultsWhereValuesNeeded(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): boolean {
  const risky = new Set(
    (operation.variableDefinitions ?? [])
      .filter((d) => d.defaultValue && d.type.kind !== Kind.NON_NULL_TYPE)
      .map((d) => d.variable.name.value),
  );
  if (risky.size === 0) return false;
  let found = false;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      VariableDefinition: () => false,
      Variable(node) {
        if (!risky.has(node.name.value) || !isNonNullType(typeInfo.getInputType())) return undefined;
        found = true;
        return BREAK;
      },
    }),
  );
  return found;
}

// Costs of operations already seen, by parsed operation (Apollo reuses the
// parsed document of a repeated query string) and the values of its page
// variables as the client sent them. Keyed by the values sent rather than
// coerced, a known cost needs no coercion of the request's variables
// (graphql-js's, about 1.4% of the CPU of a one-row query; execution coerces
// them once more anyway). The values sent decide the coerced ones, and the
// cost depends on the page variables alone, so equal keys mean equal costs;
// an absent variable (which takes its default) keys apart from an explicit
// null (which does not). An operation that can be sent arguments graphql-jit
// would not refuse (a null for a variable with a default, where a value is
// needed) is costed on every request, since costing reads every field's
// arguments and refuses those with BAD_USER_INPUT. On a known cost the other
// variables go unchecked here: an over-budget operation with a bad variable
// is refused as over budget, where a first sight of it says BAD_USER_INPUT;
// both are 400 and run nothing. Bounded per operation: a client cycling
// through page sizes only clears its own entries.
type KnownCosts = WeakMap<
  OperationDefinitionNode,
  { variables: string[]; costs: Map<string, number>; checksArguments: boolean }
>;
const maxCostsPerOperation = 64;

function cachedCost(
  known: KnownCosts,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  sent: Record<string, unknown>,
  options: Omit<QueryCostOptions, 'maxCost'>,
): number | undefined {
  let entry = known.get(operation);
  if (!entry)
    known.set(
      operation,
      (entry = {
        variables: pageVariables(document),
        costs: new Map(),
        checksArguments: nullableDefaultsWhereValuesNeeded(schema, document, operation),
      }),
    );
  // 0 for an absent variable, the JSON text of a sent one.
  const key = JSON.stringify(
    entry.variables.map((name) => (Object.hasOwn(sent, name) ? (JSON.stringify(sent[name]) ?? 'undefined') : 0)),
  );
  let cost = entry.costs.get(key);
  if (cost === undefined) {
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], sent);
    // Bad variables: execution refuses them before any resolver runs.
    if (coerced.errors) return undefined;
    cost = operationCost(schema, document, operation, coerced.coerced, options);
    if (entry.checksArguments) return cost;
    if (entry.costs.size >= maxCostsPerOperation) entry.costs.clear();
    entry.costs.set(key, cost);
  }
  return cost;
}

export function ApolloServerPluginQueryCost(options: QueryCostOptions): ApolloServerPlugin {
  const known: KnownCosts = new WeakMap();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = cachedCost(known, schema, document, operation, request.variables ?? {}, options);
          if (cost === undefined) return;
          if (options.maxCost > 0 && cost > options.maxCost)
            throw new GatewayError(
              ErrorCode.COST_LIMIT_EXCEEDED,
              `Query cost limit of ${options.maxCost} exceeded, found ${cost}.`,
              { limit: options.maxCost, cost, http: { status: 400 } },
            );
        },
      };
    },
  };
}
