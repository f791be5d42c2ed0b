// Documents too deep, too wide, too long or too costly, sent over a real
// socket: each is refused with 400 and its own code before any SQL statement
// or upstream call, while the same shape just under the limit runs.
import { describe, expect, it } from 'vitest';
import { readSchemaFile } from '../../src/graphql/createSchema.ts';
import { expectRefused, useLiveGateway } from './support.ts';

// Field levels that walk the example graph: [field, a leaf to select at that level].
const chain: [string, string][] = [
  ['authors(first: 1)', 'totalCount'],
  ['nodes', 'name'],
  ['books(first: 1)', 'totalCount'],
  ['nodes', 'title'],
  ['author', 'name'],
];

/** A query whose deepest field is at `depth` (graphql-armor counts `{ a { b } }` as 2). */
function nestedQuery(depth: number): string {
  const levels = Array.from({ length: depth - 1 }, (_, i) => chain[i < 2 ? i : 2 + ((i - 2) % 3)]!);
  return `{ ${levels.map(([field]) => `${field} {`).join(' ')} ${levels.at(-1)![1]} ${'}'.repeat(levels.length)} }`;
}

describe('operation limits at their defaults', () => {
  const live = useLiveGateway();

  it('refuses a query 13 levels deep with DEPTH_LIMIT_EXCEEDED and runs nothing', async () => {
    const res = await live.query(nestedQuery(13));

    expectRefused(res, 400, 'DEPTH_LIMIT_EXCEEDED');
    expect(res.body.errors[0]).toMatchObject({
      message: 'Query depth limit of 12 exceeded, found 13.',
      extensions: { limit: 12 },
    });
    expect(live.work()).toEqual({ statements: 0, upstreamCalls: 0 });
  });

  it('runs the same query 12 levels deep', async () => {
    const res = await live.query(nestedQuery(12));

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(live.work().statements).toBeGreaterThan(0);
  });

  it('refuses 31 aliases with ALIAS_LIMIT_EXCEEDED and runs nothing, and runs 30', async () => {
    const aliased = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: authors(first: 1) { totalCount }`).join(' ')} }`;

    const refused = await live.query(aliased(31));
    const work = live.work();
    const accepted = await live.query(aliased(30));

    expectRefused(refused, 400, 'ALIAS_LIMIT_EXCEEDED');
    expect(refused.body.errors[0].message).toBe('Aliases limit of 30 exceeded, found 31.');
    expect(work).toEqual({ statements: 0, upstreamCalls: 0 });
    expect(accepted.status).toBe(200);
    expect(Object.keys(accepted.body.data)).toHaveLength(30);
  });

  it('refuses 51 directives with DIRECTIVE_LIMIT_EXCEEDED and runs nothing, and runs 50', async () => {
    const directives = (n: number) =>
      `{ authors(first: 1) { totalCount } ${Array.from({ length: n }, (_, i) => `t${i}: __typename @skip(if: false)`).join(' ')} }`;

    const refused = await live.query(directives(51));
    const work = live.work();
    const accepted = await live.query(directives(50));

    expectRefused(refused, 400, 'DIRECTIVE_LIMIT_EXCEEDED');
    expect(refused.body.errors[0].message).toBe('Directives limit of 50 exceeded, found 51.');
    expect(work).toEqual({ statements: 0, upstreamCalls: 0 });
    expect(accepted.status).toBe(200);
  });

  it('refuses a document over 2000 tokens with TOKEN_LIMIT_EXCEEDED before parsing the rest', async () => {
    const refused = await live.query(`{ authors(first: 1) { totalCount } ${'__typename '.repeat(2000)}}`);
    const work = live.work();
    // Fewer repeats: graphql-js caps its own work on overlapping fields ("Validation aborted.").
    const accepted = await live.query(`{ authors(first: 1) { totalCount } ${'__typename '.repeat(600)}}`);

    expectRefused(refused, 400, 'TOKEN_LIMIT_EXCEEDED');
    expect(refused.body.errors[0].message).toMatch(/more th\w+ 2000 tokens/);
    expect(work).toEqual({ statements: 0, upstreamCalls: 0 });
    expect(accepted.body.errors).toBeUndefined();
    expect(accepted.status).toBe(200);
  });

  it('refuses a query whose lists multiply past the cost budget, and runs one just under it', async () => {
    const query = (n: number) => `{ authors(first: ${n}) { nodes { books(first: 100) { nodes { title } } } } }`;

    // authors: 1 + n × (nodes: 1 + books: 1 + 100 × (nodes: 1 + title: 0))
    const refused = await live.query(query(100));
    const work = live.work();
    const accepted = await live.query(query(98));

    expectRefused(refused, 400, 'COST_LIMIT_EXCEEDED');
    expect(refused.body.errors[0]).toMatchObject({
      message: 'Query cost limit of 10000 exceeded, found 10201.',
      extensions: { code: 'COST_LIMIT_EXCEEDED', cost: 10201, limit: 10000 },
    });
    expect(work).toEqual({ statements: 0, upstreamCalls: 0 });
    expect(accepted.status).toBe(200);
    expect(accepted.body.errors).toBeUndefined();
  });

  it('costs page sizes given in variables', async () => {
    const query = (inner: string) =>
      `query ($n: Int!) { authors(first: $n) { nodes { books(first: $n) { ${inner} } } } }`;

    // Only what lies beneath a list is multiplied: totalCount is a scalar, nodes are objects.
    const cheap = await live.query(query('totalCount'), { n: 100 }); // 1 + 100 × (1 + 1 + 100 × 0)
    const costly = await live.query(query('nodes { title }'), { n: 100 }); // 1 + 100 × (1 + 1 + 100 × 1)

    expect(cheap.status).toBe(200);
    expectRefused(costly, 400, 'COST_LIMIT_EXCEEDED');
    expect(costly.body.errors[0].extensions.cost).toBe(10201);
  });

  it('costs the same document anew for other page sizes, in any order', async () => {
    const query = 'query ($a: Int!, $b: Int) { authors(first: $a) { nodes { books(first: $b) { nodes { title } } } } }';

    const small = await live.query(query, { a: 10, b: 10 }); // 1 + 10 × (1 + 1 + 10 × 1)
    const large = await live.query(query, { a: 100, b: 100 }); // 1 + 100 × (1 + 1 + 100 × 1)
    const lessLarge = await live.query(query, { a: 100, b: 99 });
    const defaulted = await live.query(query, { a: 100 }); // b unset: the default page size, 20
    const smallAgain = await live.query(query, { a: 10, b: 10 });

    expect(small.status).toBe(200);
    expectRefused(large, 400, 'COST_LIMIT_EXCEEDED');
    expect(large.body.errors[0].extensions.cost).toBe(10201);
    expectRefused(lessLarge, 400, 'COST_LIMIT_EXCEEDED');
    expect(lessLarge.body.errors[0].extensions.cost).toBe(10101);
    expect(defaulted.status).toBe(200); // 1 + 100 × (1 + 1 + 20 × 1) = 2201
    expect(smallAgain.status).toBe(200);
  });

  it('costs an absent variable at its default and an explicit null at the page size, each time', async () => {
    // Known costs are keyed by the variables as sent: absent and null must not share one.
    const query =
      'query ($a: Int!, $b: Int = 100) { authors(first: $a) { nodes { books(first: $b) { nodes { title } } } } }';

    const absent = await live.query(query, { a: 100 }); // b = 100: 10201
    const explicitNull = await live.query(query, { a: 100, b: null }); // b = null: the default page size, 2201
    const absentAgain = await live.query(query, { a: 100 });
    const nullAgain = await live.query(query, { a: 100, b: null });
    const wrongType = await live.query(query, { a: 100, b: '100' });

    expectRefused(absent, 400, 'COST_LIMIT_EXCEEDED');
    expect(absent.body.errors[0].extensions.cost).toBe(10201);
    expect(explicitNull.status).toBe(200);
    expect(explicitNull.body.errors).toBeUndefined();
    expectRefused(absentAgain, 400, 'COST_LIMIT_EXCEEDED');
    expect(nullAgain.status).toBe(200);
    expectRefused(wrongType, 400, 'BAD_USER_INPUT');
  });

  it('refuses a null for a defaulted variable where a value is needed, before and after its cost is known', async () => {
    // Validation allows `[$o]` with `$o: AuthorOrder = …`, but a null sent for $o is no order.
    // Refused when costing reads the arguments (graphql-jit would hand the null to the resolver),
    // and the operation is costed on every request, so a known cost cannot skip that check.
    const query =
      'query ($n: Int, $o: AuthorOrder = { name: ASC }) { authors(first: $n, orderBy: [$o]) { nodes { books(first: $n) { nodes { title } } } } }';

    const unreadable = await live.query(query, { n: 100, o: null });
    const work = live.work();
    const readable = await live.query(query, { n: 100, o: { name: 'ASC' } });
    const cheap = await live.query(query, { n: 2, o: { name: 'ASC' } });
    const unreadableAgain = await live.query(query, { n: 2, o: null });

    expectRefused(unreadable, 400, 'BAD_USER_INPUT');
    expect(unreadable.body.errors[0].message).toMatch(/orderBy/);
    expect(work).toEqual({ statements: 0, upstreamCalls: 0 });
    expectRefused(readable, 400, 'COST_LIMIT_EXCEEDED');
    expect(readable.body.errors[0].extensions.cost).toBe(10201);
    expect(cheap.status).toBe(200);
    expect(cheap.body.errors).toBeUndefined();
    expectRefused(unreadableAgain, 400, 'BAD_USER_INPUT');
  });

  it('refuses a page size over MAX_PAGE_SIZE anywhere in the query before the first SQL statement', async () => {
    const top = await live.query('{ authors(first: 1000000) { totalCount } }');
    const nested = await live.query('{ authors(first: 1) { nodes { books(last: 101) { totalCount } } } }');
    const negative = await live.query('query ($n: Int) { books(first: $n) { totalCount } }', { n: -1 });

    expectRefused(top, 400, 'BAD_USER_INPUT');
    expect(top.body.errors[0]).toMatchObject({
      message: '"first" must be between 0 and 100, got 1000000',
      extensions: { argument: 'first', maxPageSize: 100 },
    });
    expectRefused(nested, 400, 'BAD_USER_INPUT');
    expect(nested.body.errors[0].message).toBe('"last" must be between 0 and 100, got 101');
    expectRefused(negative, 400, 'BAD_USER_INPUT');
    expect(live.work()).toEqual({ statements: 0, upstreamCalls: 0 });
  });

  it('refuses fragment cycles in validation', async () => {
    const cycle = await live.query(`
      { authors(first: 1) { nodes { ...A } } }
      fragment A on Author { books(first: 1) { nodes { author { ...B } } } }
      fragment B on Author { name ...A }`);
    const selfSpread = await live.query('{ authors(first: 1) { nodes { ...C } } } fragment C on Author { name ...C }');

    expectRefused(cycle, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(cycle.body.errors[0].message).toBe('Cannot spread fragment "A" within itself via "B".');
    expectRefused(selfSpread, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(selfSpread.body.errors[0].message).toBe('Cannot spread fragment "C" within itself.');
    expect(live.work()).toEqual({ statements: 0, upstreamCalls: 0 });
  });

  it('refuses, quickly, fragments that double at every level into 2^30 selections', async () => {
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
    const started = Date.now();

    const res = await live.query(
      `{ ...F0 } ${fragments.join(' ')} fragment F30 on Query { authors(first: 1) { totalCount } }`,
    );

    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(live.work()).toEqual({ statements: 0, upstreamCalls: 0 });
  });

  it('refuses a JSON array of operations with BATCHING_NOT_SUPPORTED and runs none of them', async () => {
    const res = await live.post([{ query: '{ authors { totalCount } }' }, { query: '{ books { totalCount } }' }]);

    expectRefused(res, 400, 'BATCHING_NOT_SUPPORTED');
    expect(live.work()).toEqual({ statements: 0, upstreamCalls: 0 });
  });
});

describe('a per-field @cost override', () => {
  const shipped = readSchemaFile('schema.graphql');
  const sdl = shipped.replace('  stock: Stock\n    @http(', '  stock: Stock\n    @cost(weight: 500)\n    @http(');
  const live = useLiveGateway({}, { sdl });

  it('weighs the field as declared: refused before the upstream call over the budget, run under it', async () => {
    expect(sdl).not.toBe(shipped);
    const query = (n: number) => `{ books(first: ${n}) { nodes { isbn stock { available } } } }`;

    const refused = await live.query(query(30)); // 1 + 30 × (1 + 500)
    const work = live.work();
    const accepted = await live.query(query(10)); // 1 + 10 × (1 + 500)

    expectRefused(refused, 400, 'COST_LIMIT_EXCEEDED');
    expect(refused.body.errors[0].extensions.cost).toBe(15031);
    expect(work).toEqual({ statements: 0, upstreamCalls: 0 });
    expect(accepted.status).toBe(200);
    expect(accepted.body.errors).toBeUndefined();
    expect(live.work().upstreamCalls).toBe(1);
  });
});

describe('operation limits set by environment variables', () => {
  const live = useLiveGateway({ MAX_DEPTH: '5', MAX_ALIASES: '0', MAX_COST: '0' });

  it('applies MAX_DEPTH, and turns a limit off with 0', async () => {
    const deep = await live.query(nestedQuery(6));
    const aliases = await live.query(
      `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: authors(first: 1) { totalCount }`).join(' ')} }`,
    );
    const costly = await live.query('{ authors(first: 100) { nodes { books(first: 100) { nodes { title } } } } }');

    expectRefused(deep, 400, 'DEPTH_LIMIT_EXCEEDED');
    expect(deep.body.errors[0].message).toBe('Query depth limit of 5 exceeded, found 6.');
    expect(aliases.status).toBe(200);
    expect(costly.status).toBe(200);
  });
});
