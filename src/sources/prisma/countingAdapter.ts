// Wraps a Prisma driver adapter factory so that every SQL statement is counted
// (for the request's source log) and optionally observed (tests record them).
// Counting at the adapter sees exactly what reaches the database, including
// statements inside interactive transactions.
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { countStatement } from '../sourceLog.ts';

export type StatementListener = (sql: string) => void;

function observe(sql: string, listener: StatementListener | undefined): void {
  countStatement();
  listener?.(sql);
}

// Wraps the query methods of an adapter or transaction, leaving the rest as is.
function wrapQueryable<T extends SqlDriverAdapter | Transaction>(target: T, listener?: StatementListener): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (prop === 'queryRaw' || prop === 'executeRaw') {
        return (query: SqlQuery) => {
          observe(query.sql, listener);
          return obj[prop](query);
        };
      }
      if (prop === 'startTransaction') {
        return async (...args: Parameters<SqlDriverAdapter['startTransaction']>) => {
          const tx = await (obj as SqlDriverAdapter).startTransaction(...args);
          return wrapQueryable(tx, listener);
        };
      }
      const value = Reflect.get(obj, prop, receiver);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}

export function countingAdapter<F extends SqlDriverAdapterFactory>(factory: F, listener?: StatementListener): F {
  return new Proxy(factory, {
    get(obj, prop, receiver) {
      if (prop === 'connect') {
        return async () => wrapQueryable(await obj.connect(), listener);
      }
      const value = Reflect.get(obj, prop, receiver);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}
