// Reads `@source` and `@http` at startup and checks everything that can be
// checked without calling the upstream: the source exists, every placeholder
// names an argument or a parent field, paths parse for the source's format,
// batching has a key, and the declared type can be built from a response.
// Problems go to readBindings' list, each naming its coordinate.
import {
  getNamedType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import type { HttpMethod, SourceFormat } from '../../sources/http/types.ts';
import type { Model } from '../../sources/prisma/datamodel.ts';
import type {
  HttpBatch,
  HttpBinding,
  ItemShape,
  ObjectFieldShape,
  Path,
  Placeholder,
  Shape,
  SourceSpec,
  ValueRef,
} from './httpPlan.ts';
import { describePath, parsePath } from './selectPath.ts';
import { parseCall, placeholders, type ParsedCall } from './template.ts';

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
const builtInScalars = new Set(['Int', 'Float', 'String', 'ID', 'Boolean', 'DateTime']);
const envRef = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

type Problem = (message: string) => void;

function valueRef(text: string): ValueRef {
  const env = envRef.exec(text);
  return env ? { env: env[1]! } : { value: text };
}

/** `@source` declarations on the schema, by name. */
export function readSources(schema: GraphQLSchema, problem: Problem): Map<string, SourceSpec> {
  const sources = new Map<string, SourceSpec>();
  for (const d of getDirective(schema, schema, 'source') ?? []) {
    const at = `@source(name: "${d.name}")`;
    if (sources.has(d.name)) problem(`${at} is declared twice`);
    const url = valueRef(d.url);
    if ('value' in url && !/^https?:\/\/[^/]/.test(url.value))
      problem(`${at}: url "${url.value}" must be an absolute http(s) URL or env:NAME`);
    const positive = { timeoutMs: d.timeoutMs, maxConcurrency: d.maxConcurrency, maxBodyBytes: d.maxBodyBytes };
    for (const [arg, value] of Object.entries(positive))
      if (!(Number.isInteger(value) && value > 0)) problem(`${at}: ${arg} must be a positive integer`);
    if (!(d.retries >= 0 && d.retries <= 10)) problem(`${at}: retries must be between 0 and 10`);
    const breaker = {
      failureRatio: d.breaker?.failureRatio ?? 0.5,
      windowMs: d.breaker?.windowMs ?? 10_000,
      minimumCalls: d.breaker?.minimumCalls ?? 10,
      resetMs: d.breaker?.resetMs ?? 5000,
    };
    if (!(breaker.failureRatio > 0 && breaker.failureRatio <= 1))
      problem(`${at}: breaker.failureRatio must be in (0, 1]`);
    const format = (d.format as string).toLowerCase() as SourceFormat;
    const namespaces: Record<string, string> = {};
    for (const ns of d.namespaces ?? []) namespaces[ns.prefix] = ns.uri;
    if (format === 'json' && Object.keys(namespaces).length) problem(`${at}: namespaces apply to XML sources only`);
    sources.set(d.name, {
      name: d.name,
      url,
      format,
      timeoutMs: d.timeoutMs,
      headers: (d.headers ?? []).map((h: { name: string; value: string }) => ({
        name: h.name,
        value: valueRef(h.value),
      })),
      forwardHeaders: (d.forwardHeaders ?? []).map((h: string) => h.toLowerCase()),
      maxConcurrency: d.maxConcurrency,
      maxBodyBytes: d.maxBodyBytes,
      retries: d.retries,
      breaker,
      cache: d.cache,
      cacheMaxBytes: d.cacheMaxBytes,
      namespaces,
    });
  }
  return sources;
}

interface Context {
  schema: GraphQLSchema;
  models: Map<string, Model>;
  problem: Problem;
}

/**
 * The shape of a GraphQL output type read from a `format` response. Object
 * types are compiled once per format; a recursive type refers to itself.
 */
function compileShape(
  ctx: Context,
  type: GraphQLOutputType,
  source: SourceSpec,
  at: string,
  memo: Map<string, ItemShape>,
): Shape {
  const nonNull = isNonNullType(type);
  const inner = nonNull ? type.ofType : type;
  const list = isListType(inner);
  const itemType = list ? inner.ofType : inner;
  const itemNonNull = isNonNullType(itemType);
  if (isListType(itemNonNull ? itemType.ofType : itemType))
    ctx.problem(`${at}: lists of lists cannot be bound to HTTP`);
  const named = getNamedType(type);
  let item: ItemShape;
  if (isScalarType(named))
    item = { kind: 'scalar', scalar: builtInScalars.has(named.name) ? (named.name as never) : 'custom' };
  else if (isEnumType(named))
    item = { kind: 'enum', type: named.name, values: new Set(named.getValues().map((v) => v.name)) };
  else if (isObjectType(named)) item = objectShape(ctx, named, source, memo);
  else {
    ctx.problem(
      `${at} returns ${named.name}, an ${isUnionType(named) ? 'union' : isInterfaceType(named) ? 'interface' : 'input'}; HTTP bindings build object types only`,
    );
    item = { kind: 'scalar', scalar: 'custom' };
  }
  return { list, nonNull, itemNonNull, item };
}

function objectShape(
  ctx: Context,
  type: GraphQLObjectType,
  source: SourceSpec,
  memo: Map<string, ItemShape>,
): ItemShape {
  const known = memo.get(type.name);
  if (known) return known;
  const fields: ObjectFieldShape[] = [];
  const shape: ItemShape = { kind: 'object', type: type.name, fields };
  memo.set(type.name, shape);
  if (ctx.models.has(type.name)) {
    ctx.problem(
      `${type.name} is a @model type, so it cannot be built from an HTTP response; return a plain object type`,
    );
    return shape;
  }
  for (const field of Object.values(type.getFields())) {
    const at = `${type.name}.${field.name}`;
    if (getDirective(ctx.schema, field, 'http') || getDirective(ctx.schema, field, 'resolver')) continue; // resolved on its own
    if (field.args.length) ctx.problem(`${at} has arguments but no binding; add @http or @resolver`);
    const from = getDirective(ctx.schema, field, 'from')?.[0]?.path as string | undefined;
    let path: Path | undefined;
    if (from !== undefined) {
      try {
        path = parsePath(from, source.format, source.namespaces);
      } catch (error) {
        ctx.problem(`${at} @from(path:): ${(error as Error).message}`);
      }
    }
    const fieldShape = compileShape(ctx, field.type, source, at, memo);
    if (path?.at(-1)?.kind === 'attribute' && (fieldShape.item.kind === 'object' || fieldShape.list))
      ctx.problem(
        `${at}: the attribute ${describePath(path)} holds one text value, but the field is ${String(field.type)}`,
      );
    fields.push({ name: field.name, path, shape: fieldShape });
  }
  return shape;
}

/** One `@http` field, or undefined after reporting its problems. */
export function readHttpBinding(
  ctx: Context,
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  sources: Map<string, SourceSpec>,
  columnOf: (parent: GraphQLObjectType, field: string) => string | undefined,
  shapes: Map<string, Map<string, ItemShape>>,
): HttpBinding | undefined {
  const at = `${parent.name}.${field.name}`;
  const d = getDirective(ctx.schema, field, 'http')![0]!;
  const problemsBefore: string[] = [];
  const problem = (p: string) => {
    problemsBefore.push(p);
    ctx.problem(p);
  };
  const source = sources.get(d.source);
  if (!source) {
    const names = [...sources.keys()].join(', ') || 'none are declared (extend schema @source(...))';
    return void problem(`${at} @http(source: "${d.source}"): no such source; sources: ${names}`);
  }
  const given = methods.filter((m) => d[m] !== undefined && d[m] !== null);
  if (given.length !== 1)
    return void problem(`${at} @http needs exactly one of get, post, put, patch, delete; found ${given.length}`);
  const method = given[0]!.toUpperCase() as HttpMethod;

  let call: ParsedCall;
  try {
    call = parseCall(d[given[0]!]);
  } catch (error) {
    return void problem(`${at} @http(${given[0]}:): ${(error as Error).message}`);
  }

  const isRoot = parent === ctx.schema.getQueryType() || parent === ctx.schema.getMutationType();
  const parentKeys = new Set<string>();
  const resolvePlaceholder = (p: Placeholder, where: string) => {
    if (p.from === 'args') {
      const arg = field.args.find((a) => a.name === p.name);
      if (!arg)
        problem(
          `${at} ${where}: {$args.${p.name}} names no argument of ${at}; arguments: ${field.args.map((a) => a.name).join(', ') || 'none'}`,
        );
      else if (!isScalarType(getNamedType(arg.type)) && !isEnumType(getNamedType(arg.type)))
        problem(
          `${at} ${where}: {$args.${p.name}} is an input object; only scalars, enums and lists of them fit in a URL`,
        );
      return;
    }
    const parentField = parent.getFields()[p.name];
    if (isRoot || !parentField) {
      problem(
        `${at} ${where}: {$parent.${p.name}} names no field of ${parent.name}${isRoot ? ' (a root field has no parent)' : ''}`,
      );
      return;
    }
    const named = getNamedType(parentField.type);
    if (!isScalarType(named) && !isEnumType(named))
      problem(`${at} ${where}: {$parent.${p.name}} is not a scalar field`);
    p.key = columnOf(parent, p.name) ?? p.name;
    parentKeys.add(p.key);
  };
  for (const p of placeholders(call.path)) resolvePlaceholder(p, `path`);
  for (const q of call.query) for (const p of placeholders(q.value)) resolvePlaceholder(p, `query parameter ${q.name}`);

  let body: HttpBinding['body'];
  if (d.body !== undefined && d.body !== null) {
    const m = /^\$args(?:\.([_A-Za-z][_0-9A-Za-z]*))?$/.exec(d.body);
    if (!['POST', 'PUT', 'PATCH'].includes(method))
      problem(`${at}: a body goes with post, put or patch, not ${method}`);
    if (!m) problem(`${at} @http(body: "${d.body}"): expected $args or $args.name`);
    else if (m[1] && !field.args.some((a) => a.name === m[1]))
      problem(`${at} @http(body:): ${at} has no argument ${m[1]}`);
    body = { arg: m?.[1] };
  }

  let select: Path = [];
  try {
    select = parsePath(d.select ?? '', source.format, source.namespaces);
  } catch (error) {
    problem(`${at} @http(select:): ${(error as Error).message}`);
  }

  let shapeMemo = shapes.get(source.name);
  if (!shapeMemo) shapes.set(source.name, (shapeMemo = new Map()));
  const shape = compileShape(ctx, field.type, source, at, shapeMemo);

  let batch: HttpBatch | undefined;
  if (d.batch) batch = readBatch(d.batch, call, resolvePlaceholder, method, source, shape, problem, at);
  if (batch) parentKeys.add(batch.keyFrom.key);
  if (problemsBefore.length) return undefined;
  return {
    kind: 'http',
    at,
    source: source.name,
    format: source.format,
    method,
    path: call.path,
    query: call.query,
    body,
    select,
    batch,
    retry: d.retry ?? false,
    shape,
    parentKeys: [...parentKeys],
  };
}

function readBatch(
  d: { param?: string; bodyField?: string; from?: string; separator?: string; key: string; maxSize?: number },
  call: ParsedCall,
  resolvePlaceholder: (p: Placeholder, where: string) => void,
  method: HttpMethod,
  source: SourceSpec,
  shape: Shape,
  problem: Problem,
  at: string,
): HttpBatch | undefined {
  if ((d.param === undefined) === (d.bodyField === undefined))
    return void problem(
      `${at} @http(batch:) needs exactly one of param (a query parameter) or bodyField (a JSON body field)`,
    );
  let keyFrom: Placeholder | undefined;
  if (d.param !== undefined) {
    const param = call.query.find((q) => q.name === d.param);
    const only = param?.value.length === 1 ? param.value[0] : undefined;
    if (!only || typeof only === 'string' || only.from !== 'parent')
      return void problem(
        `${at} @http(batch: {param: "${d.param}"}): the call needs ${d.param}={$parent.<key>} in its query`,
      );
    keyFrom = only;
  } else {
    if (method !== 'POST') problem(`${at} @http(batch: {bodyField}) sends keys in a POST body; use post:`);
    const m = /^\$parent\.([_A-Za-z][_0-9A-Za-z]*)$/.exec(d.from ?? '');
    if (!m)
      return void problem(`${at} @http(batch: {bodyField}) needs from: "$parent.<field>", the key of each parent`);
    keyFrom = { from: 'parent', name: m[1]!, key: m[1]! };
    resolvePlaceholder(keyFrom, 'batch');
  }
  let key: Path = [];
  try {
    key = parsePath(d.key, source.format, source.namespaces);
  } catch (error) {
    problem(`${at} @http(batch: {key}): ${(error as Error).message}`);
  }
  if (key.length === 0) problem(`${at} @http(batch: {key}) must name where each item holds its key`);
  if (shape.item.kind !== 'object') problem(`${at}: a batched field must return an object type (or a list of them)`);
  if (!(Number.isInteger(d.maxSize) && d.maxSize! > 0))
    problem(`${at} @http(batch: {maxSize}) must be a positive integer`);
  return {
    keyFrom,
    param: d.param,
    bodyField: d.bodyField,
    separator: d.separator ?? ',',
    key,
    maxSize: d.maxSize ?? 100,
  };
}
