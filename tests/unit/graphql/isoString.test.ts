// isoString must write exactly what Date.prototype.toISOString writes.
import { describe, expect, it } from 'vitest';
import { isoString } from '../../../src/graphql/isoString.ts';

const msPerDay = 86_400_000;
const maxDate = 8.64e15; // the largest time a Date holds

describe('isoString', () => {
  it.each([
    ['the epoch', 0],
    ['the last millisecond before the epoch', -1],
    ['a day before the epoch, one millisecond short', -msPerDay - 1],
    ['a leap day', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['year 0', -62167219200000],
    ['year -1 (six digits and a sign)', -62198755200000],
    ['year 9999, last millisecond', 253402300799999],
    ['year 10000 (six digits and a sign)', 253402300800000],
    ['the largest Date', maxDate],
    ['the smallest Date', -maxDate],
  ])('matches toISOString at %s', (_, ms) => {
    const date = new Date(ms);
    expect(isoString(date)).toBe(date.toISOString());
  });

  it('matches toISOString across four centuries of days and every time of day', () => {
    // A step that is no whole number of days, hours or seconds walks the time of day too.
    const step = 3 * msPerDay + 3_723_457;
    let checked = 0;
    for (let ms = Date.UTC(1850, 0, 1); ms < Date.UTC(2250, 0, 1); ms += step) {
      const date = new Date(ms);
      if (isoString(date) !== date.toISOString()) expect(isoString(date)).toBe(date.toISOString());
      checked++;
    }
    expect(checked).toBeGreaterThan(40_000);
  });

  it('still matches after the day table has been emptied', () => {
    const days = Array.from({ length: 5000 }, (_, i) => new Date(Date.UTC(2000, 0, 1) + i * msPerDay + 45_296_789));
    for (const date of days) expect(isoString(date)).toBe(date.toISOString());
    for (const date of days.slice(0, 10)) expect(isoString(date)).toBe(date.toISOString());
  });

  it('throws as toISOString does for an invalid Date', () => {
    expect(() => isoString(new Date(Number.NaN))).toThrow(RangeError);
  });
});
