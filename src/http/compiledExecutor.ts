// Executes operations with graphql-jit instead of graphql-js's interpreter.
// graphql-js walks the document for every object it completes (argument
// values, field collection, a promise per object); graphql-jit compiles each
// operation once into a function that does only the work left. Measured on
// the bench: about a third of the server's CPU on nested and large results.
//
// Apollo Server takes a custom executor only through its gateway interface;
// this "gateway" serves one fixed schema. Apollo still parses, validates and
// caches documents, runs plugins and formats errors: only execution changes.
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  defaultFieldResolver,
  execute,
  getNamedType,
  getVariableValues,
  GraphQLError,
  isInputObjectType,
  isObjectType,
  printSchema,
  typeFromAST,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLInputObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { getDirective } from '@graphql-tools/utils';

/** A compiled operation, a compile error, or 'interpret': run by graphql-js. */
type Compiled = CompiledQuery | ExecutionResult | 'interpret';
type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

// graphql-jit reads a field without a resolver as a plain property, where
// graphql-js calls a function-valued property (lazy connection fields such as
// `edges` and `totalCount` rely on that): such fields get graphql-js's own
// default resolver, so both executors see the same values. Values of @model
// types are database rows, plain data with no function-valued properties, so
// their fields keep no resolver: graphql-jit then reads the column inline
// instead of calling a resolver with a fresh GraphQLResolveInfo for every
// field of every row (measured: most of the allocation of a 50-row page).
function keepDefaultResolverSemantics(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || getDirective(schema, type, 'model')) continue;
    for (const field of Object.values(type.getFields())) field.resolve ??= defaultFieldResolver;
  }
}

// Whether an input type can contain itself (`BookWhere.AND: [BookWhere!]`).
// graphql-jit inlines the coercion of a variable's input type and does not
// terminate on such types (graphql-jit issue #81), so operations with such a
// variable run on graphql-js instead; literal arguments are not affected.
function isRecursiveInput(type: GraphQLInputObjectType, path: Set<GraphQLInputObjectType> = new Set()): boolean {
  if (path.has(type)) return true;
  path.add(type);
  for (const field of Object.values(type.getFields())) {
    const named = getNamedType(field.type);
    if (isInputObjectType(named) && isRecursiveInput(named, path)) return true;
  }
  path.delete(type);
  return false;
}

function hasRecursiveVariable(schema: GraphQLSchema, operation: OperationDefinitionNode): boolean {
  return (operation.variableDefinitions ?? []).some((definition) => {
    const named = getNamedType(typeFromAST(schema, definition.type));
    return isInputObjectType(named) && isRecursiveInput(named);
  });
}

// graphql-jit's errors are GraphQLErrors of its own making: no extensions
// object when the cause had none, no AST nodes. Apollo reads both (its error
// codes, BAD_USER_INPUT for variables), so errors are rebuilt as graphql-js
// would have made them. Only failing requests pay for this.
function asGraphqlJsErrors(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  result: ExecutionResult,
): ExecutionResult {
  if (!result.errors?.length) return result;
  if (result.data === undefined) {
    // No data: the variables did not coerce (or the operation could not start).
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    if (coerced.errors) return { errors: coerced.errors };
  }
  const errors = result.errors.map((e) => {
    const rebuilt = new GraphQLError(e.message, {
      path: e.path,
      originalError: e.originalError,
      extensions: e.extensions,
    });
    Object.defineProperty(rebuilt, 'locations', { value: e.locations, enumerable: e.locations !== undefined });
    return rebuilt;
  });
  return { ...result, errors };
}

/**
 * A gateway whose executor runs compiled operations against `schema`.
 * graphql-jit does not refuse a null sent for a defaulted variable in a
 * position that needs a value (`orderBy: [$o]`, `$o: AuthorOrder = {…}`),
 * as graphql-js's argument reading does; the cost check
 * (./plugins/queryCost.ts, always installed) reads every field's arguments of
 * such operations on every request and refuses them with BAD_USER_INPUT.
 * Compiled operations are kept per parsed document (Apollo reuses the parsed
 * document of a repeated query string), so they live as long as Apollo's
 * document cache keeps the document.
 *
 * Apollo's gateway path is patched (patches/@apollo+server+5.5.1.patch): as
 * shipped, it gave each request an object literal with a status getter and
 * setter, which V8 kept alive, with the whole request it closes over, past
 * young-generation GCs. Every request was then promoted to the old
 * generation: 8% of all bytes allocated against 1% without the gateway, and
 * W5 ran at half its patched speed (tests/unit/http/apolloGatewayPatch.test.ts).
 */
export function compiledExecutorGateway(schema: GraphQLSchema): Gateway {
  keepDefaultResolverSemantics(schema);
  const compiled = new WeakMap<DocumentNode, Map<string | null, Compiled>>();

  // Compiles the operation on first use; a compile failure is an execution result with errors.
  function compile(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null): Compiled {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    let entry = byOperation.get(operationName);
    if (!entry) {
      entry = hasRecursiveVariable(schema, operation)
        ? 'interpret'
        : compileQuery(schema, document, operationName ?? undefined);
      byOperation.set(operationName, entry);
    }
    return entry;
  }

  let onSchema: Parameters<Gateway['onSchemaLoadOrUpdate']>[0] | undefined;
  return {
    // Apollo subscribes first, then loads: the schema is announced on load, as a real gateway does.
    onSchemaLoadOrUpdate(callback) {
      onSchema = callback;
      return () => (onSchema = undefined);
    },
    async load() {
      onSchema?.({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return {
        executor: async ({ document, operation, operationName, request, context }) => {
          const entry = compile(document, operation, operationName);
          const variables = request.variables ?? {};
          if (entry === 'interpret')
            return execute({ schema, document, operationName, contextValue: context, variableValues: variables });
          const result = isCompiledQuery(entry) ? await entry.query(undefined, context, variables) : entry;
          return asGraphqlJsErrors(schema, operation, variables, result);
        },
      };
    },
    async stop() {},
  };
}
