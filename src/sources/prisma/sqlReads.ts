// Hot reads as hand-built SQL through Prisma's own driver adapter (same pool
// or SQLite connection, same statement counting), skipping Prisma's query planning and
// row mapping, which cost about twice what the database driver does. Only the
// shapes the gateway reads most take this path: rows by keys (optionally at
// most n per key, for nested connections), root pages, and the counts of
// either (a connection's totalCount), filtered by column
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
import type { Db } from './client.ts';
import { dbRegistry } from './dbRegistry.ts';
import { LimitForms } from './limitForms.ts';
import type { DataModel } from './datamodel.ts';
import {
  columnTypes,
  nameStatement,
  rowsOf,
  segmentOf,
  Statement,
  tableOf,
  Unsupported,
  type Dialect,
  type OrderBy,
  type Row,
  type Segment,
  type SqlPathOptions,
  type Table,
  type Where,
} from './sqlStatement.ts';

export type { Dialect };

export interface ReadQuery {
  where?: Where;
  orderBy?: OrderBy;
  /** Column names; undefined reads every column. */
  columns?: readonly string[];
}

export interface SqlReads {
  /** The first column of the first row of `sql` (no parameters): startup checks such as PRAGMAs. */
  scalar(sql: string): Promise<unknown>;
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
  /** How many rows match `where` (a connection's totalCount). */
  count(model: string, where: Where | undefined): Promise<number> | undefined;
  /** How many rows match per value of `field` among `keys`; keys with none are absent. */
  countByKeys(
    model: string,
    field: string,
    keys: readonly unknown[],
    where: Where | undefined,
  ): Promise<Map<unknown, number>> | undefined;
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

// json_build_array takes at most 100 arguments (a value per column): wider rows come plain.
// (SQLite's json_array takes as many as its build allows, 127 by default.)
const maxJsonColumns = 100;

/** A to-many join's column: per parent row, the JSON array of its rows (their columns, then their joins'). */
interface ChildSegment extends Segment {
  join: ToManyJoin;
  children: ChildSegment[];
}

export function createSqlReads(
  datamodel: DataModel,
  // On SQLite a statement's own rows come plain, its to-many pages as JSON.
  options: SqlPathOptions & {
    /** Read every shape as plain rows, never JSON (tests compare the two forms). */
    plainRows?: boolean;
  },
): SqlReads {
  const dialect = options.dialect ?? 'postgres';
  const tables = new Map(datamodel.models.map((m) => [m.name, tableOf(m, options.schema, dialect)]));
  // better-sqlite3 hands back rows as arrays already, with nothing to parse per
  // value, and SQLite's JSON functions would only add work.
  const plainRows = options.plainRows === true || dialect === 'sqlite';

  // Per statement shape (its plain-rows text): how its JSON answers ran, until
  // `sampleSize` of them decide whether it stays JSON. Shapes past the cap stay JSON.
  const maxShapes = 500;
  const shapes = new Map<string, { json: string; rows: number; chars: number; answers: number; plain?: boolean }>();
  const sampleSize = 8;
  const limitForms = new LimitForms();
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
    if (!plainRows && !shape && shapes.size < maxShapes)
      shapes.set(
        rowsSql,
        (shape = { json: aggregate(rowsSql, segments, children.length), rows: 0, chars: 0, answers: 0 }),
      );
    const tooWide = width(segments) + children.length > maxJsonColumns;
    const plain = plainRows || shape?.plain === true || tooWide;
    const sql = plain ? rowsSql : (shape?.json ?? aggregate(rowsSql, segments, children.length));
    nameStatement(options.statementNames, sql);
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

  // What `build` makes of the query, its limits written in; undefined when the query needs Prisma.
  function attemptBuild<T extends { statement: Statement; sql: string }>(
    build: (tables: (name: string) => Table) => T,
  ): T | undefined {
    try {
      const built = build((name) => {
        const table = tables.get(name);
        if (!table) throw new Unsupported(name);
        return table;
      });
      built.sql = limitForms.resolve(built.statement, built.sql);
      return built;
    } catch (error) {
      if (error instanceof Unsupported) return undefined;
      throw error;
    }
  }

  // Builds with `build` and runs it; undefined when the query needs Prisma.
  function attempt(
    build: (tables: (name: string) => Table) => {
      statement: Statement;
      sql: string;
      segments: Segment[];
      children?: ChildSegment[];
    },
  ): Promise<Row[][]> | undefined {
    const built = attemptBuild(build);
    return built && run(built.statement, built.sql, built.segments, built.children);
  }

  // Counts need none of run()'s forms: a few plain rows, one or two values each.
  function attemptCount<B extends { statement: Statement; sql: string }, T>(
    build: (tables: (name: string) => Table) => B,
    read: (rows: unknown[][], built: B) => T,
  ): Promise<T> | undefined {
    const built = attemptBuild(build);
    if (!built) return undefined;
    nameStatement(options.statementNames, built.sql);
    return options
      .adapter()
      .then((adapter) =>
        adapter.queryRaw({ sql: built.sql, args: built.statement.args, argTypes: built.statement.types }),
      )
      .then((result) => read(result.rows as unknown[][], built));
  }
  // count(*) is a bigint: Postgres's adapter hands it over as text.
  const countOf = (value: unknown) => Number(value);

  async function scalar(sql: string): Promise<unknown> {
    const adapter = await options.adapter();
    const { rows } = await adapter.queryRaw({ sql, args: [], argTypes: [] });
    return rows[0]?.[0];
  }

  return {
    scalar,

    findByKeys: (model, field, keys, query) =>
      attempt((table) => {
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
        const limit = s.limit(query.perKey);
        const inner = `SELECT *, ${rank} AS "switchyard_rank" FROM ${s.table.name} WHERE ${where}`;
        const sql = `SELECT ${columns} FROM (${inner}) AS "page" WHERE "switchyard_rank" <= ${limit}${order ? ` ORDER BY ${order}` : ''}`;
        return { statement: s, sql, segments };
      })?.then(([rows]) => rows!),

    findPage: (model, query) => {
      const joins = query.joins ?? [];
      const children = query.children ?? [];
      const read = attempt((table) => {
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
          const limits = parent.limits.length;
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
            const limit = c.limit(join.perKey);
            const rows = `SELECT ${[columns, ...subqueries].join(', ')} FROM ${c.table.name} AS "${c.alias}" WHERE ${link}${filter === 'TRUE' ? '' : ` AND ${filter}`}${order ? ` ORDER BY ${order}` : ''} LIMIT ${limit}`;
            const segment = { ...segmentOf(c.table, names), join, children: nested.map((n) => n.segment) };
            return [{ sql: `(${aggregate(rows, [segment], nested.length)})`, segment }];
          } catch (error) {
            if (!(error instanceof Unsupported)) throw error;
            parent.args.length = parameters;
            parent.types.length = parameters;
            parent.limits.length = limits;
            return [];
          }
        };
        const nested = children.flatMap((join) => childRows(join, s));
        const offset = width(segments);
        nested.forEach((n, i) => selected.push(`${n.sql} AS "c${offset + i}"`));
        const filter = s.where(query.where);
        const where = filter === 'TRUE' ? '' : ` WHERE ${filter}`;
        const order = s.orderBy(query.orderBy);
        const limit = s.limit(query.take);
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

    count: (model, where) =>
      attemptCount(
        (table) => {
          const s = new Statement(table(model));
          const filter = s.where(where);
          return {
            statement: s,
            sql: `SELECT count(*) FROM ${s.table.name}${filter === 'TRUE' ? '' : ` WHERE ${filter}`}`,
          };
        },
        (rows) => countOf(rows[0]![0]),
      ),

    countByKeys: (model, field, keys, where) =>
      attemptCount(
        (table) => {
          const s = new Statement(table(model));
          const key = s.column(field);
          // In text order: SQLite binds parameters by position.
          const oneOfKeys = s.oneOf(key, keys);
          const filter = s.where(where);
          const sql = `SELECT ${key.sql}, count(*) FROM ${s.table.name} WHERE ${oneOfKeys}${filter === 'TRUE' ? '' : ` AND ${filter}`} GROUP BY ${key.sql}`;
          return { statement: s, sql, keys: segmentOf(s.table, [field]) };
        },
        (rows, built) => {
          const keyRows = rowsOf(rows, 0, built.keys);
          return new Map(rows.map((row, i) => [keyRows[i]![field], countOf(row[1])]));
        },
      ),
  };
}

const registry = dbRegistry<SqlReads>();

/** Makes its second argument the SQL read path of `db` (client.ts, for both providers). */
export const registerSqlReads = registry.register;

/** The SQL read path of `db`, if it has one. */
export const sqlReadsOf = registry.of;

/**
 * The first column of the first row of `sql` (no parameters): startup checks
 * and /readyz. Through the SQL read path when `db` has one, because a raw
 * query through Prisma's client loads its query compiler (about 27 MiB of
 * RSS that the SQL paths otherwise never need).
 */
export async function scalarOf(db: Db, sql: string): Promise<unknown> {
  const reads = sqlReadsOf(db);
  if (reads) return reads.scalar(sql);
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(sql);
  return Object.values(rows[0] ?? {})[0];
}
