// The DateTime scalar sends the same text graphql-scalars' would once
// JSON.stringify ran, and refuses the same values.
import { describe, expect, it } from 'vitest';
import { GraphQLDateTime } from 'graphql-scalars';
import { dateTimeScalar } from '../../../src/graphql/dateTimeScalar.ts';

describe('dateTimeScalar', () => {
  const accepted: [string, unknown][] = [
    ['a Date', new Date(Date.UTC(2021, 0, 1, 0, 1, 0, 7))],
    ['a Date before 1970', new Date(Date.UTC(1969, 6, 20, 20, 17))],
    ['an RFC 3339 string with an offset', '2024-02-29T23:30:00+02:00'],
    ['an RFC 3339 string with fractions', '2024-02-29T23:30:00.123456Z'],
    ['epoch milliseconds', 1_700_000_000_123],
  ];
  it.each(accepted)('serializes %s to the string JSON would have sent', (_, value) => {
    const serialized = dateTimeScalar.serialize(value);
    expect(typeof serialized).toBe('string');
    expect(JSON.stringify({ at: serialized })).toBe(JSON.stringify({ at: GraphQLDateTime.serialize(value) }));
  });

  it.each([
    ['an invalid Date', new Date(Number.NaN)],
    ['a string that is no date-time', 'yesterday'],
    ['a boolean', true],
  ])('refuses %s as graphql-scalars does', (_, value) => {
    expect(() => GraphQLDateTime.serialize(value)).toThrow();
    expect(() => dateTimeScalar.serialize(value)).toThrow(/DateTime cannot/);
  });

  it('parses input as graphql-scalars does (to a Date)', () => {
    expect(dateTimeScalar.parseValue('2024-02-29T23:30:00Z')).toEqual(new Date(Date.UTC(2024, 1, 29, 23, 30)));
  });
});
