// Wraps a driver adapter factory so that every connection it opens goes
// through `prepare` before Prisma or the SQL read path uses it.
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';

export function onConnect<F extends SqlDriverAdapterFactory>(
  factory: F,
  prepare: (adapter: SqlDriverAdapter) => Promise<void> | void,
): F {
  return new Proxy(factory, {
    get(obj, prop, receiver) {
      if (prop === 'connect') {
        return async () => {
          const adapter = await obj.connect();
          await prepare(adapter);
          return adapter;
        };
      }
      const value = Reflect.get(obj, prop, receiver);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });
}
