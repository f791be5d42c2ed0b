// Wraps a Prisma driver adapter factory so that every SQL statement is counted
// (for the request's source log), optionally observed (tests record them) and
// optionally rewritten (see likeEscape.ts). Counting at the adapter sees
// exactly what reaches the database, including statements inside interactive
// transactions.
//
// The wrapped factory also shares its connection: until it is disposed, every
// connect() answers the same adapter (one pool). So the SQL read path
// (sqlReads.ts) can connect without going through Prisma's $connect, which
// loads Prisma's query compiler (wasm, about 60-90 MiB of memory) that reads
// taking that path never use; Prisma still gets the same pool when it connects.
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { countStatement } from '../sourceLog.ts';

export type StatementListener = (sql: string, args: readonly unknown[]) => void;

export interface AdapterHooks {
  onStatement?: StatementListener;
  rewrite?: (sql: string) => string;
}

// Wraps the query methods of an adapter or transaction, leaving the rest as is;
// `onDispose` runs when an adapter is disposed.
function wrapQueryable<T extends SqlDriverAdapter | Transaction>(
  target: T,
  hooks: AdapterHooks,
  onDispose?: () => void,
): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (prop === 'dispose' && onDispose) {
        return () => {
          onDispose();
          return (obj as SqlDriverAdapter).dispose();
        };
      }
      if (prop === 'queryRaw' || prop === 'executeRaw') {
        return (query: SqlQuery) => {
          const sql = hooks.rewrite ? hooks.rewrite(query.sql) : query.sql;
          countStatement();
          hooks.onStatement?.(sql, query.args);
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

/** The wrapped factory; `release()` disposes the shared connection, if one is open. */
export type SharedAdapterFactory<F> = F & { release(): Promise<void> };

export function countingAdapter<F extends SqlDriverAdapterFactory>(
  factory: F,
  hooks: AdapterHooks = {},
): SharedAdapterFactory<F> {
  let current: Promise<SqlDriverAdapter> | undefined;
  const forget = () => (current = undefined);
  const release = async () => {
    const open = current;
    forget();
    if (open) await (await open.catch(() => undefined))?.dispose();
  };
  return new Proxy(factory as SharedAdapterFactory<F>, {
    get(obj, prop, receiver) {
      if (prop === 'release') return release;
      if (prop === 'connect') {
        return () =>
          (current ??= obj.connect().then(
            (adapter) => wrapQueryable(adapter, hooks, forget),
            (error: unknown) => {
              forget();
              throw error;
            },
          ));
      }
      const value = Reflect.get(obj, prop, receiver);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}
