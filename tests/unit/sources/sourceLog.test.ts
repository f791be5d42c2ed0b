// The source log attributes SQL statements to the call that sent them, even
// when calls interleave, and counts nothing (at no cost) when not asked to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceLog } from '../../../src/sources/sourceLog.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.ts';

describe('SourceLog', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(() => database?.drop());

  it('attributes each statement to its own call when calls run concurrently', async () => {
    const log = new SourceLog({ countStatements: true });
    await Promise.all([
      log.record({ source: 'db', model: 'Book', operation: 'findMany' }, () => database.db.book.findMany({ take: 1 })),
      log.record({ source: 'db', model: 'Author', operation: 'twice' }, async () => {
        await database.db.author.findMany({ take: 1 });
        return database.db.author.count();
      }),
    ]);
    expect(log.calls.map((c) => [c.model, c.statements])).toEqual([
      ['Book', 1],
      ['Author', 2],
    ]);
    expect(log.statements).toBe(3);
  });

  // The counting hook is switched off when no counted call runs: a call that
  // outlives another (two debug requests, say) must still be counted.
  it('keeps counting a call that outlives another counted call', async () => {
    const [first, second] = [new SourceLog({ countStatements: true }), new SourceLog({ countStatements: true })];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const late = second.record({ source: 'db', model: 'Author', operation: 'late' }, async () => {
      await gate;
      return database.db.author.count();
    });
    await first.record({ source: 'db', model: 'Book', operation: 'early' }, () => database.db.book.count());
    release();
    await late;
    expect([first.statements, second.statements]).toEqual([1, 1]);
    // And after both, a new counted call counts again.
    const third = new SourceLog({ countStatements: true });
    await third.record({ source: 'db', model: 'Book', operation: 'again' }, () => database.db.book.count());
    expect(third.statements).toBe(1);
  });

  it('records calls without statement counts when counting is off', async () => {
    const log = new SourceLog({ countStatements: false });
    await log.record({ source: 'db', model: 'Book', operation: 'findMany' }, () =>
      database.db.book.findMany({ take: 1 }),
    );
    expect(log.calls).toEqual([{ source: 'db', model: 'Book', operation: 'findMany', durationMs: expect.any(Number) }]);
    expect(log.statements).toBeUndefined();
  });

  it("records a failed call's error code (or name) and duration, and passes the failure on as a rejection", async () => {
    const log = new SourceLog({ countStatements: false });
    const coded = Object.assign(new Error('upstream timed out'), { code: 'UPSTREAM_TIMEOUT' });

    const rejected = log.record({ source: 'inventory', operation: 'GET' }, () => Promise.reject(coded));
    // A call that throws before it returns a promise still fails as a rejection, not a throw from record().
    const thrown = log.record({ source: 'db', model: 'Book', operation: 'findMany' }, () => {
      throw new TypeError('bad arguments');
    });

    await expect(rejected).rejects.toBe(coded);
    await expect(thrown).rejects.toThrow('bad arguments');
    expect(log.calls).toEqual([
      { source: 'inventory', operation: 'GET', error: 'UPSTREAM_TIMEOUT', durationMs: expect.any(Number) },
      { source: 'db', model: 'Book', operation: 'findMany', error: 'TypeError', durationMs: expect.any(Number) },
    ]);
  });
});
