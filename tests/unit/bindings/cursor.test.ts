// Keyset cursors: what a cursor holds, that only cursors this API made for the
// same ordering are accepted, and the seek filters built from them.
import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  seekWhere,
  toPrismaOrderBy,
  type OrderItem,
} from '../../../src/bindings/cursor.ts';
import { GatewayError } from '../../../src/errors/GatewayError.ts';
import { findField, findModel, loadDataModel, type ModelField } from '../../../src/sources/prisma/datamodel.ts';

const book = findModel(loadDataModel(), 'Book')!;
const field = (name: string): ModelField => findField(book, name)!;
const asc = (name: string): OrderItem => ({ field: field(name), direction: 'asc' });
const desc = (name: string): OrderItem => ({ field: field(name), direction: 'desc' });

const byPublished = [desc('publishedAt'), asc('id')];
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The GatewayError decodeCursor throws for `cursor`, as a client sees it. */
function rejection(items: OrderItem[], cursor: string) {
  try {
    decodeCursor(items, cursor, 'after');
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return { message: (error as GatewayError).message, extensions: (error as GatewayError).extensions };
  }
  throw new Error('expected the cursor to be rejected');
}

describe('cursor encoding', () => {
  it('round-trips DateTime, Int and String values as the column types', () => {
    const items = [desc('publishedAt'), asc('title'), asc('id')];
    const row = { id: 7, title: 'The Winter Garden', publishedAt: new Date('2019-03-04T05:06:07.089Z'), pages: 300 };
    const values = decodeCursor(items, encodeCursor(items, row), 'after');
    expect(values).toEqual([new Date('2019-03-04T05:06:07.089Z'), 'The Winter Garden', 7]);
    expect(values[0]).toBeInstanceOf(Date);
  });

  it('round-trips a null in an optional column', () => {
    const row = { id: 3, publishedAt: null };
    expect(decodeCursor(byPublished, encodeCursor(byPublished, row), 'before')).toEqual([null, 3]);
  });

  it('is opaque URL-safe text holding the ordering and only the ordered columns', () => {
    const cursor = encodeCursor(byPublished, {
      id: 12,
      publishedAt: new Date('2020-01-01T00:00:00Z'),
      title: 'secret',
    });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(cursor, 'base64url').toString())).toEqual([
      'publishedAt:desc,id:asc',
      '2020-01-01T00:00:00.000Z',
      12,
    ]);
  });
});

describe('cursor validation', () => {
  it('rejects text that is not a cursor', () => {
    expect(rejection(byPublished, 'not a cursor!')).toEqual({
      message: 'Invalid cursor in "after": not a cursor this API returned',
      extensions: { argument: 'after', code: 'BAD_USER_INPUT' },
    });
  });

  it('rejects JSON of the wrong shape and the empty string', () => {
    const expected = 'Invalid cursor in "after": not a cursor this API returned';
    expect(rejection(byPublished, encode({ id: 1 })).message).toBe(expected);
    expect(rejection(byPublished, encode(['publishedAt:desc,id:asc', null])).message).toBe(expected);
    expect(rejection(byPublished, '').message).toBe(expected);
  });

  it('rejects a cursor made for a different orderBy', () => {
    const cursor = encodeCursor([asc('id')], { id: 1 });
    expect(rejection([asc('title'), asc('id')], cursor).message).toBe(
      'Invalid cursor in "after": it was made for a different orderBy',
    );
    expect(rejection([desc('id')], cursor)).toEqual({
      message: 'Invalid cursor in "after": it was made for a different orderBy',
      extensions: { argument: 'after', code: 'BAD_USER_INPUT' },
    });
  });

  it('rejects tampered values: wrong types, objects, nulls in required columns, non-dates', () => {
    const sig = 'publishedAt:desc,id:asc';
    const bad = (publishedAt: unknown, id: unknown) => rejection(byPublished, encode([sig, publishedAt, id])).message;
    expect(bad(null, '1')).toBe('Invalid cursor in "after": bad value for id');
    expect(bad(null, null)).toBe('Invalid cursor in "after": bad value for id');
    expect(bad(null, { gt: 0 })).toBe('Invalid cursor in "after": bad value for id');
    expect(bad('yesterday', 1)).toBe('Invalid cursor in "after": bad value for publishedAt');
    expect(bad(42, 1)).toBe('Invalid cursor in "after": bad value for publishedAt');
    expect(rejection([asc('title'), asc('id')], encode(['title:asc,id:asc', { contains: '' }, 1])).message).toBe(
      'Invalid cursor in "after": bad value for title',
    );
  });

  it('rejects Int values a 32-bit column cannot hold, instead of passing them to the database', () => {
    const sig = 'publishedAt:desc,id:asc';
    expect(rejection(byPublished, encode([sig, null, 1.5])).message).toBe(
      'Invalid cursor in "after": bad value for id',
    );
    expect(rejection(byPublished, encode([sig, null, 2 ** 31])).message).toBe(
      'Invalid cursor in "after": bad value for id',
    );
    expect(decodeCursor(byPublished, encode([sig, null, 2 ** 31 - 1]), 'after')).toEqual([null, 2 ** 31 - 1]);
  });
});

describe('seekWhere', () => {
  it('seeks past (a, id) over required columns with one branch per column', () => {
    expect(seekWhere([asc('title'), asc('id')], ['M', 5], false)).toEqual({
      OR: [{ title: { gt: 'M' } }, { AND: [{ title: { equals: 'M' } }, { id: { gt: 5 } }] }],
    });
  });

  it('reverses the comparisons going backward', () => {
    expect(seekWhere([asc('title'), asc('id')], ['M', 5], true)).toEqual({
      OR: [{ title: { lt: 'M' } }, { AND: [{ title: { equals: 'M' } }, { id: { lt: 5 } }] }],
    });
  });

  it('includes the null rows after a non-null value going forward (nulls sort last)', () => {
    const d = new Date('2019-01-01T00:00:00Z');
    expect(seekWhere(byPublished, [d, 5], false)).toEqual({
      OR: [
        { OR: [{ publishedAt: { lt: d } }, { publishedAt: null }] },
        { AND: [{ publishedAt: { equals: d } }, { id: { gt: 5 } }] },
      ],
    });
  });

  it('after a null value, seeks only among the other nulls', () => {
    expect(seekWhere(byPublished, [null, 5], false)).toEqual({
      OR: [{ AND: [{ publishedAt: null }, { id: { gt: 5 } }] }],
    });
  });

  it('before a null value, takes every non-null row and the nulls with a smaller id', () => {
    expect(seekWhere(byPublished, [null, 5], true)).toEqual({
      OR: [{ publishedAt: { not: null } }, { AND: [{ publishedAt: null }, { id: { lt: 5 } }] }],
    });
  });

  it('before a non-null value, excludes the nulls (they come after it)', () => {
    const d = new Date('2019-01-01T00:00:00Z');
    expect(seekWhere(byPublished, [d, 5], true)).toEqual({
      OR: [{ publishedAt: { gt: d } }, { AND: [{ publishedAt: { equals: d } }, { id: { lt: 5 } }] }],
    });
  });

  it('orders nulls last going forward and first going backward, so the seek matches the sort', () => {
    expect(toPrismaOrderBy(byPublished, false)).toEqual([
      { publishedAt: { sort: 'desc', nulls: 'last' } },
      { id: 'asc' },
    ]);
    expect(toPrismaOrderBy(byPublished, true)).toEqual([
      { publishedAt: { sort: 'asc', nulls: 'first' } },
      { id: 'desc' },
    ]);
  });
});
