// Wraps a Prisma driver adapter factory so that every SQL statement is counted
// (for the request's source log), optionally observed (tests record them) and
// optionally rewritten (see likeEscape.ts). Counting at the adapter sees
// exactly what reaches the database, including statements inside interactive
// transactions.
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { countStatement } from '../sourceLog.ts';

export type StatementListener = (sql: string) => void;

export interface AdapterHooks {
  onStatement?: StatementListener;
  /** Receives the wrapped adapter each time the factory connects. */
  onConnect?: (adapter: SqlDriverAdapter) => void;
  rewrite?: (sql: string) => string;
}

// Wraps the query methods of an adapter or transaction, leaving the rest as is.
function wrapQueryable<T extends SqlDriverAdapter | Transaction>(target: T, hooks: AdapterHooks): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (prop === 'queryRaw' || prop === 'executeRaw') {
        return (query: SqlQuery) => {
          const sql = hooks.rewrite ? hooks.rewrite(query.sql) : query.sql;
          countStatement();
          hooks.onStatement?.(sql);
          return obj[prop](sql === query.sql ? query : { ...query, sql });
        };
      }
      if (prop === 'startTransaction') {
        return async (...args: Parameters<SqlDriverAdapter['startTransaction']>) => {
          const tx = await (obj as SqlDriverAdapter).startTransaction(...args);
          return wrapQueryable(tx, hooks);
        };
      }
      const value = Reflect.get(obj, prop, receiver);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}

export function countingAdapter<F extends SqlDriverAdapterFactory>(factory: F, hooks: AdapterHooks = {}): F {
  return new Proxy(factory, {
    get(obj, prop, receiver) {
      if (prop === 'connect') {
        return async () => {
          const adapter = wrapQueryable(await obj.connect(), hooks);
          hooks.onConnect?.(adapter);
          return adapter;
        };
      }
      const value = Reflect.get(obj, prop, receiver);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}
