// readAuthRules(): reads every @auth of schema.graphql into an AuthPlan and
// checks it at startup, naming the coordinate of each problem: owner paths
// against the data model (or the object's fields), nullability of gated
// fields, rules that can admit no one.
import {
  getNamedType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { findModel, type DataModel, type Model } from '../../sources/prisma/datamodel.ts';
import { columnName } from '../readFilterInputs.ts';
import type { AuthPlan, FieldRules, Owner, Rule } from './rules.ts';

interface RuleArgs {
  public?: boolean | null;
  roles?: string[] | null;
  scopes?: string[] | null;
  owner?: string | null;
  claim?: string | null;
}
interface AuthArgs extends RuleArgs {
  anyOf?: RuleArgs[] | null;
}

// Where an @auth sits decides what `owner` may name.
type Place =
  | { kind: 'model'; model: Model } // a @model type: a model path
  | { kind: 'object'; type: GraphQLObjectType } // another object type: one of its fields
  | { kind: 'modelField'; model: Model } // a field of a @model type: a column of the parent
  | { kind: 'objectField'; type: GraphQLObjectType } // a field of another type: a field of the parent
  | { kind: 'root' }; // Query/Mutation or their fields: no owner

const ownerScalars = new Set(['String', 'Int', 'BigInt']);

export function readAuthRules(
  schema: GraphQLSchema,
  dm: DataModel,
  models: ReadonlyMap<string, Model>,
  problem: (p: string) => void,
): AuthPlan {
  const plan: AuthPlan = { types: new Map(), fields: new Map(), columns: new Map() };
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);

  function readOwner(at: string, path: string, place: Place): Owner | undefined {
    const steps = path.split('.');
    if (place.kind === 'root') {
      problem(`${at}: owner rules filter rows; put them on the type a field returns, not on a root type or its fields`);
      return undefined;
    }
    if (place.kind === 'object' || place.kind === 'objectField') {
      const field = steps.length === 1 ? place.type.getFields()[path] : undefined;
      const named = field && getNamedType(field.type);
      if (!field || !named || !isScalarType(named) || !['String', 'ID', 'Int'].includes(named.name)) {
        problem(
          `${at}: owner "${path}" must name a String, ID or Int field of ${place.type.name}; fields: ${Object.keys(place.type.getFields()).join(', ')}`,
        );
        return undefined;
      }
      return { path: steps };
    }
    // A model path: to-one relations, then a column.
    let model = place.model;
    let keys: string[] | undefined;
    for (const [i, step] of steps.entries()) {
      const field = model.fields.find((f) => f.name === step);
      const last = i === steps.length - 1;
      if (!field) {
        problem(
          `${at}: owner "${path}": model ${model.name} has no field "${step}"; fields: ${model.fields.map((f) => f.name).join(', ')}`,
        );
        return undefined;
      }
      if (last) {
        if (field.kind !== 'scalar' || !ownerScalars.has(field.type) || field.isList) {
          problem(`${at}: owner "${path}" must end at a String, Int or BigInt column, not ${model.name}.${step}`);
          return undefined;
        }
        return { path: steps, column: field, ...(keys ? { keys } : {}) };
      }
      if (place.kind === 'modelField') {
        problem(`${at}: a field rule's owner must be a column of ${place.model.name}, not the path "${path}"`);
        return undefined;
      }
      if (field.kind !== 'object' || field.isList) {
        problem(`${at}: owner "${path}": ${model.name}.${step} must be a to-one relation to follow`);
        return undefined;
      }
      keys ??= field.relationFromFields;
      model = findModel(dm, field.type)!;
    }
    return undefined;
  }

  function readRule(at: string, args: RuleArgs, place: Place): Rule | undefined {
    const isPublic = args.public === true;
    if (isPublic && (args.roles || args.scopes || args.owner))
      problem(`${at}: a public rule admits everyone; give roles, scopes or owner in another rule of anyOf`);
    for (const list of ['roles', 'scopes'] as const)
      if (args[list]?.length === 0) problem(`${at}: ${list}: [] admits no one; leave it out or name some`);
    const owner = args.owner ? readOwner(at, args.owner, place) : undefined;
    if (args.owner && !owner) return undefined;
    return {
      public: isPublic,
      ...(args.roles ? { roles: args.roles } : {}),
      ...(args.scopes ? { scopes: args.scopes } : {}),
      ...(owner ? { owner } : {}),
      claim: args.claim ?? 'sub',
    };
  }

  function readRules(at: string, node: Parameters<typeof getDirective>[1], place: Place): Rule[] | undefined {
    const args = getDirective(schema, node, 'auth')?.[0] as AuthArgs | undefined;
    if (!args) return undefined;
    const { anyOf, ...single } = args;
    const given = Object.entries(single).filter(([, v]) => v !== undefined && v !== null);
    if (anyOf && given.length) problem(`${at}: @auth takes either anyOf or the arguments of one rule, not both`);
    if (anyOf && anyOf.length === 0) problem(`${at}: @auth(anyOf: []) admits no one`);
    const rules = (anyOf ?? [single]).map((rule, i) => readRule(anyOf ? `${at} anyOf[${i}]` : at, rule, place));
    return rules.every((r) => r !== undefined) ? rules : [];
  }

  const objectTypes = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'),
  );
  for (const type of objectTypes) {
    const root = roots.has(type);
    const model = models.get(type.name);
    const typePlace: Place = root ? { kind: 'root' } : model ? { kind: 'model', model } : { kind: 'object', type };
    const typeRules = readRules(`@auth on ${type.name}`, type, typePlace);
    if (typeRules && !root) plan.types.set(type.name, typeRules);

    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      const at = `${type.name}.${field.name}`;
      const place: Place = root
        ? { kind: 'root' }
        : model
          ? { kind: 'modelField', model }
          : { kind: 'objectField', type };
      const own = readRules(at, field, place);
      if (own && !root && isNonNullType(field.type))
        problem(`${at} has @auth, so it must be nullable (a hidden field is null): ${String(field.type).slice(0, -1)}`);
      const rules = own ?? (root ? typeRules : undefined);
      if (!rules) continue;
      const columns = rules.flatMap((r) => (r.owner?.column ? [r.owner.column.name] : []));
      const entry: FieldRules = { rules, columns };
      plan.fields.set(at, entry);
      const column =
        model && own ? model.fields.find((f) => f.name === columnName(schema, field, field.name)) : undefined;
      if (column && column.kind !== 'object') {
        if (!plan.columns.has(model!.name)) plan.columns.set(model!.name, new Map());
        plan.columns.get(model!.name)!.set(column.name, { at, rules: entry });
      }
    }
  }
  return plan;
}
