// Hot reads as hand-built SQL through Prisma's own driver adapter (same pool
// or SQLite connection, same statement counting), skipping Prisma's query planning and
// row mapping, which cost about twice what the database driver does. Only the
// shapes the gateway reads most take this path: rows by keys (optionally at
// most n per key, for nested connections) and root pages, filtered by column
// comparisons (keys, cursor bounds, simple client filters). Anything else —
// relation filters, text patterns, Decimal/Json/Bytes columns — returns
// undefined and the caller asks Prisma, so both paths answer the same.
//
// On SQLite (where it runs W1–W6 1.2 to 2.9 times as fast as Prisma's
// client, bench/FINDINGS.md) it differs in two ways: a list of keys is one
// JSON text read by json_each (the adapter binds no arrays), and a
// statement's own rows always come plain (better-sqlite3 has nothing to parse
// per value). A page's to-many relations come as JSON on both.
//
// On Postgres, a statement returns its rows as one JSON array of arrays (values in column
// order), parsed with one JSON.parse: the driver's per-row and per-field
// parsing (a message, a string per value and an array per row) was about a
// quarter of what a nested read allocated. Arrays rather than objects, and
// no ORDER BY inside the aggregate, because json_build_object and a sorting
// aggregate cost Postgres 0.3-0.7 ms more per 500 rows. But Postgres 15
// escapes JSON strings a character at a time (about 8 ns each), so a shape
// whose rows prove long (long text: 1000 reviews with 200-character bodies
// took 1.7 ms more in Postgres than plain rows) goes back to plain rows.
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils';
import type { Db } from './client.ts';
import type { DataModel, Model, ModelField } from './datamodel.ts';
import { parseTimestamp } from './parseTimestamp.ts';

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
    query: ReadQuery & { take: number; joins?: readonly ToOneJoin[]; children?: readonly ToManyJoin[] },
  ): Promise<Row[]> | undefined;
}

/**
 * A to-many relation read with a page: `Author.books`, each parent's first
 * `perKey` rows by `foreignKey` = the parent's `parentKey`, in `orderBy`
 * order, handed to `found` with the parent's key (also when none).
 */
export interface ToManyJoin {
  model: string;
  foreignKey: string;
  parentKey: string;
  where?: Where;
  orderBy?: OrderBy;
  columns?: readonly string[];
  perKey: number;
  /** Its own to-many relations, read within it. */
  children?: readonly ToManyJoin[];
  found: (key: unknown, rows: Row[]) => void;
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

// Column types this module reads: how each travels in the JSON form, per
// dialect, and how a value of either form becomes what Prisma returns. In
// JSON, BigInt travels as text, since a JSON number loses digits past 2^53.
// On Postgres DateTime travels as epoch milliseconds, which reads timestamp
// (UTC by Prisma's convention), timestamptz, date and time columns alike, and
// Float's NaN and ±Infinity arrive as strings. On SQLite every other value
// travels as stored: DateTime as ISO text or epoch milliseconds, Boolean as
// 0/1, Float's ±Infinity as 9e999. Plain rows carry the driver adapter's
// values: dates and timestamps as ISO strings, times of day as "13:14:15.678".
const columnTypes: Record<
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
// json_build_array takes at most 100 arguments (a value per column): wider rows come plain.
// (SQLite's json_array takes as many as its build allows, 127 by default.)
const maxJsonColumns = 100;
const argTypes: Record<string, SqlQuery['argTypes'][number]['scalarType']> = {
  Int: 'int',
  Float: 'float',
  String: 'string',
  Boolean: 'boolean',
  DateTime: 'datetime',
  BigInt: 'bigint',
};

/** The databases this module writes SQL for. */
export type Dialect = 'postgres' | 'sqlite';

interface Table {
  name: string; // quoted, schema-qualified
  columns: Map<string, { sql: string; field: ModelField }>;
  dialect: Dialect;
}

class Unsupported extends Error {}

/** A run of result columns that makes one table's row objects. */
interface Segment {
  table: Table;
  names: string[];
  /** Per column, what turns its value into Prisma's (undefined: as it comes). */
  decode: (((v: unknown) => unknown) | undefined)[];
}

function segmentOf(table: Table, names: string[]): Segment {
  const decode = names.map((n) => {
    const field = table.columns.get(n)!.field;
    return field.kind === 'scalar' ? columnTypes[field.type]!.decode : undefined;
  });
  return { table, names, decode };
}

/** A to-many join's column: per parent row, the JSON array of its rows (their columns, then their joins'). */
interface ChildSegment extends Segment {
  join: ToManyJoin;
  children: ChildSegment[];
}

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

function tableOf(model: Model, schema: string, dialect: Dialect): Table {
  const columns = new Map<string, { sql: string; field: ModelField }>();
  for (const field of model.fields) {
    const supported = (field.kind === 'scalar' && field.type in columnTypes) || field.kind === 'enum';
    if (supported && !field.isList) columns.set(field.name, { sql: quote(field.dbName ?? field.name), field });
  }
  return { name: `${quote(schema)}.${quote(model.dbName ?? model.name)}`, columns, dialect };
}

// Builds one statement's text and parameters; throws Unsupported for what it cannot express.
class Statement {
  readonly args: unknown[];
  readonly types: SqlQuery['argTypes'];
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

  /** `column` is one of `values`. */
  oneOf(column: { sql: string; field: ModelField }, values: readonly unknown[]): string {
    if (values.length === 0) return 'FALSE';
    if (this.table.dialect === 'postgres') return `${column.sql} = ANY(${this.param(column.field, values, true)})`;
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

export function createSqlReads(
  datamodel: DataModel,
  options: {
    schema: string;
    adapter: () => Promise<SqlDriverAdapter>;
    /** Postgres: where statement texts get their prepared-statement names (client.ts). */
    statementNames?: Map<string, string>;
    /** Read every shape as plain rows, never JSON (tests compare the two forms). */
    plainRows?: boolean;
    /** Postgres unless told. On SQLite a statement's own rows come plain, its to-many pages as JSON. */
    dialect?: Dialect;
  },
): SqlReads {
  const dialect = options.dialect ?? 'postgres';
  const tables = new Map(datamodel.models.map((m) => [m.name, tableOf(m, options.schema, dialect)]));
  // better-sqlite3 hands back rows as arrays already, with nothing to parse per
  // value, and SQLite's JSON functions would only add work.
  const plainRows = options.plainRows === true || dialect === 'sqlite';

  const maxStatementNames = 500;
  // Per statement shape (its plain-rows text): how its JSON answers ran, until
  // `sampleSize` of them decide whether it stays JSON. Shapes past the cap stay JSON.
  const shapes = new Map<string, { json: string; rows: number; chars: number; answers: number; plain?: boolean }>();
  const sampleSize = 8;
  // Characters per row above which plain rows cost less overall: the driver's
  // per-row work (about 1 µs a row, measured on W4) against Postgres's escaping.
  const maxJsonCharsPerRow = 128;

  // Runs the statement and turns its rows (arrays of values in column order)
  // into Prisma-shaped objects: one object per segment (a table's run of
  // columns) and row, so a joined statement gives one array of rows per table.
  async function run(
    statement: Statement,
    rowsSql: string,
    segments: Segment[],
    children: ChildSegment[] = [],
  ): Promise<Row[][]> {
    let shape = shapes.get(rowsSql);
    if (!plainRows && !shape && shapes.size < maxStatementNames)
      shapes.set(
        rowsSql,
        (shape = { json: aggregate(rowsSql, segments, children.length), rows: 0, chars: 0, answers: 0 }),
      );
    const tooWide = width(segments) + children.length > maxJsonColumns;
    const plain = plainRows || shape?.plain === true || tooWide;
    const sql = plain ? rowsSql : (shape?.json ?? aggregate(rowsSql, segments, children.length));
    // Named (prepared once per connection) while the number of distinct texts stays small.
    const { statementNames } = options;
    if (statementNames && !statementNames.has(sql) && statementNames.size < maxStatementNames)
      statementNames.set(sql, `switchyard_${statementNames.size}`);
    const adapter = await options.adapter();
    const result = await adapter.queryRaw({ sql, args: statement.args, argTypes: statement.types });
    let values = result.rows as unknown[][];
    if (!plain) {
      const json = result.rows[0]![0] as string;
      values = JSON.parse(json) as unknown[][];
      if (shape && shape.answers < sampleSize) {
        shape.rows += values.length;
        shape.chars += json.length;
        if (++shape.answers === sampleSize) shape.plain = shape.chars > maxJsonCharsPerRow * shape.rows;
      }
    }
    let offset = 0;
    const rows = segments.map((segment) => {
      const start = offset;
      offset += segment.names.length;
      return rowsOf(values, start, segment);
    });
    deliver(children, rows[0]!, values, offset);
    return rows;
  }

  // One segment's row objects from rows of values, its columns from `start`.
  function rowsOf(values: unknown[][], start: number, { names, decode }: Segment): Row[] {
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

  // Hands each parent's rows of each to-many join (columns from `offset`) to the join, depth first.
  function deliver(children: ChildSegment[], parents: Row[], values: unknown[][], offset: number): void {
    children.forEach((child, i) => {
      // Left out of the JSON when it was chosen (see childRows): every row takes its parent's key.
      const { foreignKey } = child.join;
      const restoresForeignKey = !child.names.includes(foreignKey);
      for (let r = 0; r < parents.length; r++) {
        const cell = values[r]![offset + i];
        // Plain rows carry the JSON as text.
        const childValues = (typeof cell === 'string' ? JSON.parse(cell) : cell) as unknown[][];
        const rows = rowsOf(childValues, 0, child);
        const key = parents[r]![child.join.parentKey];
        if (restoresForeignKey) for (const row of rows) row[foreignKey] = key;
        deliver(child.children, rows, childValues, child.names.length);
        if (key !== null && key !== undefined) child.join.found(key, rows);
      }
    });
  }

  // The statement that returns the rows of `query` (columns aliased c0…cN,
  // in segment order) as one JSON array. A plain aggregate over a sorted
  // subquery takes its rows in order (Postgres's docs give this form for
  // ordered aggregates; an ORDER BY inside json_agg would sort them again;
  // SQLite runs such a subquery as a coroutine that feeds the aggregate in
  // order). The tests compare every order with Prisma's.
  const aggregate = (query: string, segments: Segment[], childCount = 0) => {
    const values = segments.flatMap(({ table, names }) => names.map((n) => table.columns.get(n)!.field));
    const items = values.map((field, i) => {
      const json = field.kind === 'scalar' ? columnTypes[field.type]!.json?.[dialect] : undefined;
      return json ? json(`"c${i}"`) : `"c${i}"`;
    });
    // To-many joins' columns are JSON already; SQLite's is JSON text once it
    // leaves its subquery, which json() makes JSON again.
    for (let i = 0; i < childCount; i++)
      items.push(dialect === 'sqlite' ? `json("c${values.length + i}")` : `"c${values.length + i}"`);
    return dialect === 'sqlite'
      ? `SELECT json_group_array(json_array(${items.join(', ')})) FROM (${query}) AS "rows"`
      : `SELECT coalesce(json_agg(json_build_array(${items.join(', ')})), '[]') FROM (${query}) AS "rows"`;
  };
  const width = (segments: Segment[]) => segments.reduce((n, s) => n + s.names.length, 0);

  // Builds with `build`; undefined when the query needs Prisma.
  function attempt(
    model: string,
    build: (tables: (name: string) => Table) => {
      statement: Statement;
      sql: string;
      segments: Segment[];
      children?: ChildSegment[];
    },
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
    return run(built.statement, built.sql, built.segments, built.children);
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
        const oneOfKeys = s.oneOf(key, keys);
        const filter = s.where(query.where);
        const where = `${oneOfKeys}${filter === 'TRUE' ? '' : ` AND ${filter}`}`;
        const order = s.orderBy(query.orderBy);
        const segments = [segmentOf(s.table, names)];
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
      const children = query.children ?? [];
      const read = attempt(model, (table) => {
        const s = new Statement(table(model), joins.length || children.length ? 't0' : undefined);
        const { sql: columns, names } = s.select(query.columns);
        const segments: Segment[] = [segmentOf(s.table, names)];
        let from = s.table.name + (s.alias ? ` AS "t0"` : '');
        const selected = [columns];
        joins.forEach((join, i) => {
          if (!names.includes(join.parentKey)) throw new Unsupported(join.parentKey);
          const j = new Statement(table(join.model), `t${i + 1}`);
          const { sql, names: joinNames } = j.select(join.columns, width(segments));
          if (!joinNames.includes(join.targetKey)) throw new Unsupported(join.targetKey);
          selected.push(sql);
          segments.push(segmentOf(j.table, joinNames));
          from += ` LEFT JOIN ${j.table.name} AS "t${i + 1}" ON ${j.column(join.targetKey).sql} = ${s.column(join.parentKey).sql}`;
        });
        let aliases = 0;
        // A correlated subquery per join and parent row: its page, with its
        // own joins, as a JSON array. A join it cannot express is left out
        // (with the parameters it added), and its field's resolver loads it.
        const childRows = (join: ToManyJoin, parent: Statement): { sql: string; segment: ChildSegment }[] => {
          const parameters = parent.args.length;
          try {
            const c = new Statement(table(join.model), `k${++aliases}`, parent);
            // The foreign key equals the parent's key: deliver() sets it, the JSON need not carry it.
            const { sql: columns, names } = c.select(join.columns?.filter((n) => n !== join.foreignKey));
            const nested = (join.children ?? []).flatMap((child) => childRows(child, c));
            if (names.length + nested.length > maxJsonColumns) throw new Unsupported('columns');
            const subqueries = nested.map((n, i) => `${n.sql} AS "c${names.length + i}"`);
            const link = `${c.column(join.foreignKey).sql} = ${parent.column(join.parentKey).sql}`;
            const filter = c.where(join.where);
            const order = c.orderBy(join.orderBy);
            const limit = c.typedParam(join.perKey, 'int');
            const rows = `SELECT ${[columns, ...subqueries].join(', ')} FROM ${c.table.name} AS "${c.alias}" WHERE ${link}${filter === 'TRUE' ? '' : ` AND ${filter}`}${order ? ` ORDER BY ${order}` : ''} LIMIT ${limit}`;
            const segment = { ...segmentOf(c.table, names), join, children: nested.map((n) => n.segment) };
            return [{ sql: `(${aggregate(rows, [segment], nested.length)})`, segment }];
          } catch (error) {
            if (!(error instanceof Unsupported)) throw error;
            parent.args.length = parameters;
            parent.types.length = parameters;
            return [];
          }
        };
        const nested = children.flatMap((join) => childRows(join, s));
        const offset = width(segments);
        nested.forEach((n, i) => selected.push(`${n.sql} AS "c${offset + i}"`));
        const filter = s.where(query.where);
        const where = filter === 'TRUE' ? '' : ` WHERE ${filter}`;
        const order = s.orderBy(query.orderBy);
        const limit = s.typedParam(query.take, 'int');
        const sql = `SELECT ${selected.join(', ')} FROM ${from}${where}${order ? ` ORDER BY ${order}` : ''} LIMIT ${limit}`;
        return { statement: s, sql, segments, children: nested.map((n) => n.segment) };
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

/** Makes `reads` the SQL read path of `db` (client.ts, for both providers). */
export function registerSqlReads(db: Db, reads: SqlReads): void {
  registry.set(db, reads);
}

/** The SQL read path of `db`, if it has one. */
export function sqlReadsOf(db: Db): SqlReads | undefined {
  return registry.get(db);
}
