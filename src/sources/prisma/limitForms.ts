// Postgres: the row limits of a finished statement, written into its text as
// literals or as parameters (see Statement.limit for why literals).
//
// Each distinct set of limits makes another text, and each text another
// prepared statement on every connection. Left alone, a client paging
// through many sizes would use up the 500 statement names (nameStatement)
// and the backends' memory. So a statement shape gets literal limits for its
// first `maxFormsPerShape` sets of values, within `maxLiteralTexts` for the
// whole process: page sizes alone can take at most half the names. Past
// either budget, and for shapes past `maxShapes`, the limits are parameters:
// one more text per shape, planned on every run as every statement was
// before limits were written in. Budgets go first come, first served, for
// the life of the process.
import type { Statement } from './sqlStatement.ts';

// A limit's mark is its index between two NULs. NUL cannot occur in a
// Postgres statement's text, so a mark left by mistake fails loudly.
export const limitMark = '\u0000';

export class LimitForms {
  // Per shape (the text with its marks): the sets of values written as literals.
  private readonly shapes = new Map<string, Set<string>>();
  private literalTexts = 0;

  constructor(private readonly budget = { maxFormsPerShape: 8, maxLiteralTexts: 250, maxShapes: 500 }) {}

  /** `sql` (the text of `statement`) with its limit marks replaced. */
  resolve(statement: Statement, sql: string): string {
    const { limits } = statement;
    if (limits.length === 0) return sql;
    const literal = this.takesLiterals(sql, limits.join(','));
    // Split at the marks: every other part is a limit's index.
    const parts = sql.split(limitMark);
    for (let i = 1; i < parts.length; i += 2) {
      const n = limits[Number(parts[i])]!;
      parts[i] = literal ? String(n) : statement.typedParam(n, 'int');
    }
    return parts.join('');
  }

  // Whether this shape's limits go in as literals: a set of values it had
  // before, or a new one within both budgets.
  private takesLiterals(shape: string, values: string): boolean {
    let forms = this.shapes.get(shape);
    if (!forms) {
      if (this.shapes.size >= this.budget.maxShapes) return false;
      this.shapes.set(shape, (forms = new Set()));
    }
    if (forms.has(values)) return true;
    if (forms.size >= this.budget.maxFormsPerShape || this.literalTexts >= this.budget.maxLiteralTexts) return false;
    forms.add(values);
    this.literalTexts++;
    return true;
  }
}
