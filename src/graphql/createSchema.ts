// Builds the executable schema: schema.graphql plus the binding language's
// SDL, resolvers from the bindings, hand-written resolvers from src/resolvers,
// and @auth guards in front of the resolvers that need them.
// Every problem found here stops the server before it listens.
import { readFileSync } from 'node:fs';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { IResolvers } from '@graphql-tools/utils';
import { dateTimeScalar } from './dateTimeScalar.ts';
import { authorizeResolvers } from '../bindings/auth/authorizeResolvers.ts';
import { bindResolvers } from '../bindings/bindResolvers.ts';
import { BindingError, type BindingPlan } from '../bindings/plan.ts';
import { readBindings } from '../bindings/readBindings.ts';
import type { DataModel } from '../sources/prisma/datamodel.ts';

const directivesSdl = readFileSync(new URL('../bindings/directives.graphql', import.meta.url), 'utf8');

export interface SchemaOptions {
  /** The schema.graphql text. */
  sdl: string;
  datamodel: DataModel;
  /** Hand-written resolvers, for fields marked @resolver. */
  resolvers: Record<string, Record<string, unknown>>;
}

export function readSchemaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the schema at ${path} (SCHEMA_PATH)`, { cause: error });
  }
}

// Hand-written resolvers must cover every @resolver field, and only fields
// that exist and are not already bound.
function checkHandWritten(schema: GraphQLSchema, plan: BindingPlan, handWritten: SchemaOptions['resolvers']): void {
  const problems: string[] = [];
  for (const [at, binding] of plan.fields) {
    const [type, field] = at.split('.') as [string, string];
    if (binding.kind === 'resolver' && !handWritten[type]?.[field])
      problems.push(`${at} is marked @resolver, but src/resolvers has no resolver for it`);
  }
  for (const [type, fields] of Object.entries(handWritten)) {
    const objectType = schema.getType(type);
    for (const field of Object.keys(fields)) {
      const at = `${type}.${field}`;
      if (!objectType) continue; // scalars and the like
      if (!isObjectType(objectType) || !objectType.getFields()[field])
        problems.push(`src/resolvers implements ${at}, which schema.graphql does not declare`);
      else if (plan.fields.get(at)?.kind !== 'resolver')
        problems.push(`src/resolvers implements ${at}; mark it @resolver in schema.graphql to replace its binding`);
    }
  }
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (!plan.fields.has(`${root!.name}.${field.name}`))
        problems.push(
          `${root!.name}.${field.name} has no binding: add @find, @list, @create, @update, @delete or @resolver`,
        );
    }
  }
  if (problems.length) throw new BindingError(problems);
}

export function createSchema({ sdl, datamodel, resolvers }: SchemaOptions): {
  schema: GraphQLSchema;
  plan: BindingPlan;
} {
  const typeDefs = [directivesSdl, sdl];
  const unbound = makeExecutableSchema({ typeDefs });
  const plan = readBindings(unbound, datamodel);
  checkHandWritten(unbound, plan, resolvers);
  const schema = makeExecutableSchema({
    typeDefs,
    resolvers: [{ DateTime: dateTimeScalar }, bindResolvers(unbound, plan), resolvers as IResolvers],
  });
  authorizeResolvers(schema, plan);
  return { schema, plan };
}
