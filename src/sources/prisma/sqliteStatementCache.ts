// Prepared-statement reuse on SQLite. Prisma's better-sqlite3 adapter prepares
// every statement it runs again (`client.prepare(sql).bind(args)`), because
// better-sqlite3's bind() fixes a statement's arguments for good. Compiling
// the SQL was 8% of the server's CPU time on W1/W2 (bench/FINDINGS.md). This
// wrapper gives the connection a prepare() that keeps one compiled statement
// per SQL text and hands out a light statement whose bind() only remembers
// the arguments; they are passed to the real statement when it runs.
//
// It relies on how the adapter uses a statement (adapter 7.10): prepare(sql),
// then bind(args), then `reader`, columns(), raw().all() or run(), all in one
// synchronous turn. Anything else better-sqlite3 itself prepares (pragma(),
// transaction()) calls prepare with more arguments and gets a real statement.
// tests/unit/sources/sqliteStatementCache.test.ts fails if the adapter stops
// going through here.
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type BetterSqlite3 from 'better-sqlite3';
import { onConnect } from './onConnect.ts';

type Statement = BetterSqlite3.Statement<unknown[], unknown>;
type Prepare = (sql: string, ...internal: unknown[]) => unknown;

/** Statements kept per connection; the least recently used one goes first. */
export const maxCachedStatements = 500;

/** A compiled statement with the arguments of one run; what the adapter holds for that run. */
export class CachedStatement {
  constructor(
    readonly statement: Statement,
    private readonly args: unknown[] = [],
  ) {}

  get reader(): boolean {
    return this.statement.reader;
  }

  bind(args: unknown[]): CachedStatement {
    return new CachedStatement(this.statement, args);
  }

  columns(): BetterSqlite3.ColumnDefinition[] {
    return this.statement.columns();
  }

  raw(): { all: () => unknown[][] } {
    return { all: () => this.statement.raw(true).all(this.args) as unknown[][] };
  }

  run(): BetterSqlite3.RunResult {
    return this.statement.run(this.args);
  }
}

/** Gives a better-sqlite3 connection a prepare() that keeps its statements; `cached()` counts them. */
export function cacheStatements(db: { prepare: Prepare }): { cached: () => number } {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, CachedStatement>();
  db.prepare = (sql: string, ...internal: unknown[]) => {
    if (internal.length > 0) return prepare(sql, ...internal);
    let statement = cache.get(sql);
    if (statement) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      cache.delete(sql);
    } else {
      statement = new CachedStatement(prepare(sql) as Statement);
      if (cache.size >= maxCachedStatements) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement);
    return statement;
  };
  return { cached: () => cache.size };
}

/**
 * Wraps a better-sqlite3 adapter factory so that each connection it opens
 * reuses its prepared statements. An adapter that no longer exposes its
 * connection as `client` is left as it is (the unit test then fails).
 */
export function withStatementCache<F extends SqlDriverAdapterFactory>(factory: F): F {
  return onConnect(factory, (adapter) => {
    const client = (adapter as unknown as { client?: { prepare?: unknown } }).client;
    if (typeof client?.prepare === 'function') cacheStatements(client as { prepare: Prepare });
  });
}
