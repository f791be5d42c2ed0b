// Single-row writes (@create, @update, @delete) as hand-built SQL through
// Prisma's own driver adapter: the one statement Prisma 7 itself sends for
// them (INSERT, UPDATE or DELETE … RETURNING every column), without Prisma's
// client runtime. That runtime was 18% of the CPU of W7, the bench's mutation
// mix, and its query compiler (wasm) adds about 27 MiB of memory to the
// process the first time it is used (bench/FINDINGS.md).
//
// What Prisma fills in, this fills in the same way: @default(now()) and
// @updatedAt as the current time, literal defaults as literals. Anything it
// cannot write as Prisma would returns undefined, and the caller asks Prisma:
// a model with a column the builder does not handle (Json, Decimal, Bytes,
// lists, @db.* types), a missing value whose default Prisma generates
// (uuid(), cuid(), …), a filter beyond column comparisons, an update that
// sets nothing. tests/integration/sqlWrites.test.ts writes through both
// paths on both databases and compares.
import { dbRegistry } from './dbRegistry.ts';
import type { DataModel, Model, ModelField } from './datamodel.ts';
import {
  nameStatement,
  rowsOf,
  segmentOf,
  Statement,
  tableOf,
  Unsupported,
  type Dialect,
  type Row,
  type Segment,
  type SqlPathOptions,
  type Table,
  type Where,
} from './sqlStatement.ts';

/** An update or delete whose row is not there (or not the viewer's): Prisma's P2025. */
export class RowNotFound extends Error {
  constructor(readonly model: string) {
    super(`No ${model} matched the filter`);
    this.name = 'RowNotFound';
  }
}

export interface SqlWrites {
  /** Inserts one row; resolves with all its columns. */
  create(model: string, data: Row): Promise<Row> | undefined;
  /** Updates the row `where` names by a unique key; rejects with RowNotFound when none matches. */
  update(model: string, where: Where, data: Row): Promise<Row> | undefined;
  /** Deletes the row `where` names by a unique key; rejects with RowNotFound when none matches. */
  delete(model: string, where: Where): Promise<Row> | undefined;
}

// Default functions the database evaluates itself: the statement leaves their columns out.
const databaseDefaults = new Set(['autoincrement', 'dbgenerated', 'sequence']);

/** A model whose rows this path can write: its table, every column, and what Prisma fills in. */
interface Writable {
  model: Model;
  table: Table;
  /** RETURNING: every column, as Prisma returns them. */
  returning: string;
  segment: Segment;
  /** On create, a column left out gets this value: now() and @updatedAt the time, a literal itself. */
  createDefaults: { field: ModelField; value: () => unknown }[];
  /** Columns left out of a create whose value only Prisma makes (uuid(), cuid(), …). */
  generatedByPrisma: Set<string>;
  /** @updatedAt columns: set on every update. */
  updatedAt: ModelField[];
}

function writableOf(model: Model, schema: string, dialect: Dialect): Writable | undefined {
  const table = tableOf(model, schema, dialect);
  const columns = model.fields.filter((f) => f.kind !== 'object');
  // A column left out of the table (or typed natively) would be missing from the row, or written otherwise.
  if (columns.some((f) => !table.columns.has(f.name) || f.nativeType)) return undefined;
  const createDefaults: Writable['createDefaults'] = [];
  const generatedByPrisma = new Set<string>();
  for (const field of columns) {
    const given = field.default;
    if (field.isUpdatedAt || (typeof given === 'object' && given !== null && !Array.isArray(given))) {
      const name = field.isUpdatedAt ? 'now' : (given as { name: string }).name;
      if (name === 'now') createDefaults.push({ field, value: () => new Date() });
      else if (!databaseDefaults.has(name)) generatedByPrisma.add(field.name);
    } else if (given !== undefined && given !== null) {
      createDefaults.push({ field, value: () => given });
    }
  }
  const s = new Statement(table);
  const { sql: returning, names } = s.select(undefined);
  return {
    model,
    table,
    returning,
    segment: segmentOf(table, names),
    createDefaults,
    generatedByPrisma,
    updatedAt: columns.filter((f) => f.isUpdatedAt),
  };
}

export function createSqlWrites(datamodel: DataModel, options: SqlPathOptions): SqlWrites {
  const dialect = options.dialect ?? 'postgres';
  const writables = new Map(datamodel.models.map((m) => [m.name, writableOf(m, options.schema, dialect)]));

  async function run(writable: Writable, statement: Statement, sql: string): Promise<Row | undefined> {
    nameStatement(options.statementNames, sql);
    const adapter = await options.adapter();
    const result = await adapter.queryRaw({ sql, args: statement.args, argTypes: statement.types });
    return rowsOf(result.rows as unknown[][], 0, writable.segment)[0];
  }

  // The filter of an update or delete: it must name one row by a unique column.
  function uniqueWhere(writable: Writable, s: Statement, where: Where): string {
    const { uniqueFields } = writable.model;
    const byKey = Object.entries(where).some(
      ([name, value]) =>
        uniqueFields.includes(name) && value !== null && (typeof value !== 'object' || value instanceof Date),
    );
    if (!byKey) throw new Unsupported('a filter without a unique key');
    return s.where(where);
  }

  // Builds with `build`; undefined when the write needs Prisma.
  function attempt(
    model: string,
    build: (writable: Writable, s: Statement) => string,
    found: (row: Row | undefined) => Row,
  ): Promise<Row> | undefined {
    const writable = writables.get(model);
    if (!writable) return undefined;
    const s = new Statement(writable.table);
    let sql: string;
    try {
      sql = build(writable, s);
    } catch (error) {
      if (error instanceof Unsupported) return undefined;
      throw error;
    }
    return run(writable, s, sql).then(found);
  }

  const one =
    (model: string) =>
    (row: Row | undefined): Row => {
      if (!row) throw new RowNotFound(model);
      return row;
    };

  return {
    create: (model, data) =>
      attempt(
        model,
        (w, s) => {
          const columns: string[] = [];
          const values: string[] = [];
          const set = (name: string, value: unknown) => {
            const column = s.column(name);
            columns.push(column.sql);
            values.push(s.param(column.field, value));
          };
          for (const [name, value] of Object.entries(data)) if (value !== undefined) set(name, value);
          for (const { field, value } of w.createDefaults) if (data[field.name] === undefined) set(field.name, value());
          for (const name of w.generatedByPrisma) if (data[name] === undefined) throw new Unsupported(name);
          const into = columns.length ? `(${columns.join(', ')}) VALUES (${values.join(', ')})` : 'DEFAULT VALUES';
          return `INSERT INTO ${w.table.name} ${into} RETURNING ${w.returning}`;
        },
        one(model),
      ),

    update: (model, where, data) =>
      attempt(
        model,
        (w, s) => {
          const sets: string[] = [];
          const set = (name: string, value: unknown) => {
            const column = s.column(name);
            sets.push(`${column.sql} = ${s.param(column.field, value)}`);
          };
          for (const [name, value] of Object.entries(data)) if (value !== undefined) set(name, value);
          // Prisma updates nothing (and sets no @updatedAt) when no value is given.
          if (sets.length === 0) throw new Unsupported('an update that sets nothing');
          for (const field of w.updatedAt) if (data[field.name] === undefined) set(field.name, new Date());
          return `UPDATE ${w.table.name} SET ${sets.join(', ')} WHERE ${uniqueWhere(w, s, where)} RETURNING ${w.returning}`;
        },
        one(model),
      ),

    delete: (model, where) =>
      attempt(
        model,
        (w, s) => `DELETE FROM ${w.table.name} WHERE ${uniqueWhere(w, s, where)} RETURNING ${w.returning}`,
        one(model),
      ),
  };
}

const registry = dbRegistry<SqlWrites>();

/** Makes its second argument the SQL write path of `db` (client.ts, for both providers). */
export const registerSqlWrites = registry.register;

/** The SQL write path of `db`, if it has one. */
export const sqlWritesOf = registry.of;
