// Prisma renders `contains`/`startsWith`/`endsWith` as LIKE without an ESCAPE
// clause. Postgres treats a backslash as LIKE's escape character by default;
// SQLite has none unless the statement names one. The bindings escape `%`, `_`
// and `\` in pattern values with a backslash, so on SQLite every LIKE gets
// `ESCAPE '\'`, making the pattern operators match text literally on both
// providers. Only Prisma-rendered SQL passes through here.

// Prisma writes the pattern as one parenthesised expression: LIKE ('%' || ? || '%').
const like = /\bLIKE (\([^()]*\))/g;

export function addLikeEscape(sql: string): string {
  return sql.replace(like, "LIKE $1 ESCAPE '\\'");
}
