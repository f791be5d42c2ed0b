// parseTimestamp must give exactly the Date `new Date(text)` gives.
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../../../src/sources/prisma/parseTimestamp.ts';

const same = (text: string) => {
  const expected = new Date(text).getTime();
  const got = parseTimestamp(text).getTime();
  if (!Object.is(got, expected)) expect({ text, got }).toEqual({ text, got: expected });
};

describe('parseTimestamp', () => {
  it.each([
    '2024-02-29T23:30:05+00:00',
    '2024-02-29T23:30:05.1+00:00',
    '2024-02-29T23:30:05.12+00:00',
    '2024-02-29T23:30:05.123+00:00',
    '2024-02-29T23:30:05.1239+00:00',
    '2024-02-29T23:30:05.123456+00:00',
    '1969-12-31T23:59:59.999+00:00',
    '0000-01-01T00:00:00+00:00',
    '9999-12-31T23:59:59.999+00:00',
    '1900-03-01T00:00:00+00:00',
    '2024-02-30T00:00:00+00:00', // runs into March, as V8's parser does
  ])('reads %s as new Date does', (text) => {
    same(text);
  });

  it.each([
    '0044-03-15T12:00:00 BC+00:00',
    '12345-01-01T00:00:00+00:00',
    '2024-01-02T24:00:00+00:00',
    '2024-01-02T03:04:60+00:00',
    '2024-13-02T03:04:05+00:00',
    '2024-00-02T03:04:05+00:00',
    '2024-01-02T03:04:05.+00:00',
    '2024-01-02T03:04:05.12a+00:00',
    '2024-01-02T03:04:05.123a56+00:00',
    '2024-01-02T03:04:05,123+00:00',
    '2024-01-02 03:04:05+00:00',
    '2024-01-02T03:04:05+01:00',
    '2024-01-02T03:04:05Z',
    '2024-01-02',
    '',
  ])('leaves %j to new Date', (text) => {
    same(text);
  });

  it('reads every day of four centuries and many times of day as new Date does', () => {
    const step = 86_400_000 + 3_723_457;
    let checked = 0;
    for (let ms = Date.UTC(1800, 0, 1); ms < Date.UTC(2200, 0, 1); ms += step) {
      const iso = new Date(ms).toISOString(); // "YYYY-MM-DDTHH:MM:SS.mmmZ"
      same(`${iso.slice(0, 23)}+00:00`);
      same(`${iso.slice(0, 19)}+00:00`);
      checked++;
    }
    expect(checked).toBeGreaterThan(100_000);
  });
});
