// Batch functions over Prisma: plain keys in, rows out, one statement each,
// through the SQL read path (sqlReads.ts) where it can express them.
// They know nothing of GraphQL or DataLoader; loaders align the rows to keys.
import type { Db } from './client.ts';
import { delegateName } from './datamodel.ts';
import { sqlReadsOf, type ToManyJoin, type ToOneJoin } from './sqlReads.ts';

export type { ToManyJoin, ToOneJoin };

export type Where = Record<string, unknown>;
export type OrderBy = Record<string, 'asc' | 'desc' | { sort: 'asc' | 'desc'; nulls: 'first' | 'last' }>[];
export type Row = Record<string, unknown>;
/** Column names to read; undefined reads every column. */
export type Columns = readonly string[] | undefined;
type Select = Record<string, true>;

// Prisma's `select` for the columns, or nothing (all columns).
function select(columns: Columns): { select?: Select } {
  return columns ? { select: Object.fromEntries(columns.map((c) => [c, true])) } : {};
}

// The subset of a Prisma model delegate that the gateway calls generically.
export interface ModelDelegate {
  findMany(args: { where?: Where; orderBy?: OrderBy; take?: number; select?: Select }): Promise<Row[]>;
  count(args: { where?: Where }): Promise<number>;
  groupBy(args: { by: string[]; where?: Where; _count: { _all: true } }): Promise<Row[]>;
  create(args: { data: Row }): Promise<Row>;
  update(args: { where: Where; data: Row }): Promise<Row>;
  delete(args: { where: Where }): Promise<Row>;
}

export function delegate(db: Db, model: string): ModelDelegate {
  return (db as unknown as Record<string, ModelDelegate>)[delegateName(model)]!;
}

/**
 * Rows whose `field` is one of `keys` (a unique field or a foreign key). With
 * `perKey`, a key may get fewer rows than match, but never fewer than
 * `perKey` when more match: the first in `orderBy` order.
 */
export function findByKeys(
  db: Db,
  model: string,
  field: string,
  keys: readonly unknown[],
  extra?: { where?: Where; orderBy?: OrderBy; columns?: Columns; perKey?: number },
): Promise<Row[]> {
  const sql = sqlReadsOf(db)?.findByKeys(model, field, keys, extra ?? {});
  if (sql) return sql;
  const byKey: Where = { [field]: { in: [...keys] } };
  return delegate(db, model).findMany({
    where: extra?.where ? { AND: [byKey, extra.where] } : byKey,
    ...(extra?.orderBy ? { orderBy: extra.orderBy } : {}),
    ...select(extra?.columns),
  });
}

/** Number of rows per value of `field` among `keys`, in one grouped query. */
export async function countByKeys(
  db: Db,
  model: string,
  field: string,
  keys: readonly unknown[],
  where?: Where,
): Promise<Map<unknown, number>> {
  const sql = sqlReadsOf(db)?.countByKeys(model, field, keys, where);
  if (sql) return sql;
  const byKey: Where = { [field]: { in: [...keys] } };
  const groups = await delegate(db, model).groupBy({
    by: [field],
    where: where ? { AND: [byKey, where] } : byKey,
    _count: { _all: true },
  });
  return new Map(groups.map((g) => [g[field], (g._count as { _all: number })._all]));
}

/**
 * One page of rows for a root list. `joins` (to-one relations) and
 * `children` (to-many relations, each parent's page) are hints: where the
 * source can, it reads them in the same statement and reports them to each
 * join's `found`; otherwise nothing is reported and callers load them.
 */
export function findPage(
  db: Db,
  model: string,
  {
    columns,
    joins,
    children,
    ...args
  }: {
    where?: Where;
    orderBy: OrderBy;
    take: number;
    columns?: Columns;
    joins?: readonly ToOneJoin[];
    children?: readonly ToManyJoin[];
  },
): Promise<Row[]> {
  const sql = sqlReadsOf(db)?.findPage(model, { ...args, columns, joins, children });
  if (sql) return sql;
  return delegate(db, model).findMany({ ...args, ...select(columns) });
}

export function countRows(db: Db, model: string, where?: Where): Promise<number> {
  return sqlReadsOf(db)?.count(model, where) ?? delegate(db, model).count(where ? { where } : {});
}
