// createLoaders() is the only place that says `new DataLoader`.
//
// Loaders live for one request: their caches hold rows read for that request's
// viewer, and sharing them across requests would leak data between users and
// serve stale rows after writes. Within a request every relation hop of one
// kind is batched into one statement, whatever the number of parents.
import DataLoader from 'dataloader';
import type { Db } from '../sources/prisma/client.ts';
import { countByKeys, findByKeys, type Columns, type OrderBy, type Row, type Where } from '../sources/prisma/batch.ts';
import type { SourceLog } from '../sources/sourceLog.ts';
import { groupByKeys, orderByKeys } from './orderByKeys.ts';
import { cacheKeyFn, HeldLoader } from './HeldLoader.ts';
import { signature } from '../bindings/signature.ts';

export interface ChildQuery {
  where?: Where;
  orderBy: OrderBy;
  /** Identifies where/orderBy: loaders with the same signature share a batch. */
  signature: string;
  /** Columns to read; must include the foreign key. */
  columns?: Columns;
  /** Rows each key needs at most (a page and one more); sources may return more. */
  perKey?: number;
}

/** A batch function: keys in, values (or an Error per key) out, same length and order. */
export type BatchFn<K, V> = (keys: readonly K[]) => Promise<(V | Error)[]>;

export interface KeyedOptions<K> {
  /** Keys per batch; larger batches are split. */
  maxBatchSize?: number;
  /** false: one call per distinct key (still cached for the request). */
  batch?: boolean;
  cacheKeyFn?: (key: K) => unknown;
}

/** What a to-many count reads: the filter alone. */
export type CountQuery = Omit<ChildQuery, 'orderBy' | 'columns' | 'perKey'>;

export interface Loaders {
  /**
   * One row (or null) per value of a unique field: `Book` by `id`, by `isbn`.
   * With `where` (an @auth row rule; the same object for the whole request),
   * rows not matching it are null.
   */
  row(model: string, field: string, columns?: Columns, where?: Where): HeldLoader<Row | null>;
  /** Every matching row per foreign-key value, in query order: to-many relations. */
  children(model: string, foreignKey: string, query: ChildQuery): HeldLoader<Row[]>;
  /** Number of matching rows per foreign-key value: `totalCount` of relations. */
  childCount(model: string, foreignKey: string, query: CountQuery): DataLoader<unknown, number>;
  /**
   * A loader over a caller's batch function, registered under `id` for the
   * request: HTTP bindings use it for batch endpoints and per-request caching.
   */
  keyed<K, V>(id: string, batch: BatchFn<K, V>, options?: KeyedOptions<K>): DataLoader<K, V>;
}

export function createLoaders(db: Db, log: SourceLog): Loaders {
  const loaders = new Map<string, DataLoader<unknown, unknown>>();
  // Resolvers pass the same query (or columns) object for every parent of a
  // field: the loader found for it is remembered, so the id string is built
  // once per field rather than once per parent. The remembered loader is used
  // only for the same model and field.
  const byQuery = new WeakMap<
    object,
    { model: string; field: string; where?: Where; loader: DataLoader<unknown, unknown> }
  >();

  // Returns the loader registered under `id()`, creating it with `create()` on first use.
  function memo<L extends DataLoader<unknown, unknown>>(
    [model, field, query, where]: [string, string, object | undefined, Where?],
    id: () => string,
    create: () => L,
  ): L {
    const known = query && byQuery.get(query);
    if (known && known.model === model && known.field === field && known.where === where) return known.loader as L;
    const key = id();
    let loader = loaders.get(key) as L | undefined;
    if (!loader) {
      loader = create();
      loaders.set(key, loader);
    }
    if (query) byQuery.set(query, { model, field, where, loader });
    return loader;
  }

  return {
    keyed<K, V>(id: string, batch: BatchFn<K, V>, options: KeyedOptions<K> = {}) {
      let loader = loaders.get(id) as DataLoader<K, V> | undefined;
      if (!loader) {
        loader = new DataLoader<K, V, unknown>(batch, options);
        loaders.set(id, loader as DataLoader<unknown, unknown>);
      }
      return loader;
    },

    row: (model, field, columns, where) =>
      memo(
        [model, field, columns, where],
        () => `row:${model}.${field}:${columns?.join(',') ?? '*'}${where ? `:${signature(where)}` : ''}`,
        () =>
          new HeldLoader<Row | null>(async (keys) => {
            const rows = await log.record({ source: 'db', model, operation: 'findMany', batchSize: keys.length }, () =>
              findByKeys(db, model, field, keys, { columns, where }),
            );
            return orderByKeys(keys, rows, (r) => r[field]);
          }),
      ),

    children: (model, foreignKey, query) =>
      memo(
        [model, foreignKey, query],
        () => `children:${model}.${foreignKey}:${query.signature}:${query.perKey}:${query.columns?.join(',') ?? '*'}`,
        () =>
          new HeldLoader<Row[]>(async (keys) => {
            const rows = await log.record({ source: 'db', model, operation: 'findMany', batchSize: keys.length }, () =>
              findByKeys(db, model, foreignKey, keys, query),
            );
            return groupByKeys(keys, rows, (r) => r[foreignKey]);
          }),
      ),

    childCount: (model, foreignKey, query) =>
      memo(
        [model, foreignKey, query],
        () => `count:${model}.${foreignKey}:${query.signature}`,
        () =>
          new DataLoader<unknown, number, unknown>(
            async (keys) => {
              const counts = await log.record(
                { source: 'db', model, operation: 'groupBy', batchSize: keys.length },
                () => countByKeys(db, model, foreignKey, keys, query.where),
              );
              return keys.map((k) => counts.get(k) ?? 0);
            },
            { cacheKeyFn },
          ),
      ),
  };
}
