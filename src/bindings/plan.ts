// What readBindings() makes of schema.graphql: one binding per bound field,
// plus the filter and order inputs, all checked against the Prisma data model.
// bindResolvers() turns the plan into resolvers; nothing is re-validated there.
import type { Model, ModelField } from '../sources/prisma/datamodel.ts';
import type { AuthPlan } from './auth/rules.ts';
import type { HttpBinding, SourceSpec } from './http/httpPlan.ts';

/** A field argument that names a unique model field (`book(id:)`, `book(isbn:)`). */
export interface KeyArg {
  arg: string;
  field: ModelField;
}

/** How the fields of one filter input (`BookWhere`) map onto a model. */
export interface WhereSpec {
  model: Model;
  fields: Map<string, WhereField>;
}

export type WhereField =
  | { kind: 'column'; field: ModelField }
  | { kind: 'toOne'; relation: string; target: string /* WhereSpec input name */ }
  | { kind: 'toMany'; relation: string; target: string; quantifiers: Map<string, 'some' | 'every' | 'none'> }
  | { kind: 'logic'; op: 'AND' | 'OR' | 'NOT' };

/** How the fields of one order input (`BookOrder`) map onto model columns. */
export interface OrderSpec {
  model: Model;
  fields: Map<string, ModelField>;
}

/** The list arguments of a @list field or a to-many relation. */
export interface ListArgs {
  where?: string; // input type name with a WhereSpec
  orderBy?: string; // input type name with an OrderSpec
}

export interface InputSpec {
  /** Input field name → model field; constraints are read from the schema. */
  fields: Map<string, ModelField>;
}

export type FieldBinding =
  | { kind: 'find'; model: Model; keys: KeyArg[]; nullable: boolean }
  | { kind: 'list'; model: Model; args: ListArgs }
  | { kind: 'column'; column: string }
  | {
      kind: 'toOne';
      target: Model;
      parentKey: string;
      targetKey: string;
      nullable: boolean;
      /** parentKey is a foreign key the database enforces: a row with that targetKey exists. */
      enforced: boolean;
    }
  | {
      kind: 'toMany';
      target: Model;
      parentKey: string;
      foreignKey: string;
      shape: 'connection' | 'list';
      args: ListArgs;
    }
  | { kind: 'create'; model: Model; inputArg: string; input: InputSpec }
  | { kind: 'update'; model: Model; keys: KeyArg[]; inputArg: string; input: InputSpec }
  | { kind: 'delete'; model: Model; keys: KeyArg[] }
  | { kind: 'resolver' }
  | HttpBinding;

export interface BindingPlan {
  /** `Type.field` → binding. Fields absent here use the default resolver. */
  fields: Map<string, FieldBinding>;
  /** Object type name → the model backing it. */
  models: Map<string, Model>;
  where: Map<string, WhereSpec>;
  order: Map<string, OrderSpec>;
  /** `@source` name → what it declares (environment references unresolved). */
  sources: Map<string, SourceSpec>;
  /** Every @auth: type rules and field gates. */
  auth: AuthPlan;
}

export class BindingError extends Error {
  override name = 'BindingError';
  constructor(readonly problems: string[]) {
    super(`The schema has ${problems.length} binding error(s):\n  - ${problems.join('\n  - ')}`);
  }
}
