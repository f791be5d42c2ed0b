// What client.ts attaches to a Prisma client (the SQL read and write paths),
// kept beside it rather than on it, so the client keeps Prisma's own type.
import type { Db } from './client.ts';

export interface DbRegistry<T> {
  register(db: Db, value: T): void;
  of(db: Db): T | undefined;
}

export function dbRegistry<T>(): DbRegistry<T> {
  const values = new WeakMap<Db, T>();
  return {
    register: (db, value) => void values.set(db, value),
    of: (db) => values.get(db),
  };
}
