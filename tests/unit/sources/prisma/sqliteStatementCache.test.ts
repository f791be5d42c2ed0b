// The SQLite statement cache (src/sources/prisma/sqliteStatementCache.ts), on a
// real file through Prisma's own better-sqlite3 adapter: one compiled statement
// per SQL text, arguments never stuck to it, bounded, and better-sqlite3's own
// internal prepares left alone.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CachedStatement,
  maxCachedStatements,
  withStatementCache,
} from '../../../../src/sources/prisma/sqliteStatementCache.ts';

type Client = BetterSqlite3.Database;

const query = (sql: string, args: unknown[] = []): SqlQuery => ({
  sql,
  args,
  argTypes: args.map((arg) => ({ scalarType: typeof arg === 'number' ? 'int' : 'string', arity: 'scalar' }) as const),
});

describe('SQLite statement cache through the better-sqlite3 adapter', () => {
  let adapter: SqlDriverAdapter;
  let client: Client;

  beforeEach(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'switchyard-stmt-')), 'cache.db');
    adapter = await withStatementCache(new PrismaBetterSqlite3({ url: `file:${file}` })).connect();
    client = (adapter as unknown as { client: Client }).client;
    await adapter.executeScript('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
  });
  afterEach(() => adapter.dispose());

  it('compiles a SQL text once and runs it with each call’s own arguments', async () => {
    const sql = 'SELECT ? + 1 AS v';
    expect((await adapter.queryRaw(query(sql, [1]))).rows).toEqual([[2]]);
    const first = client.prepare(sql) as unknown as CachedStatement;
    expect((await adapter.queryRaw(query(sql, [41]))).rows).toEqual([[42]]);
    const second = client.prepare(sql) as unknown as CachedStatement;

    // If the adapter stopped preparing through `client.prepare`, these would be plain statements.
    expect(first).toBeInstanceOf(CachedStatement);
    expect(second.statement).toBe(first.statement);
  });

  it('keeps writes correct: changes per run, and a failed run leaves the statement usable', async () => {
    const insert = 'INSERT INTO t (name) VALUES (?)';
    expect(await adapter.executeRaw(query(insert, ['a']))).toBe(1);
    expect(await adapter.executeRaw(query(insert, ['b']))).toBe(1);
    await expect(adapter.executeRaw(query(insert, ['a']))).rejects.toMatchObject({
      cause: expect.objectContaining({ kind: 'UniqueConstraintViolation' }),
    });
    expect(await adapter.executeRaw(query(insert, ['c']))).toBe(1);

    const update = await adapter.executeRaw(query('UPDATE t SET name = name || ? WHERE id > ?', ['!', 1]));
    expect(update).toBe(2);
    const rows = await adapter.queryRaw(query('SELECT id, name FROM t ORDER BY id'));
    expect(rows.columnNames).toEqual(['id', 'name']);
    expect(rows.rows).toEqual([
      [1, 'a'],
      [2, 'b!'],
      [3, 'c!'],
    ]);
  });

  it('runs transactions (BEGIN is a cached statement too) and rolls them back', async () => {
    const tx = await adapter.startTransaction();
    await tx.executeRaw(query('INSERT INTO t (name) VALUES (?)', ['inside']));
    await tx.executeRaw(query('ROLLBACK'));
    await tx.rollback();
    const again = await adapter.startTransaction();
    await again.executeRaw(query('INSERT INTO t (name) VALUES (?)', ['kept']));
    await again.executeRaw(query('COMMIT'));
    await again.commit();
    expect((await adapter.queryRaw(query('SELECT name FROM t'))).rows).toEqual([['kept']]);
  });

  it('leaves better-sqlite3’s own prepares (pragma) uncached', () => {
    expect(client.pragma('journal_mode', { simple: true })).toBe('delete');
    // The adapter reads integers as BigInt (safe integers).
    expect(client.pragma('user_version', { simple: true })).toBe(0n);
  });

  it('holds at most maxCachedStatements, dropping the least recently used', async () => {
    const text = (i: number) => `SELECT ${i} AS v`;
    await adapter.queryRaw(query(text(0)));
    const oldest = (client.prepare(text(0)) as unknown as CachedStatement).statement;
    await adapter.queryRaw(query(text(1)));
    const kept = (client.prepare(text(1)) as unknown as CachedStatement).statement;
    for (let i = 2; i <= maxCachedStatements; i++) {
      await adapter.queryRaw(query(text(i)));
      // Touch text(1) now and then, so it stays among the recently used.
      if (i % 100 === 0) client.prepare(text(1));
    }
    // text(0) was the least recently used when text(maxCachedStatements) came in.
    expect((client.prepare(text(1)) as unknown as CachedStatement).statement).toBe(kept);
    const recompiled = (client.prepare(text(0)) as unknown as CachedStatement).statement;
    expect(recompiled).not.toBe(oldest);
    expect((await adapter.queryRaw(query(text(0)))).rows).toEqual([[0]]);
  });
});
