// Hot reads on Postgres as hand-built SQL through Prisma's own driver adapter
// (same pool, same statement counting), skipping Prisma's query planning and
// row mapping, which cost about twice what the database driver does. Only the
// shapes the gateway reads most take this path: rows by keys (optionally at
// most n per key, for nested connections) and root pages, filtered by column
// comparisons (keys, cursor bounds, simple client filters). Anything else —
// relation filters, text patterns, Decimal/Json/Bytes columns — returns
// undefined and the caller asks Prisma, so both paths answer the same.
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils';
import type { Db } from './client.ts';
import type { DataModel, Model, ModelField } from './datamodel.ts';

type Row = Record<string, unknown>;
type Where = Record<string, unknown>;
type OrderBy = Record<string, 'asc' | 'desc' | { sort: 'asc' | 'desc'; nulls: 'first' | 'last' }>[];

export interface ReadQuery {
  where?: Where;
  orderBy?: OrderBy;
  /** Column names; undefined reads every column. */
  columns?: readonly string[];
}

export interface SqlReads {
  /** Rows whose `field` is one of `keys`; with `perKey`, at most that many per key, in `orderBy` order. */
  findByKeys(
    model: string,
    field: string,
    keys: readonly unknown[],
    query: ReadQuery & { perKey?: number },
  ): Promise<Row[]> | undefined;
  /** The first `take` rows. */
  findPage(model: string, query: ReadQuery & { take: number }): Promise<Row[]> | undefined;
}

// Column types whose adapter values this module converts as Prisma would.
const decoders: Record<string, ((v: unknown) => unknown) | null> = {
  Int: null,
  Float: null,
  String: null,
  Boolean: null,
  DateTime: (v) => new Date(v as string),
  BigInt: (v) => BigInt(v as string),
};
const argTypes: Record<string, SqlQuery['argTypes'][number]['scalarType']> = {
  Int: 'int',
  Float: 'float',
  String: 'string',
  Boolean: 'boolean',
  DateTime: 'datetime',
  BigInt: 'bigint',
};

interface Table {
  name: string; // quoted, schema-qualified
  columns: Map<string, { sql: string; field: ModelField }>;
}

class Unsupported extends Error {}

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

function tableOf(model: Model, schema: string): Table {
  const columns = new Map<string, { sql: string; field: ModelField }>();
  for (const field of model.fields) {
    const supported = (field.kind === 'scalar' && field.type in decoders) || field.kind === 'enum';
    if (supported && !field.isList) columns.set(field.name, { sql: quote(field.dbName ?? field.name), field });
  }
  return { name: `${quote(schema)}.${quote(model.dbName ?? model.name)}`, columns };
}

// Builds one statement's text and parameters; throws Unsupported for what it cannot express.
class Statement {
  readonly args: unknown[] = [];
  readonly types: SqlQuery['argTypes'] = [];
  constructor(readonly table: Table) {}

  column(name: string) {
    const column = this.table.columns.get(name);
    if (!column) throw new Unsupported(name);
    return column;
  }

  param(field: ModelField, value: unknown, list = false): string {
    return this.typedParam(value, field.kind === 'enum' ? 'enum' : argTypes[field.type]!, list);
  }

  typedParam(value: unknown, scalarType: SqlQuery['argTypes'][number]['scalarType'], list = false): string {
    this.args.push(value);
    this.types.push({ scalarType, arity: list ? 'list' : 'scalar' });
    return `$${this.args.length}`;
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
          parts.push(operand.length === 0 ? 'FALSE' : `${sql} = ANY(${this.param(field, operand, true)})`);
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

  select(columns: readonly string[] | undefined): { sql: string; names: string[] } {
    const names = columns ? [...columns] : [...this.table.columns.keys()];
    return { sql: names.map((n) => this.column(n).sql).join(', '), names };
  }
}

export function createSqlReads(
  datamodel: DataModel,
  options: { schema: string; adapter: () => Promise<SqlDriverAdapter>; statementNames: Map<string, string> },
): SqlReads {
  const tables = new Map(datamodel.models.map((m) => [m.name, tableOf(m, options.schema)]));
  const maxStatementNames = 500;

  // Runs the statement and turns the adapter's rows (arrays) into Prisma-shaped objects.
  async function run(statement: Statement, sql: string, names: string[]): Promise<Row[]> {
    // Named (prepared once per connection) while the number of distinct texts stays small.
    const { statementNames } = options;
    if (!statementNames.has(sql) && statementNames.size < maxStatementNames)
      statementNames.set(sql, `switchyard_${statementNames.size}`);
    const adapter = await options.adapter();
    const result = await adapter.queryRaw({ sql, args: statement.args, argTypes: statement.types });
    const decode = names.map((n) => {
      const field = statement.table.columns.get(n)!.field;
      return field.kind === 'enum' ? null : decoders[field.type]!;
    });
    const rows: Row[] = new Array(result.rows.length);
    for (let r = 0; r < result.rows.length; r++) {
      const values = result.rows[r]!;
      const row: Row = {};
      for (let c = 0; c < names.length; c++) {
        const value = values[c];
        const decoder = decode[c];
        row[names[c]!] = decoder && value !== null ? decoder(value) : value;
      }
      rows[r] = row;
    }
    return rows;
  }

  // Builds with `build`; undefined when the query needs Prisma.
  function attempt(model: string, build: (s: Statement) => [string, string[]]): Promise<Row[]> | undefined {
    const table = tables.get(model);
    if (!table) return undefined;
    const statement = new Statement(table);
    let built: [string, string[]];
    try {
      built = build(statement);
    } catch (error) {
      if (error instanceof Unsupported) return undefined;
      throw error;
    }
    return run(statement, ...built);
  }

  return {
    findByKeys: (model, field, keys, query) =>
      attempt(model, (s) => {
        const { sql: columns, names } = s.select(query.columns);
        const key = s.column(field);
        const filter = s.where(query.where);
        const where = `${key.sql} = ANY(${s.param(key.field, [...keys], true)})${filter === 'TRUE' ? '' : ` AND ${filter}`}`;
        const order = s.orderBy(query.orderBy);
        if (query.perKey === undefined)
          return [`SELECT ${columns} FROM ${s.table.name} WHERE ${where}${order ? ` ORDER BY ${order}` : ''}`, names];
        // At most perKey rows per key, ranked in page order: the database cuts
        // each parent's page. The inner `*` keeps the order columns visible
        // outside; Postgres drops the columns nothing reads.
        const rank = `ROW_NUMBER() OVER (PARTITION BY ${key.sql}${order ? ` ORDER BY ${order}` : ''})`;
        const limit = s.typedParam(query.perKey, 'int');
        const inner = `SELECT *, ${rank} AS "switchyard_rank" FROM ${s.table.name} WHERE ${where}`;
        return [
          `SELECT ${columns} FROM (${inner}) AS "page" WHERE "switchyard_rank" <= ${limit}${order ? ` ORDER BY ${order}` : ''}`,
          names,
        ];
      }),
    findPage: (model, query) =>
      attempt(model, (s) => {
        const { sql: columns, names } = s.select(query.columns);
        const order = s.orderBy(query.orderBy);
        const limit = s.typedParam(query.take, 'int');
        const filter = s.where(query.where);
        const where = filter === 'TRUE' ? '' : ` WHERE ${filter}`;
        const sql = `SELECT ${columns} FROM ${s.table.name}${where}${order ? ` ORDER BY ${order}` : ''} LIMIT ${limit}`;
        return [sql, names];
      }),
  };
}

const registry = new WeakMap<Db, SqlReads>();

/** Makes `reads` the SQL read path of `db` (Postgres clients only). */
export function registerSqlReads(db: Db, reads: SqlReads): void {
  registry.set(db, reads);
}

/** The SQL read path of `db`, if it has one. */
export function sqlReadsOf(db: Db): SqlReads | undefined {
  return registry.get(db);
}
