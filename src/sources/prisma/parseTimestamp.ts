// `new Date(text)` for the timestamps Prisma's pg adapter hands over
// ("2024-02-29T23:30:05.123+00:00": Postgres' text with the space made a T
// and the offset fixed), at about half the cost: V8's date parser takes
// about 0.19 µs a value, 0.19 ms of a 1000-row read with one timestamp a row.
// Anything not in exactly that form (a year past 9999 or BC, no offset, a
// field out of range) goes to `new Date(text)`, so the result is always the
// same Date: fractions past milliseconds are cut off, as V8 does.

/** `new Date(text)`. */
export function parseTimestamp(text: string): Date {
  const n = text.length;
  // 25 characters without a fraction, 27-32 with 1-6 fraction digits.
  if (n < 25 || n === 26 || n > 32 || text.charCodeAt(10) !== 84 /* T */ || !text.endsWith('+00:00')) {
    return new Date(text);
  }
  let bad = false;
  const digit = (i: number) => {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) bad = true;
    return d;
  };
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const month = digit(5) * 10 + digit(6);
  const day = digit(8) * 10 + digit(9);
  const hours = digit(11) * 10 + digit(12);
  const minutes = digit(14) * 10 + digit(15);
  const seconds = digit(17) * 10 + digit(18);
  let ms = 0;
  if (n > 25) {
    if (text.charCodeAt(19) !== 46 /* . */) bad = true;
    for (let i = 20; i < n - 6; i++) {
      const d = digit(i);
      if (i < 23) ms += d * (i === 20 ? 100 : i === 21 ? 10 : 1);
    }
  }
  const separators =
    text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58;
  if (
    bad ||
    !separators ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hours > 23 ||
    minutes > 59 ||
    seconds > 59
  ) {
    return new Date(text);
  }
  return new Date(((daysFromCivil(year, month, day) * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000 + ms);
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil); a day past the month's end runs into the next, as V8's does.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
