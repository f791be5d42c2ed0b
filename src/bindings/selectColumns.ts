// Which columns a query needs from a model: the ones its selection reads, the
// keys its relation fields follow, and the id. Reading only those keeps both
// the database and Prisma's row mapping (the larger cost) proportional to what
// a client asked for. A field with a hand-written resolver may read anything,
// so its presence selects every column.
import {
  BREAK,
  getArgumentValues,
  getNamedType,
  isObjectType,
  visit,
  type DirectiveNode,
  type FieldNode,
  type OperationDefinitionNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
} from 'graphql';
// graphql-js's own field collection (fragments, @skip/@include), as execution does it.
import { collectSubfields } from 'graphql/execution/collectFields.js';
import type { Model } from '../sources/prisma/datamodel.ts';
import type { BindingPlan, FieldBinding } from './plan.ts';

/** Column names, sorted; undefined means every column. */
export type Columns = string[] | undefined;

// A selection's columns depend on its AST nodes, and on the request only
// through variables in directives (@skip(if: $x), @include(if: $x)). Those
// of operations without such variables (most) are kept per fieldNodes array,
// which graphql-js and graphql-jit reuse for every parent and every request
// of a cached document; the rest are worked out on each call. (Not per
// request: a long-lived WeakMap keyed by a request's variables kept its
// entries alive through young-generation GCs.)
const cache = new WeakMap<readonly FieldNode[], Columns>();
const variableDirectives = new WeakMap<OperationDefinitionNode, boolean>();

function usesVariableDirectives(info: GraphQLResolveInfo): boolean {
  let uses = variableDirectives.get(info.operation);
  if (uses === undefined) {
    uses = false;
    const found = () => {
      uses = true;
      return BREAK;
    };
    const visitor = { Directive: (node: DirectiveNode) => void visit(node, { Variable: found }) };
    visit(info.operation, visitor);
    for (const fragment of Object.values(info.fragments)) visit(fragment, visitor);
    variableDirectives.set(info.operation, uses);
  }
  return uses;
}

function subFields(info: GraphQLResolveInfo, type: GraphQLObjectType, nodes: FieldNode[]): Map<string, FieldNode[]> {
  const byName = new Map<string, FieldNode[]>();
  const fields = collectSubfields(info.schema, info.fragments, info.variableValues, type, nodes);
  for (const fieldNodes of fields.values()) {
    const name = fieldNodes[0]!.name.value;
    byName.set(name, [...(byName.get(name) ?? []), ...fieldNodes]);
  }
  return byName;
}

function columnsOfType(
  plan: BindingPlan,
  info: GraphQLResolveInfo,
  type: GraphQLObjectType,
  model: Model,
  nodes: FieldNode[],
): Columns {
  const columns = new Set<string>(model.idField ? [model.idField] : []);
  for (const name of subFields(info, type, nodes).keys()) {
    if (name === '__typename') continue;
    const at = `${type.name}.${name}`;
    // A field's @auth owner rule compares columns of this row.
    for (const column of plan.auth.fields.get(at)?.columns ?? []) columns.add(column);
    const binding = plan.fields.get(at);
    if (!binding) columns.add(name);
    else if (binding.kind === 'column') columns.add(binding.column);
    else if (binding.kind === 'toOne' || binding.kind === 'toMany') columns.add(binding.parentKey);
    else if (binding.kind === 'http') for (const key of binding.parentKeys) columns.add(key);
    else if (binding.kind === 'resolver') return undefined;
  }
  return [...columns].sort();
}

// The node type a field returns and the selections made on it: the type
// itself, or a connection's `nodes` and `edges { node }` merged.
function nodeSelection(info: GraphQLResolveInfo): { type: GraphQLObjectType; nodes: FieldNode[] } | undefined {
  const returned = getNamedType(info.returnType);
  if (!isObjectType(returned)) return undefined;
  const fields = returned.getFields();
  if (!fields.edges || !fields.nodes) return { type: returned, nodes: [...info.fieldNodes] };
  const connection = subFields(info, returned, [...info.fieldNodes]);
  const nodeNodes = [...(connection.get('nodes') ?? [])];
  const edges = connection.get('edges');
  const edgeType = getNamedType(fields.edges.type) as GraphQLObjectType;
  if (edges) nodeNodes.push(...(subFields(info, edgeType, edges).get('node') ?? []));
  return { type: getNamedType(edgeType.getFields().node!.type) as GraphQLObjectType, nodes: nodeNodes };
}

/**
 * The columns the current field needs of `model`: for a field returning the
 * model's type directly, or a connection (its `nodes` and `edges.node`).
 */
export function selectedColumns(plan: BindingPlan, info: GraphQLResolveInfo, model: Model): Columns {
  const cached = !usesVariableDirectives(info);
  if (cached && cache.has(info.fieldNodes)) return cache.get(info.fieldNodes);

  const returned = getNamedType(info.returnType);
  let columns: Columns;
  if (isObjectType(returned) && plan.models.has(returned.name)) {
    columns = columnsOfType(plan, info, returned, model, [...info.fieldNodes]);
  } else {
    const selection = nodeSelection(info);
    if (selection) columns = columnsOfType(plan, info, selection.type, model, selection.nodes);
  }
  if (cached) cache.set(info.fieldNodes, columns);
  return columns;
}

/**
 * Whether the current field is a connection whose `pageInfo` is selected:
 * only then must a page read one row past its limit, to tell whether more
 * exist. Without it the extra row (a tenth more rows at first: 10) is waste.
 */
export function selectsPageInfo(info: GraphQLResolveInfo): boolean {
  const returned = getNamedType(info.returnType);
  if (!isObjectType(returned) || !returned.getFields().pageInfo) return false;
  return subFields(info, returned, [...info.fieldNodes]).has('pageInfo');
}

/**
 * Whether a to-one relation's selection is answered by the parent's foreign
 * key alone (`book { id }`): it asks for nothing but the key, and the
 * database guarantees the row. The caller must also know no row rule hides it.
 */
export function answeredByKey(binding: Extract<FieldBinding, { kind: 'toOne' }>, columns: Columns): boolean {
  return binding.enforced && columns?.length === 1 && columns[0] === binding.targetKey;
}

export interface SelectedToOne {
  binding: Extract<FieldBinding, { kind: 'toOne' }>;
  /** The GraphQL type the relation returns (whose @auth rules apply). */
  typeName: string;
  /** The columns the to-one field's own resolver will ask its loader for. */
  columns: Columns;
}

/**
 * The to-one relations selected on the current field's nodes (`books { nodes
 * { author { … } } }`), each with the columns its resolver will read, so a
 * source can fetch them with the page. Fields selected under several aliases
 * get the union of their selections; their resolvers then load on their own.
 */
export function selectedToOne(plan: BindingPlan, info: GraphQLResolveInfo): SelectedToOne[] {
  const selection = nodeSelection(info);
  if (!selection) return [];
  const found: SelectedToOne[] = [];
  for (const [name, nodes] of subFields(info, selection.type, selection.nodes)) {
    const binding = plan.fields.get(`${selection.type.name}.${name}`);
    if (binding?.kind !== 'toOne') continue;
    const type = getNamedType(selection.type.getFields()[name]!.type) as GraphQLObjectType;
    const columns = columnsOfType(plan, info, type, binding.target, nodes);
    if (answeredByKey(binding, columns)) continue; // its resolver needs no row
    found.push({ binding, typeName: type.name, columns: withColumns(columns, binding.targetKey) });
  }
  return found;
}

export interface SelectedToMany {
  binding: Extract<FieldBinding, { kind: 'toMany' }>;
  /** `Type.field`: the relation's coordinate. */
  at: string;
  /**
   * The relation field as its resolver will see it: its coerced arguments,
   * its nodes and return type, this request's fragments and variables.
   */
  info: GraphQLResolveInfo & { args: Record<string, unknown> };
}

/**
 * The to-many relations selected on the current field's nodes (`authors {
 * nodes { books(first: 10) { … } } }`), each as its resolver will see it, so a
 * source can read each parent's page of them with the parents. Only
 * relations selected under one response key: under several, arguments may
 * differ, and their resolvers load on their own.
 */
export function selectedToMany(plan: BindingPlan, info: GraphQLResolveInfo): SelectedToMany[] {
  const selection = nodeSelection(info);
  if (!selection) return [];
  const found: SelectedToMany[] = [];
  for (const [name, nodes] of subFields(info, selection.type, selection.nodes)) {
    const at = `${selection.type.name}.${name}`;
    const binding = plan.fields.get(at);
    if (binding?.kind !== 'toMany') continue;
    if (new Set(nodes.map((n) => n.alias?.value ?? name)).size !== 1) continue;
    const field = selection.type.getFields()[name]!;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, nodes[0]!, info.variableValues);
    } catch {
      continue; // its resolver reports the error
    }
    const childInfo = {
      ...info,
      fieldName: name,
      fieldNodes: nodes,
      returnType: field.type,
      parentType: selection.type,
      args,
    };
    found.push({ binding, at, info: childInfo });
  }
  return found;
}

/** The selection plus columns the caller itself needs (keys, cursor columns). */
export function withColumns(columns: Columns, ...required: string[]): Columns {
  if (!columns) return undefined;
  return [...new Set([...columns, ...required])].sort();
}
