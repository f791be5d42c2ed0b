// The Prisma data model as binding validation and the batch functions need it,
// read from the JSON that `prisma generate` writes (prisma/generators/datamodel.mjs).
import { readFileSync } from 'node:fs';

export interface ModelField {
  name: string;
  /** The column's name in the database (`@map`), when it differs. */
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  hasDefault: boolean;
  /** The @default: a literal value, or a function Prisma or the database evaluates. */
  default?: FieldDefault | null;
  /** @updatedAt: Prisma sets it to the current time on every write. */
  isUpdatedAt?: boolean;
  /** The @db.* type, as [name, args]; null when the provider's default type. */
  nativeType?: [string, string[]] | null;
  relationName: string | null;
  relationFromFields: string[];
  relationToFields: string[];
}

export type FieldDefault = { name: string; args: unknown[] } | string | number | boolean | unknown[];

export interface Model {
  name: string;
  /** The table's name in the database (`@@map`), when it differs. */
  dbName?: string | null;
  idField: string | null;
  uniqueFields: string[];
  fields: ModelField[];
}

export interface DataModel {
  /** "prisma": the database has no foreign keys (Prisma's relationMode); absent means it has them. */
  relationMode?: 'foreignKeys' | 'prisma';
  models: Model[];
  enums: { name: string; values: string[] }[];
}

const datamodelPath = new URL('../../generated/datamodel.json', import.meta.url);

export function loadDataModel(): DataModel {
  try {
    return JSON.parse(readFileSync(datamodelPath, 'utf8')) as DataModel;
  } catch (error) {
    throw new Error(`Cannot read the Prisma data model at ${datamodelPath.pathname}; run \`npm run generate\``, {
      cause: error,
    });
  }
}

export function findModel(dm: DataModel, name: string): Model | undefined {
  return dm.models.find((m) => m.name === name);
}

export function findField(model: Model, name: string): ModelField | undefined {
  return model.fields.find((f) => f.name === name);
}

/** Scalar and enum fields: the columns of the model. */
export function columnsOf(model: Model): ModelField[] {
  return model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
}

/** The Prisma client property for a model: `OrderLine` → `orderLine`. */
export function delegateName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}
