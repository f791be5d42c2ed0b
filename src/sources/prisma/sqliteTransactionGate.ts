// One better-sqlite3 connection serves the whole process, and an interactive
// transaction is BEGIN … COMMIT on that connection. Without this gate a
// statement sent outside the transaction while it is open runs inside it: it
// reads uncommitted rows and, worse, is rolled back with it after its client
// was told it succeeded. The gate makes statements outside a transaction wait
// for the open one to end; transactions and statements take turns, first come
// first served. (Postgres needs none of this: each transaction has its own
// connection from the pool.)
//
// Contract for callers: inside `$transaction(async (tx) => …)` use `tx`, never
// the outer client; a statement on the outer client waits for the
// transaction, which waits for the statement, until the transaction timeout
// rolls it back.
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils';

type Release = () => void;

// A FIFO mutex: acquire() resolves with a release function once every earlier holder has released.
function createMutex(): () => Promise<Release> {
  let tail: Promise<void> = Promise.resolve();
  return () => {
    let release!: Release;
    const released = new Promise<void>((resolve) => (release = resolve));
    const acquired = tail.then(() => {
      let done = false;
      return () => {
        if (done) return;
        done = true;
        release();
      };
    });
    tail = tail.then(() => released);
    return acquired;
  };
}

// Releases the gate once the transaction has been committed or rolled back (Prisma may call both after a failed COMMIT).
function releasingOnEnd(tx: Transaction, release: Release): Transaction {
  return new Proxy(tx, {
    get(obj, prop, receiver) {
      if (prop === 'commit' || prop === 'rollback') {
        return async () => {
          try {
            await obj[prop]();
          } finally {
            release();
          }
        };
      }
      const value = Reflect.get(obj, prop, receiver);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}

function gated(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const acquire = createMutex();
  return new Proxy(adapter, {
    get(obj, prop, receiver) {
      if (prop === 'queryRaw' || prop === 'executeRaw' || prop === 'executeScript') {
        return async (arg: never) => {
          const release = await acquire();
          try {
            return await (obj[prop] as (a: never) => Promise<unknown>)(arg);
          } finally {
            release();
          }
        };
      }
      if (prop === 'startTransaction') {
        return async (...args: Parameters<SqlDriverAdapter['startTransaction']>) => {
          const release = await acquire();
          try {
            return releasingOnEnd(await obj.startTransaction(...args), release);
          } catch (error) {
            release();
            throw error;
          }
        };
      }
      const value = Reflect.get(obj, prop, receiver);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}

/** Wraps a SQLite adapter factory so that each connection it makes is gated as described above. */
export function sqliteTransactionGate<F extends SqlDriverAdapterFactory>(factory: F): F {
  return new Proxy(factory, {
    get(obj, prop, receiver) {
      if (prop === 'connect') return async () => gated(await obj.connect());
      const value = Reflect.get(obj, prop, receiver);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}
