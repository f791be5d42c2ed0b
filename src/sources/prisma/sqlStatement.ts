// The SQL statement builder shared by the SQL read and write paths
// (sqlReads.ts, sqlWrites.ts): a model's table and the column types both
// paths handle, parameters in each dialect's form, Prisma-style filters and
// orders as SQL, and rows of values back into Prisma-shaped objects. What it
// cannot express throws Unsupported, and the caller leaves the query to Prisma.
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils';
import type { Model, ModelField } from './datamodel.ts';
import { limitMark } from './limitForms.ts';
import { parseTimestamp } from './parseTimestamp.ts';

export type Row = Record<string, unknown>;
export type Where = Record<string, unknown>;
export type OrderBy = Record<string, 'asc' | 'desc' | { sort: 'asc' | 'desc'; nulls: 'first' | 'last' }>[];

// Column types the SQL paths handle: how each travels in the JSON form, per
// dialect, and how a value of either form becomes what Prisma returns. In
// JSON, BigInt travels as text, since a JSON number loses digits past 2^53.
// On Postgres DateTime travels as epoch milliseconds, which reads timestamp
// (UTC by Prisma's convention), timestamptz, date and time columns alike, and
// Float's NaN and ±Infinity arrive as strings. On SQLite every other value
// travels as stored: DateTime as ISO text or epoch milliseconds, Boolean as
// 0/1, Float's ±Infinity as 9e999. Plain rows carry the driver adapter's
// values: dates and timestamps as ISO strings, times of day as "13:14:15.678".
export const columnTypes: Record<
  string,
  { json?: Partial<Record<Dialect, (sql: string) => string>>; decode?: (v: unknown) => unknown }
> = {
  Int: {},
  Float: { decode: (v) => (typeof v === 'string' ? Number(v) : v) },
  String: {},
  // SQLite stores booleans as 0 and 1.
  Boolean: { decode: (v) => (typeof v === 'number' ? v !== 0 : v) },
  DateTime: {
    json: { postgres: (sql) => `floor(extract(epoch from ${sql}) * 1000)` },
    decode: (v) =>
      typeof v !== 'string'
        ? new Date(v as number)
        : v.charAt(2) === ':'
          ? new Date(`1970-01-01T${v}Z`)
          : parseTimestamp(v),
  },
  BigInt: {
    json: { postgres: (sql) => `${sql}::text`, sqlite: (sql) => `CAST(${sql} AS TEXT)` },
    decode: (v) => BigInt(v as string),
  },
};
const argTypes: Record<string, SqlQuery['argTypes'][number]['scalarType']> = {
  Int: 'int',
  Float: 'float',
  String: 'string',
  Boolean: 'boolean',
  DateTime: 'datetime',
  BigInt: 'bigint',
};

/** The databases the SQL paths write SQL for. */
export type Dialect = 'postgres' | 'sqlite';

/** What both SQL paths are made with (client.ts). */
export interface SqlPathOptions {
  /** The schema the tables are in: `main` on SQLite. */
  schema: string;
  /** The driver adapter's connection, shared with Prisma. */
  adapter: () => Promise<SqlDriverAdapter>;
  /** Postgres: where statement texts get their prepared-statement names (client.ts). */
  statementNames?: Map<string, string>;
  /** Postgres unless told. */
  dialect?: Dialect;
}

export interface Table {
  name: string; // quoted, schema-qualified
  columns: Map<string, { sql: string; field: ModelField }>;
  dialect: Dialect;
}

/** Thrown for what a SQL path cannot express: the caller then asks Prisma. */
export class Unsupported extends Error {}

/** A run of result columns that makes one table's row objects. */
export interface Segment {
  table: Table;
  names: string[];
  /** Per column, what turns its value into Prisma's (undefined: as it comes). */
  decode: (((v: unknown) => unknown) | undefined)[];
}

export function segmentOf(table: Table, names: string[]): Segment {
  const decode = names.map((n) => {
    const field = table.columns.get(n)!.field;
    return field.kind === 'scalar' ? columnTypes[field.type]!.decode : undefined;
  });
  return { table, names, decode };
}

export const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

export function tableOf(model: Model, schema: string, dialect: Dialect): Table {
  const columns = new Map<string, { sql: string; field: ModelField }>();
  for (const field of model.fields) {
    const supported = (field.kind === 'scalar' && field.type in columnTypes) || field.kind === 'enum';
    if (supported && !field.isList) columns.set(field.name, { sql: quote(field.dbName ?? field.name), field });
  }
  return { name: `${quote(schema)}.${quote(model.dbName ?? model.name)}`, columns, dialect };
}

// Builds one statement's text and parameters; throws Unsupported for what it cannot express.
export class Statement {
  readonly args: unknown[];
  readonly types: SqlQuery['argTypes'];
  /** Postgres: the row limits, in the order limit() was called; each mark in the text carries its index. */
  readonly limits: number[];
  /**
   * `alias` qualifies every column (`"t0"."id"`), for statements that join;
   * a subquery shares the parameters of the statement it is part of.
   */
  constructor(
    readonly table: Table,
    readonly alias?: string,
    partOf?: Statement,
  ) {
    this.args = partOf?.args ?? [];
    this.types = partOf?.types ?? [];
    this.limits = partOf?.limits ?? [];
  }

  column(name: string): { sql: string; field: ModelField } {
    const column = this.table.columns.get(name);
    if (!column) throw new Unsupported(name);
    return this.alias ? { sql: `${quote(this.alias)}.${column.sql}`, field: column.field } : column;
  }

  param(field: ModelField, value: unknown, list = false): string {
    return this.typedParam(value, field.kind === 'enum' ? 'enum' : argTypes[field.type]!, list);
  }

  typedParam(value: unknown, scalarType: SqlQuery['argTypes'][number]['scalarType'], list = false): string {
    this.args.push(value);
    this.types.push({ scalarType, arity: list ? 'list' : 'scalar' });
    // better-sqlite3 binds an array of values only to anonymous parameters,
    // by position: statements make their parameters in text order.
    return this.table.dialect === 'sqlite' ? '?' : `$${this.args.length}`;
  }

  /**
   * A row limit. Postgres gets it as a literal, within LimitForms' budget:
   * with `LIMIT $1` its generic plan is costed for an unknown limit, so it
   * never wins over a custom plan and every execution of the prepared
   * statement is planned again (measured 45–210 µs of backend CPU per
   * statement, 17–45% of W1–W5's). With the value in the text, the generic
   * plan costs what a custom one does and is kept after five runs. Here the
   * text gets a mark; LimitForms writes the value or a parameter there once
   * the statement is whole.
   */
  limit(n: number): string {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`a row limit must be a whole number, not ${n}`);
    if (this.table.dialect !== 'postgres') return this.typedParam(n, 'int');
    this.limits.push(n);
    return `${limitMark}${this.limits.length - 1}${limitMark}`;
  }

  /** `column` is one of `values`. */
  oneOf(column: { sql: string; field: ModelField }, values: readonly unknown[]): string {
    if (values.length === 0) return 'FALSE';
    // One key (a lookup by id, a single parent) as a plain parameter: like a
    // LIMIT parameter (above), `= ANY($1)` keeps Postgres planning every run.
    if (this.table.dialect === 'postgres')
      return values.length === 1
        ? `${column.sql} = ${this.param(column.field, values[0])}`
        : `${column.sql} = ANY(${this.param(column.field, values, true)})`;
    // Prisma's SQLite adapter binds no arrays: the list travels as one JSON
    // text. JSON carries numbers and strings as they are; other key types
    // (DateTime's stored text, BigInt past 2^53) are left to Prisma.
    if (column.field.kind !== 'enum' && column.field.type !== 'Int' && column.field.type !== 'String')
      throw new Unsupported(column.field.type);
    return `${column.sql} IN (SELECT value FROM json_each(${this.typedParam(JSON.stringify(values), 'string')}))`;
  }

  where(where: Where | undefined): string {
    if (!where) return 'TRUE';
    const parts: string[] = [];
    for (const [key, value] of Object.entries(where)) {
      if (value === undefined) continue;
      if (key === 'AND' || key === 'OR') {
        const items = (Array.isArray(value) ? value : [value]) as Where[];
        if (items.length === 0) parts.push(key === 'AND' ? 'TRUE' : 'FALSE');
        else parts.push(`(${items.map((w) => this.where(w)).join(key === 'AND' ? ' AND ' : ' OR ')})`);
      } else if (key === 'NOT') {
        const items = (Array.isArray(value) ? value : [value]) as Where[];
        // Prisma's NOT of several filters is "none of them": NOT (a) AND NOT (b).
        for (const w of items) parts.push(`NOT (${this.where(w)})`);
      } else parts.push(this.filter(key, value));
    }
    return parts.length ? parts.join(' AND ') : 'TRUE';
  }

  filter(name: string, value: unknown): string {
    const { sql, field } = this.column(name);
    if (value === null) return `${sql} IS NULL`;
    if (typeof value !== 'object' || value instanceof Date) return `${sql} = ${this.param(field, value)}`;
    const parts: string[] = [];
    for (const [op, operand] of Object.entries(value as Record<string, unknown>)) {
      if (operand === undefined) continue;
      switch (op) {
        case 'equals':
          parts.push(operand === null ? `${sql} IS NULL` : `${sql} = ${this.param(field, operand)}`);
          break;
        case 'not':
          // `not: value` keeps or drops nulls depending on Prisma's version: left to Prisma.
          if (operand !== null) throw new Unsupported('not');
          parts.push(`${sql} IS NOT NULL`);
          break;
        case 'in':
          if (!Array.isArray(operand)) throw new Unsupported('in');
          parts.push(this.oneOf({ sql, field }, operand));
          break;
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte': {
          const symbol = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
          parts.push(`${sql} ${symbol} ${this.param(field, operand)}`);
          break;
        }
        default:
          throw new Unsupported(op);
      }
    }
    return parts.length ? parts.join(' AND ') : 'TRUE';
  }

  orderBy(orderBy: OrderBy | undefined): string {
    const items = (orderBy ?? []).map((item) => {
      const [[name, spec]] = Object.entries(item) as [[string, OrderBy[number][string]]];
      const { sort, nulls } = typeof spec === 'string' ? { sort: spec, nulls: undefined } : spec;
      const direction = sort === 'desc' ? 'DESC' : 'ASC';
      return `${this.column(name).sql} ${direction}${nulls ? ` NULLS ${nulls === 'first' ? 'FIRST' : 'LAST'}` : ''}`;
    });
    return items.join(', ');
  }

  /** The columns (all when undefined), aliased by position in the row: c0, c1, … from `offset`. */
  select(columns: readonly string[] | undefined, offset = 0): { sql: string; names: string[] } {
    const names = columns ? [...columns] : [...this.table.columns.keys()];
    return { sql: names.map((n, i) => `${this.column(n).sql} AS "c${offset + i}"`).join(', '), names };
  }
}

// One segment's row objects from rows of values, its columns from `start`.
export function rowsOf(values: unknown[][], start: number, { names, decode }: Segment): Row[] {
  const rows: Row[] = new Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const row: Row = {};
    for (let c = 0; c < names.length; c++) {
      const value = values[r]![start + c];
      const decoder = decode[c];
      row[names[c]!] = decoder && value !== null ? decoder(value) : value;
    }
    rows[r] = row;
  }
  return rows;
}

const maxStatementNames = 500;

/**
 * Postgres: gives `sql` a prepared-statement name (client.ts hands it to the
 * pg adapter), so each connection parses and plans it once. Texts past the
 * cap stay unnamed, so a stream of distinct texts cannot fill every connection.
 */
export function nameStatement(statementNames: Map<string, string> | undefined, sql: string): void {
  if (statementNames && !statementNames.has(sql) && statementNames.size < maxStatementNames)
    statementNames.set(sql, `switchyard_${statementNames.size}`);
}
