// What readHttpBindings() makes of `@source` and `@http`: declarations checked
// at startup, so a request only renders templates and walks compiled shapes.
import type { HttpMethod, SourceFormat } from '../../sources/http/types.ts';

/** A configuration value: literal, or read from the environment at startup. */
export type ValueRef = { value: string } | { env: string };

export interface SourceSpec {
  name: string;
  url: ValueRef;
  format: SourceFormat;
  timeoutMs: number;
  headers: { name: string; value: ValueRef }[];
  forwardHeaders: string[];
  maxConcurrency: number;
  maxBodyBytes: number;
  retries: number;
  breaker: { failureRatio: number; windowMs: number; minimumCalls: number; resetMs: number };
  cache: boolean;
  cacheMaxBytes: number;
  namespaces: Record<string, string>;
}

/** `{$args.isbn}` or `{$parent.isbn}`; `key` is where the value is read (a column for @model parents). */
export interface Placeholder {
  from: 'args' | 'parent';
  name: string;
  key: string;
}

/** Literal text and placeholders, in order. */
export type Template = (string | Placeholder)[];

/**
 * One step of a selection path. JSON: an object key (or an array index).
 * XML: child elements by name (and namespace, when the step had a prefix),
 * or an attribute.
 */
export type PathStep =
  { kind: 'key'; name: string } | { kind: 'element'; name: string; ns?: string } | { kind: 'attribute'; name: string };

export type Path = PathStep[];

export type ScalarName = 'Int' | 'Float' | 'String' | 'ID' | 'Boolean' | 'DateTime';

/** How a value from a response becomes the value of a GraphQL type. */
export interface Shape {
  list: boolean;
  nonNull: boolean;
  /** For lists: whether items are non-null. */
  itemNonNull: boolean;
  item: ItemShape;
}

export type ItemShape =
  | { kind: 'scalar'; scalar: ScalarName | 'custom' }
  | { kind: 'enum'; type: string; values: ReadonlySet<string> }
  | { kind: 'object'; type: string; fields: ObjectFieldShape[] };

export interface ObjectFieldShape {
  /** The GraphQL field name, also the key of the shaped object. */
  name: string;
  /** Where the value is read; undefined: the field's own name (XML: attribute, else child element). */
  path?: Path;
  shape: Shape;
}

export interface HttpBatch {
  /** The parent value that is the key. */
  keyFrom: Placeholder;
  /** The keys go in this query parameter, joined by `separator`... */
  param?: string;
  separator: string;
  /** ...or as an array in this top-level field of the JSON body. */
  bodyField?: string;
  /** Where each response item holds its key. */
  key: Path;
  maxSize: number;
}

export interface HttpBinding {
  kind: 'http';
  /** `Type.field`, for messages. */
  at: string;
  source: string;
  format: SourceFormat;
  method: HttpMethod;
  path: Template;
  query: { name: string; value: Template }[];
  /** The JSON body: every argument, or one. */
  body?: { arg?: string };
  select: Path;
  batch?: HttpBatch;
  retry: boolean;
  shape: Shape;
  /** Parent keys the templates read: columns a @model parent must load. */
  parentKeys: string[];
}
