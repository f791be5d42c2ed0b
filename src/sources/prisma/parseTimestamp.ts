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
  // A character that is no digit reads as NaN, which every sum below carries to the checks.
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hours = digits(text, 11, 13);
  const minutes = digits(text, 14, 16);
  const seconds = digits(text, 17, 19);
  let ms = 0;
  if (n > 25) {
    // ".f" to ".ffffff": milliseconds are the first three digits, padded;
    // the rest are cut off, as V8 does, but must still be digits.
    const fraction = n - 26;
    const first = Math.min(3, fraction);
    const rest = fraction > 3 ? digits(text, 23, 20 + fraction) : 0;
    ms =
      text.charCodeAt(19) === 46 /* . */ && !Number.isNaN(rest)
        ? digits(text, 20, 20 + first) * (first === 1 ? 100 : first === 2 ? 10 : 1)
        : Number.NaN;
  }
  const separators =
    text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58;
  // Each comparison is false for NaN, so a NaN field fails its range check.
  if (
    !separators ||
    !(year >= 0) ||
    !(month >= 1 && month <= 12) ||
    !(day >= 1 && day <= 31) ||
    !(hours <= 23) ||
    !(minutes <= 59) ||
    !(seconds <= 59) ||
    !(ms >= 0)
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

// The decimal number in text[from, to), or NaN if a character there is no digit.
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    value = value * 10 + d;
  }
  return value;
}
