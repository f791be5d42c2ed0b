import { describe, expect, it } from 'vitest';
import { LimitForms } from '../../../../src/sources/prisma/limitForms.ts';
import { Statement, type Table } from '../../../../src/sources/prisma/sqlStatement.ts';

const table: Table = { name: '"public"."Review"', columns: new Map(), dialect: 'postgres' };

// A page of reviews by rating, with a page of each review's children inside
// it: one parameter before the limits, the child's limit marked first.
function page(outer: number, inner: number): { statement: Statement; sql: string } {
  const statement = new Statement(table, 't0');
  const rating = statement.typedParam(4, 'int');
  const child = new Statement(table, 'k1', statement);
  const innerLimit = child.limit(inner);
  const sql = `SELECT (SELECT 1 FROM ${table.name} AS "k1" LIMIT ${innerLimit}) FROM ${table.name} AS "t0" WHERE "rating" = ${rating} LIMIT ${statement.limit(outer)}`;
  return { statement, sql };
}

function resolve(forms: LimitForms, outer: number, inner: number) {
  const { statement, sql } = page(outer, inner);
  return { sql: forms.resolve(statement, sql), args: statement.args };
}

describe('LimitForms', () => {
  it("writes a shape's limits into its text, each where its mark was", () => {
    const { sql, args } = resolve(new LimitForms(), 20, 3);
    expect(sql).toMatch(/AS "k1" LIMIT 3\) FROM .* "rating" = \$1 LIMIT 20$/);
    expect(args).toEqual([4]);
  });

  it("makes them parameters, numbered after the statement's own, once the shape has had its sets of values", () => {
    const forms = new LimitForms({ maxFormsPerShape: 2, maxLiteralTexts: 100, maxShapes: 100 });
    expect(resolve(forms, 10, 1).sql).toMatch(/LIMIT 1\).*LIMIT 10$/);
    expect(resolve(forms, 20, 1).sql).toMatch(/LIMIT 1\).*LIMIT 20$/);
    const third = resolve(forms, 30, 2);
    expect(third.sql).toMatch(/AS "k1" LIMIT \$2\) FROM .* "rating" = \$1 LIMIT \$3$/);
    expect(third.args).toEqual([4, 2, 30]);
    // A set it had before keeps its literal text.
    expect(resolve(forms, 10, 1).sql).toMatch(/LIMIT 1\).*LIMIT 10$/);
  });

  it('keeps to the literal texts of the whole process, and to its cap on shapes', () => {
    const forms = new LimitForms({ maxFormsPerShape: 8, maxLiteralTexts: 2, maxShapes: 100 });
    resolve(forms, 10, 1);
    resolve(forms, 20, 1);
    expect(resolve(forms, 30, 1).sql).toMatch(/LIMIT \$3$/);

    const oneShape = new LimitForms({ maxFormsPerShape: 8, maxLiteralTexts: 100, maxShapes: 1 });
    expect(resolve(oneShape, 10, 1).sql).toMatch(/LIMIT 10$/);
    const other = new Statement(table);
    expect(oneShape.resolve(other, `SELECT 1 FROM ${table.name} LIMIT ${other.limit(5)}`)).toBe(
      `SELECT 1 FROM ${table.name} LIMIT $1`,
    );
  });

  it('leaves SQLite alone: its limits are parameters from the start', () => {
    const statement = new Statement({ ...table, dialect: 'sqlite' });
    const sql = `SELECT 1 LIMIT ${statement.limit(7)}`;
    expect(statement.limits).toEqual([]);
    expect(new LimitForms().resolve(statement, sql)).toBe('SELECT 1 LIMIT ?');
    expect(statement.args).toEqual([7]);
  });
});
