// Prints the boilerplate SDL that binds one Prisma model: the @model type, its
// connection, filter, order and mutation inputs, and its Query and Mutation
// fields. `npm run scaffold -- Book` prints it; the output is a starting point
// to edit, and it passes binding validation as printed.
import type { DataModel, Model, ModelField } from '../sources/prisma/datamodel.ts';

const outputScalar: Record<string, string> = {
  Int: 'Int',
  BigInt: 'ID',
  String: 'String',
  Float: 'Float',
  Decimal: 'Float',
  Boolean: 'Boolean',
  DateTime: 'DateTime',
};
const filterOf: Record<string, string> = {
  Int: 'IntFilter',
  BigInt: 'IntFilter',
  String: 'StringFilter',
  Float: 'FloatFilter',
  Decimal: 'FloatFilter',
  Boolean: 'BooleanFilter',
  DateTime: 'DateTimeFilter',
};

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const plural = (s: string) => (s.endsWith('s') ? `${s}es` : s.endsWith('y') ? `${s.slice(0, -1)}ies` : `${s}s`);
const pageArgs = (model: string) =>
  `first: Int, after: String, last: Int, before: String, where: ${model}Where, orderBy: [${model}Order!]`;

// Columns that hold keys (the id, foreign keys) read as GraphQL IDs.
function columnType(model: Model, field: ModelField, keys: Set<string>): string | undefined {
  if (field.kind === 'enum') return field.type;
  if (field.isList) return undefined; // scalar lists differ by provider; bind them by hand
  if (field.name === model.idField || keys.has(field.name)) return 'ID';
  return outputScalar[field.type];
}

export function scaffoldModelSdl(dm: DataModel, modelName: string): string {
  const model = dm.models.find((m) => m.name === modelName);
  if (!model) throw new Error(`No model "${modelName}"; models: ${dm.models.map((m) => m.name).join(', ')}`);
  const M = model.name;
  const foreignKeys = new Set(model.fields.flatMap((f) => f.relationFromFields));
  const columns = model.fields.filter((f) => f.kind !== 'object' && columnType(model, f, foreignKeys));
  const relations = model.fields.filter((f) => f.kind === 'object');
  const typeOf = (f: ModelField) => columnType(model, f, foreignKeys)!;
  const lines: string[] = [];
  const block = (head: string, body: string[]) => lines.push(`${head} {`, ...body.map((l) => `  ${l}`), '}', '');

  for (const e of dm.enums.filter((e) => columns.some((c) => c.type === e.name))) {
    block(`enum ${e.name}`, e.values);
    block(`input ${e.name}Filter`, [`equals: ${e.name}`, `not: ${e.name}`, `in: [${e.name}!]`, `notIn: [${e.name}!]`]);
  }
  block(`type ${M} @model`, [
    ...columns.filter((f) => !foreignKeys.has(f.name)).map((f) => `${f.name}: ${typeOf(f)}${f.isRequired ? '!' : ''}`),
    ...relations.map((r) =>
      r.isList
        ? `# ${r.name}(${pageArgs(r.type)}): ${r.type}Connection!   # once ${r.type} is bound`
        : `# ${r.name}: ${r.type}${r.isRequired ? '!' : ''}   # once ${r.type} is bound`,
    ),
  ]);
  block(`type ${M}Connection`, [`edges: [${M}Edge!]!`, `nodes: [${M}!]!`, 'pageInfo: PageInfo!', 'totalCount: Int!']);
  block(`type ${M}Edge`, ['cursor: String!', `node: ${M}!`]);
  block(`input ${M}Where`, [
    ...columns.map(
      (f) => `${f.name}: ${f.kind === 'enum' ? `${f.type}Filter` : typeOf(f) === 'ID' ? 'IDFilter' : filterOf[f.type]}`,
    ),
    `AND: [${M}Where!]`,
    `OR: [${M}Where!]`,
    `NOT: ${M}Where`,
  ]);
  block(
    `input ${M}Order`,
    columns.map((f) => `${f.name}: SortOrder`),
  );
  const writable = columns.filter((f) => f.name !== model.idField);
  block(
    `input Create${M}Input`,
    writable.map((f) => `${f.name}: ${typeOf(f)}${f.isRequired && !f.hasDefault ? '!' : ''}`),
  );
  block(
    `input Update${M}Input`,
    writable.filter((f) => !f.hasDefault || f.kind === 'enum').map((f) => `${f.name}: ${typeOf(f)}`),
  );
  const one = lowerFirst(M);
  block('extend type Query', [
    `${one}(id: ID!): ${M} @find`,
    `${lowerFirst(plural(M))}(${pageArgs(M)}): ${M}Connection! @list`,
  ]);
  block('extend type Mutation', [
    `create${M}(input: Create${M}Input!): ${M}! @create`,
    `update${M}(id: ID!, input: Update${M}Input!): ${M}! @update`,
    `delete${M}(id: ID!): ${M}! @delete`,
  ]);
  return lines.join('\n');
}
