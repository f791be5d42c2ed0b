// readBindings(): reads the binding directives of schema.graphql and checks
// every one against the Prisma data model at startup. All problems are
// collected and reported together, each naming its coordinate (`Book.autor`),
// what was expected and what exists, so a misspelling never reaches a request.
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isIntrospectionType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { findField, findModel, type DataModel, type Model, type ModelField } from '../sources/prisma/datamodel.ts';
import type { ItemShape } from './http/httpPlan.ts';
import { readAuthRules } from './auth/readAuthRules.ts';
import { readHttpBinding, readSources } from './http/readHttpBindings.ts';
import { BindingError, type BindingPlan, type FieldBinding, type KeyArg, type ListArgs } from './plan.ts';
import { columnName, createFilterInputs } from './readFilterInputs.ts';
import { checkScalarType } from './scalarCompat.ts';

const operationDirectives = ['find', 'list', 'create', 'update', 'delete'] as const;
const connectionArgs = new Set(['first', 'after', 'last', 'before', 'where', 'orderBy']);
const listArgs = new Set(['first', 'where', 'orderBy']);

export function readBindings(schema: GraphQLSchema, dm: DataModel): BindingPlan {
  const inputs = createFilterInputs(schema, dm);
  const problems = inputs.result.problems;
  const problem = (p: string) => problems.push(p);
  const plan: BindingPlan = {
    fields: new Map(),
    models: new Map(),
    where: inputs.result.where,
    order: inputs.result.order,
    sources: readSources(schema, (p) => problems.push(p)),
    auth: { types: new Map(), fields: new Map(), columns: new Map() },
  };
  const has = (node: Parameters<typeof getDirective>[1], name: string) =>
    getDirective(schema, node, name) !== undefined;
  const modelNames = dm.models.map((m) => m.name).join(', ');

  const objectTypes = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType => isObjectType(t) && !isIntrospectionType(t),
  );

  // Object types backed by models.
  for (const type of objectTypes) {
    const directive = getDirective(schema, type, 'model')?.[0];
    if (!directive) continue;
    const name = (directive.name as string | undefined) ?? type.name;
    const model = findModel(dm, name);
    if (model) plan.models.set(type.name, model);
    else problem(`${type.name} is bound by @model to model "${name}", which does not exist; models: ${modelNames}`);
  }

  // The model behind an output type, or a problem naming the coordinate.
  // A @model type whose model is missing was reported above; saying again that
  // every field returning it is "not a @model type" would only bury that line.
  function modelOf(type: GraphQLNamedType, at: string): Model | undefined {
    const model = plan.models.get(type.name);
    if (!model && !(isObjectType(type) && has(type, 'model')))
      problem(`${at} returns ${type.name}, which is not a @model type`);
    return model;
  }

  function readKeyArgs(at: string, args: readonly GraphQLArgument[], model: Model): KeyArg[] {
    const keys: KeyArg[] = [];
    for (const arg of args) {
      const name = columnName(schema, arg, arg.name);
      const field = findField(model, name);
      if (!field || !model.uniqueFields.includes(name)) {
        problem(
          `${at}(${arg.name}:) must name a unique field of model ${model.name}; unique fields: ${model.uniqueFields.join(', ')}`,
        );
        continue;
      }
      const typeProblem = checkScalarType(arg.type, field, 'input');
      if (typeProblem) problem(`${at}(${arg.name}:): ${typeProblem}`);
      keys.push({ arg: arg.name, field });
    }
    if (keys.length === 0 && args.length === 0)
      problem(`${at} needs an argument naming a unique field of ${model.name}`);
    if (keys.length > 1 && keys.some((k) => isNonNullType(args.find((a) => a.name === k.arg)!.type)))
      problem(`${at} has several key arguments, so each must be nullable (exactly one is given per call)`);
    return keys;
  }

  function readListArgs(
    at: string,
    field: GraphQLField<unknown, unknown>,
    model: Model,
    allowed: Set<string>,
  ): ListArgs {
    const result: ListArgs = {};
    for (const arg of field.args) {
      if (!allowed.has(arg.name)) {
        problem(`${at}(${arg.name}:) is not a list argument; expected ${[...allowed].join(', ')}`);
        continue;
      }
      const named = getNamedType(arg.type);
      if (arg.name === 'where') {
        if (isInputObjectType(named)) result.where = inputs.readWhere(named, model);
        else problem(`${at}(where:) must be a filter input over ${model.name}`);
      } else if (arg.name === 'orderBy') {
        const inner = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
        if (isInputObjectType(named) && isListType(inner)) result.orderBy = inputs.readOrder(named, model);
        else problem(`${at}(orderBy:) must be a list of an order input: [${model.name}Order!]`);
      } else if (named.name !== (arg.name === 'first' || arg.name === 'last' ? 'Int' : 'String')) {
        problem(
          `${at}(${arg.name}:) must be of type ${arg.name === 'first' || arg.name === 'last' ? 'Int' : 'String'}`,
        );
      }
    }
    return result;
  }

  // A Relay connection over `model`: edges { cursor node }, pageInfo, totalCount, nodes.
  function readConnection(at: string, type: GraphQLNamedType): Model | undefined {
    if (!isObjectType(type)) return void problem(`${at} must return a connection type, found ${type.name}`);
    const fields = type.getFields();
    const edgeType = fields.edges && getNamedType(fields.edges.type);
    const nodeType = edgeType && isObjectType(edgeType) ? edgeType.getFields().node?.type : undefined;
    if (!nodeType || !fields.pageInfo || getNamedType(fields.pageInfo.type).name !== 'PageInfo') {
      return void problem(
        `${at} returns ${type.name}, which is not a connection: expected edges: [Edge!]! (with cursor and node) and pageInfo: PageInfo!`,
      );
    }
    for (const name of Object.keys(fields)) {
      if (!['edges', 'nodes', 'pageInfo', 'totalCount'].includes(name))
        problem(`${type.name}.${name}: a connection has only edges, nodes, pageInfo and totalCount`);
    }
    return modelOf(getNamedType(nodeType), `${type.name}.edges.node`);
  }

  function readRelation(at: string, field: GraphQLField<unknown, unknown>, rel: ModelField): FieldBinding | undefined {
    const target = findModel(dm, rel.type)!;
    const opposite = target.fields.find((f) => f.relationName === rel.relationName && f !== rel && f.kind === 'object');
    const named = getNamedType(field.type);
    if (!rel.isList) {
      const boundTo = modelOf(named, at);
      if (boundTo && boundTo.name !== target.name)
        problem(`${at} is the relation to ${target.name}, but returns ${named.name} (model ${boundTo.name})`);
      if (isNonNullType(field.type) && !rel.isRequired)
        problem(`${at}: relation "${rel.name}" is optional, so the field must be nullable: ${named.name}`);
      const nullable = !isNonNullType(field.type);
      if (rel.relationFromFields.length === 1)
        return {
          kind: 'toOne',
          target,
          parentKey: rel.relationFromFields[0]!,
          targetKey: rel.relationToFields[0]!,
          nullable,
          enforced: dm.relationMode !== 'prisma',
        };
      if (opposite?.relationFromFields.length === 1)
        return {
          kind: 'toOne',
          target,
          parentKey: opposite.relationToFields[0]!,
          targetKey: opposite.relationFromFields[0]!,
          nullable,
          // The key is the target's: the parent may have no such row.
          enforced: false,
        };
      return void problem(`${at}: relation "${rel.name}" has a composite key, which bindings do not support`);
    }
    if (!opposite || opposite.relationFromFields.length !== 1) {
      return void problem(
        `${at}: relation "${rel.name}" is an implicit many-to-many or has a composite key; bind an explicit join model instead`,
      );
    }
    const keys = { parentKey: opposite.relationToFields[0]!, foreignKey: opposite.relationFromFields[0]! };
    const inner = isNonNullType(field.type) ? field.type.ofType : field.type;
    if (isListType(inner)) {
      const boundTo = modelOf(named, at);
      if (boundTo && boundTo.name !== target.name)
        problem(`${at} lists ${named.name}, but relation "${rel.name}" holds ${target.name}`);
      return { kind: 'toMany', target, ...keys, shape: 'list', args: readListArgs(at, field, target, listArgs) };
    }
    const node = readConnection(at, named);
    if (node && node.name !== target.name)
      problem(`${at} is a connection of ${node.name}, but relation "${rel.name}" holds ${target.name}`);
    return {
      kind: 'toMany',
      target,
      ...keys,
      shape: 'connection',
      args: readListArgs(at, field, target, connectionArgs),
    };
  }

  // @http fields, on any object type. A placeholder {$parent.x} on a @model
  // type reads the column behind field x.
  const httpContext = { schema, models: plan.models, problem };
  const shapes = new Map<string, Map<string, ItemShape>>();
  const columnOf = (parent: GraphQLObjectType, name: string) => {
    const field = parent.getFields()[name];
    return plan.models.has(parent.name) && field ? columnName(schema, field, name) : undefined;
  };
  for (const type of objectTypes) {
    for (const field of Object.values(type.getFields())) {
      if (!has(field, 'http')) continue;
      const at = `${type.name}.${field.name}`;
      const others = [...operationDirectives, 'resolver', 'column'].filter((d) => has(field, d));
      if (others.length) problem(`${at} has @http and @${others.join(', @')}; use one binding`);
      const binding = readHttpBinding(httpContext, type, field, plan.sources, columnOf, shapes);
      if (binding) plan.fields.set(at, binding);
    }
  }

  // Fields of @model types: columns, relations, or hand-written resolvers.
  for (const [typeName, model] of plan.models) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    for (const field of Object.values(type.getFields())) {
      const at = `${typeName}.${field.name}`;
      if (has(field, 'http')) continue; // read above
      if (has(field, 'resolver')) {
        plan.fields.set(at, { kind: 'resolver' });
        continue;
      }
      const name = columnName(schema, field, field.name);
      const mf = findField(model, name);
      if (!mf) {
        problem(
          `${at} reads field "${name}" of model ${model.name}, which does not exist; fields: ${model.fields.map((f) => f.name).join(', ')} (mark computed fields @resolver)`,
        );
        continue;
      }
      if (mf.kind === 'object') {
        const binding = readRelation(at, field, mf);
        if (binding) plan.fields.set(at, binding);
        continue;
      }
      const typeProblem = checkScalarType(field.type, mf, 'output');
      if (typeProblem) problem(`${at}: ${typeProblem}`);
      if (name !== field.name) plan.fields.set(at, { kind: 'column', column: name });
    }
  }

  // Operation directives on root fields.
  const queryType = schema.getQueryType();
  const mutationType = schema.getMutationType();
  for (const type of objectTypes) {
    for (const field of Object.values(type.getFields())) {
      const at = `${type.name}.${field.name}`;
      const used = operationDirectives.filter((d) => has(field, d));
      if (has(field, 'http')) continue; // read above
      if (used.length === 0) {
        if (has(field, 'resolver')) plan.fields.set(at, { kind: 'resolver' });
        continue;
      }
      if (used.length > 1) problem(`${at} has several bindings (@${used.join(', @')}); use one`);
      const directive = used[0]!;
      const root = directive === 'find' || directive === 'list' ? queryType : mutationType;
      if (type !== root) {
        problem(
          `@${directive} on ${at}: it binds fields of ${root?.name ?? (directive === 'find' || directive === 'list' ? 'Query' : 'Mutation')} only`,
        );
        continue;
      }
      const binding = readOperation(at, field, directive);
      if (binding) plan.fields.set(at, binding);
    }
  }

  function readOperation(
    at: string,
    field: GraphQLField<unknown, unknown>,
    directive: (typeof operationDirectives)[number],
  ): FieldBinding | undefined {
    const named = getNamedType(field.type);
    if (directive === 'list') {
      const model = readConnection(at, named);
      return model && { kind: 'list', model, args: readListArgs(at, field, model, connectionArgs) };
    }
    const model = modelOf(named, at);
    if (!model) return undefined;
    if (directive === 'find')
      return { kind: 'find', model, keys: readKeyArgs(at, field.args, model), nullable: !isNonNullType(field.type) };
    if (directive === 'delete') return { kind: 'delete', model, keys: readKeyArgs(at, field.args, model) };
    const inputArgs = field.args.filter((a) => isInputObjectType(getNamedType(a.type)));
    if (inputArgs.length !== 1)
      return void problem(`${at} (@${directive}) needs exactly one input-object argument with the fields to write`);
    const inputArg = inputArgs[0]!;
    const input = inputs.readMutationInput(getNamedType(inputArg.type) as never, model, directive);
    if (directive === 'create') {
      if (field.args.length > 1) problem(`${at} (@create) takes only its input argument`);
      return { kind: 'create', model, inputArg: inputArg.name, input };
    }
    const keys = readKeyArgs(
      at,
      field.args.filter((a) => a !== inputArg),
      model,
    );
    return { kind: 'update', model, keys, inputArg: inputArg.name, input };
  }

  // Enums shared by GraphQL and the database must have the same values both ways.
  for (const e of dm.enums) {
    const type = schema.getType(e.name);
    if (!type || !isEnumType(type)) continue;
    const values = type.getValues().map((v) => v.name);
    if ([...values].sort().join() !== [...e.values].sort().join())
      problem(`enum ${e.name} has values ${values.join(', ')}, but the database enum has ${e.values.join(', ')}`);
  }

  plan.auth = readAuthRules(schema, dm, plan.models, problem);
  // A client filter through a relation (`customers(where: { orders: … })`)
  // would test rows a row rule hides, and so reveal them: such filters are
  // refused rather than half-applied.
  const ruledModels = new Set([...plan.models].filter(([type]) => plan.auth.types.has(type)).map(([, m]) => m.name));
  for (const [inputName, spec] of plan.where) {
    for (const [name, field] of spec.fields) {
      if (field.kind !== 'toOne' && field.kind !== 'toMany') continue;
      const target = plan.where.get(field.target)?.model.name;
      if (target && ruledModels.has(target))
        problem(
          `${inputName}.${name} filters through ${target}, whose type has @auth row rules; a relation filter would test rows the viewer may not see, so remove it`,
        );
    }
  }

  if (problems.length > 0) throw new BindingError(problems);
  return plan;
}
