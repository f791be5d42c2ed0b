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
  /** Resolves when the database answers `SELECT 1`. */
  ping(): Promise<void>;
  /** Rows whose `field` is one of `keys`; with `perKey`, at most that many per key, in `orderBy` order. */
  findByKeys(
    model: string,
    field: string,
    keys: readonly unknown[],
    query: ReadQuery & { perKey?: number },
  ): Promise<Row[]> | undefined;
  /**
   * The first `take` rows. Each of `joins` reads a to-one relation of those
   * rows in the same statement and hands every parent key's related row (or
   * null) to its `found`.
   */
  findPage(
    model: string,
    query: ReadQuery & { take: number; joins?: readonly ToOneJoin[] },
  ): Promise<Row[]> | undefined;
}

/** A to-one relation read with a page: `Book.author` is Author by id = Book.authorId. */
export interface ToOneJoin {
  model: string;
  /** The page model's column holding the related row's key. */
  parentKey: string;
  /** The related model's unique column. */
  targetKey: string;
  /** The related model's columns to read; must include targetKey. */
  columns?: readonly string[];
  found: (key: unknown, row: Row | null) => void;
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

/** A run of result columns that makes one table's row objects. */
interface Segment {
  table: Table;
  names: string[];
}

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
  /** `alias` qualifies every column (`"t0"."id"`), for statements that join. */
  constructor(
    readonly table: Table,
    readonly alias?: string,
  ) {}

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

  // Runs the statement and turns the adapter's rows (arrays) into
  // Prisma-shaped objects: one object per segment (a table's run of columns)
  // and row, so a joined statement gives one array of rows per table.
  async function run(statement: Statement, sql: string, segments: Segment[]): Promise<Row[][]> {
    // Named (prepared once per connection) while the number of distinct texts stays small.
    const { statementNames } = options;
    if (!statementNames.has(sql) && statementNames.size < maxStatementNames)
      statementNames.set(sql, `switchyard_${statementNames.size}`);
    const adapter = await options.adapter();
    const result = await adapter.queryRaw({ sql, args: statement.args, argTypes: statement.types });
    let offset = 0;
    return segments.map(({ table, names }) => {
      const start = offset;
      offset += names.length;
      const decode = names.map((n) => {
        const field = table.columns.get(n)!.field;
        return field.kind === 'enum' ? null : decoders[field.type]!;
      });
      const rows: Row[] = new Array(result.rows.length);
      for (let r = 0; r < result.rows.length; r++) {
        const values = result.rows[r]!;
        const row: Row = {};
        for (let c = 0; c < names.length; c++) {
          const value = values[start + c];
          const decoder = decode[c];
          row[names[c]!] = decoder && value !== null ? decoder(value) : value;
        }
        rows[r] = row;
      }
      return rows;
    });
  }

  // Builds with `build`; undefined when the query needs Prisma.
  function attempt(
    model: string,
    build: (tables: (name: string) => Table) => { statement: Statement; sql: string; segments: Segment[] },
  ): Promise<Row[][]> | undefined {
    let built: ReturnType<typeof build>;
    try {
      built = build((name) => {
        const table = tables.get(name);
        if (!table) throw new Unsupported(name);
        return table;
      });
    } catch (error) {
      if (error instanceof Unsupported) return undefined;
      throw error;
    }
    return run(built.statement, built.sql, built.segments);
  }

  return {
    ping: async () => {
      const adapter = await options.adapter();
      await adapter.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] });
    },

    findByKeys: (model, field, keys, query) =>
      attempt(model, (table) => {
        const s = new Statement(table(model));
        const { sql: columns, names } = s.select(query.columns);
        const key = s.column(field);
        const filter = s.where(query.where);
        const where = `${key.sql} = ANY(${s.param(key.field, [...keys], true)})${filter === 'TRUE' ? '' : ` AND ${filter}`}`;
        const order = s.orderBy(query.orderBy);
        const segments = [{ table: s.table, names }];
        if (query.perKey === undefined) {
          const sql = `SELECT ${columns} FROM ${s.table.name} WHERE ${where}${order ? ` ORDER BY ${order}` : ''}`;
          return { statement: s, sql, segments };
        }
        // At most perKey rows per key, ranked in page order: the database cuts
        // each parent's page. The inner `*` keeps the order columns visible
        // outside; Postgres drops the columns nothing reads.
        const rank = `ROW_NUMBER() OVER (PARTITION BY ${key.sql}${order ? ` ORDER BY ${order}` : ''})`;
        const limit = s.typedParam(query.perKey, 'int');
        const inner = `SELECT *, ${rank} AS "switchyard_rank" FROM ${s.table.name} WHERE ${where}`;
        const sql = `SELECT ${columns} FROM (${inner}) AS "page" WHERE "switchyard_rank" <= ${limit}${order ? ` ORDER BY ${order}` : ''}`;
        return { statement: s, sql, segments };
      })?.then(([rows]) => rows!),

    findPage: (model, query) => {
      const joins = query.joins ?? [];
      const read = attempt(model, (table) => {
        const s = new Statement(table(model), joins.length ? 't0' : undefined);
        const { sql: columns, names } = s.select(query.columns);
        const segments: Segment[] = [{ table: s.table, names }];
        let from = s.table.name + (joins.length ? ` AS "t0"` : '');
        const selected = [columns];
        joins.forEach((join, i) => {
          if (!names.includes(join.parentKey)) throw new Unsupported(join.parentKey);
          const j = new Statement(table(join.model), `t${i + 1}`);
          const { sql, names: joinNames } = j.select(join.columns);
          if (!joinNames.includes(join.targetKey)) throw new Unsupported(join.targetKey);
          selected.push(sql);
          segments.push({ table: j.table, names: joinNames });
          from += ` LEFT JOIN ${j.table.name} AS "t${i + 1}" ON ${j.column(join.targetKey).sql} = ${s.column(join.parentKey).sql}`;
        });
        const order = s.orderBy(query.orderBy);
        const limit = s.typedParam(query.take, 'int');
        const filter = s.where(query.where);
        const where = filter === 'TRUE' ? '' : ` WHERE ${filter}`;
        const sql = `SELECT ${selected.join(', ')} FROM ${from}${where}${order ? ` ORDER BY ${order}` : ''} LIMIT ${limit}`;
        return { statement: s, sql, segments };
      });
      return read?.then(([rows, ...joined]) => {
        joins.forEach((join, i) => {
          rows!.forEach((row, r) => {
            const key = row[join.parentKey];
            if (key === null || key === undefined) return;
            const related = joined[i]![r]!;
            join.found(key, related[join.targetKey] === null ? null : related);
          });
        });
        return rows!;
      });
    },
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
