// Postgres plans a prepared statement afresh on every run unless its generic
// plan (made once, without the parameters' values) costs no more than the
// custom ones. A LIMIT or an `= ANY(array)` parameter makes the generic plan
// look dearer than it is, so the SQL read path writes page sizes into the
// text and sends a single key as a plain parameter (sqlStatement.ts). That
// cut the database's CPU per request by 17–45% on W1–W5; this checks, in
// Postgres's own counters, that the statements really switch to the generic
// plan (at once when they have no parameters left, else after the five
// custom plans Postgres makes first). Each set of page sizes is its own
// text, so a shape gets literal limits for its first eight sets only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlReadsOf } from '../../src/sources/prisma/sqlReads.ts';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/databases.ts';
import { createTestGateway, type TestGateway } from '../helpers/gateway.ts';

const providers = await testProviders();
const runs = 9;

// Skipped only outside CI when Postgres is unreachable (testProviders() prints why); in CI it runs or fails.
describe.skipIf(!providers.includes('postgres'))('prepared statements on Postgres', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    // One connection, so every run of a statement and the view below share a session.
    database = await createTestDatabase('postgres', {
      seed: { authors: 8, booksPerAuthor: 4, reviewsPerBook: 2, customers: 1 },
      db: { poolSize: 1 },
    });
    gateway = await createTestGateway(database);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  /** This session's prepared statements of the SQL read path, with how often each was planned which way. */
  async function plans(): Promise<{ statement: string; generic: number; custom: number }[]> {
    const json = await sqlReadsOf(database.db)!.scalar(
      `SELECT coalesce(json_agg(json_build_object('statement', statement, 'generic', generic_plans, 'custom', custom_plans)), '[]')::text
       FROM pg_prepared_statements WHERE name LIKE 'switchyard\\_%'`,
    );
    return JSON.parse(String(json)) as { statement: string; generic: number; custom: number }[];
  }

  it.each([
    ['a lookup by one key', (i: number) => `{ book(id: ${i + 1}) { id title } }`, /"id" = \$1\b/],
    ['a root page', () => '{ books(first: 5) { nodes { id title } } }', /LIMIT 5\b/],
    [
      'a page with a page of a relation in it',
      () => '{ authors(first: 3) { nodes { id books(first: 2) { nodes { id } } } } }',
      /LIMIT 2\b[\s\S]*LIMIT 3\b/,
    ],
    [
      "a single parent's relation page, through its loader",
      (i: number) => `{ author(id: ${(i % 4) + 1}) { books(first: 3) { nodes { id } } } }`,
      /"switchyard_rank" <= 3\b/,
    ],
  ])('%s is planned generically after five custom plans', async (_name, document, shape) => {
    for (let i = 0; i < runs; i++) {
      const res = await gateway.query(document(i));
      expect(res.errors).toBeUndefined();
    }
    const mine = (await plans()).filter((p) => shape.test(p.statement));
    expect(mine).toHaveLength(1);
    // A statement without parameters is generic from its first run; one with
    // them after five custom runs. Before, every run was a custom plan.
    expect(mine[0]!.custom).toBeLessThanOrEqual(5);
    expect(mine[0]!.generic).toBeGreaterThanOrEqual(runs - 5);
  });

  it('gives a shape literal limits for its first eight page sizes, then one text with the limit as a parameter', async () => {
    const document = (first: number) => `{ reviews(first: ${first}) { nodes { id rating } } }`;
    // Twelve page sizes, then the first one again.
    const sizes = [...Array.from({ length: 12 }, (_, i) => i + 1), 1];
    for (const first of sizes) {
      const res = await gateway.query<{ reviews: { nodes: { id: string }[] } }>(document(first));
      expect(res.errors).toBeUndefined();
      expect(res.data!.reviews.nodes).toHaveLength(first);
    }
    const mine = (await plans()).filter((p) => /FROM "[^"]+"\."Review"/.test(p.statement));
    const literal = mine.filter((p) => /LIMIT \d+\b/.test(p.statement));
    const parameter = mine.filter((p) => /LIMIT \$\d+\b/.test(p.statement));
    expect(literal).toHaveLength(8);
    expect(parameter).toHaveLength(1);
    expect(mine).toHaveLength(9);
    // The size it had first kept its literal text: run twice.
    const first = literal.find((p) => /LIMIT 1\b/.test(p.statement))!;
    expect(first.generic + first.custom).toBe(2);
  });
});
