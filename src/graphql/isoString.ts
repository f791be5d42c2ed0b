// Date.prototype.toISOString's text, about six times faster. V8's
// toISOString takes about 0.42 µs a call (a C++ builtin that formats through
// its own date cache), which made it the largest single item in a 1000-row
// result with one timestamp per row (W6: 9% of the server's CPU). Here the
// date part comes from toISOString once per UTC day, kept in a small table,
// and the time of day is plain arithmetic on the epoch milliseconds: 0.07 µs.
//
// The day table holds strings keyed by day numbers, nothing a request owns,
// and is emptied whenever it reaches `maxDays` (about 11 years of days).

const maxDays = 4096;
const dayPrefixes = new Map<number, string>();
const msPerDay = 86_400_000;
const pad2 = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const pad3 = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** `date.toISOString()`; throws the same RangeError for an invalid Date. */
export function isoString(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return date.toISOString();
  const day = Math.floor(ms / msPerDay);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    // "2024-02-29T", or "+012345-01-01T" for years past 9999 and before 0.
    const full = date.toISOString();
    prefix = full.slice(0, full.indexOf('T') + 1);
    if (dayPrefixes.size >= maxDays) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * msPerDay; // 0 ≤ rest < msPerDay, also before 1970
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${prefix}${pad2[hours]}:${pad2[minutes]}:${pad2[seconds]}.${pad3[rest - seconds * 1000]}Z`;
}
