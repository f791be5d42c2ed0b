// Only the columns a query needs are read: its selected fields, the keys its
// relations follow, the id, and the columns its cursors encode.
import { describe, expect, it } from 'vitest';
import { testProviders } from '../helpers/databases.ts';
import { useTestGateway } from '../helpers/gateway.ts';

// The select list of a statement's rows, without the aliases the SQL read
// path gives columns ("x" AS "c0"): on Postgres that path wraps the rows'
// SELECT in one that returns them as JSON (sqlReads.ts).
function selectList(sql: string): string[] {
  const json = 'SELECT coalesce(json_agg(';
  const rows = sql.startsWith(json) ? sql.slice(sql.indexOf('FROM (') + 6) : sql;
  return rows
    .slice(rows.indexOf('SELECT') + 6, rows.indexOf(' FROM '))
    .split(',')
    .map((c) => c.replace(/ AS "c\d+"/, '').trim());
}

// The column names a SELECT reads from `table` (quoted "x" on Postgres, `x` on SQLite).
function columnsRead(sql: string, table: string): string[] {
  return selectList(sql)
    .map((c) => c.split('.').at(-1)!.replace(/["`]/g, ''))
    .filter((c) => c.length > 0 && sql.includes(table))
    .sort();
}

// The columns a Postgres statement reads under `alias`: "t0"."x" for the page
// and its to-one joins, "k1"."x" for a to-many relation read within it.
function columnsUnder(sql: string, alias: string): string[] {
  return [...sql.matchAll(new RegExp(`"${alias}"\\."(\\w+)" AS "c\\d+"`, 'g'))].map((m) => m[1]!).sort();
}

describe.each(await testProviders())('column selection on %s', (provider) => {
  const t = useTestGateway(provider);

  async function run(query: string, variables?: Record<string, unknown>) {
    t.database.statements.length = 0;
    const res = await t.gateway.query(query, variables);
    expect(res.errors).toBeUndefined();
    return { data: res.data, statements: [...t.database.statements] };
  }

  it('reads the id and the selected column only', async () => {
    const { data, statements } = await run('{ books(first: 3) { nodes { title } } }');
    expect(data.books.nodes).toHaveLength(3);
    expect(statements).toHaveLength(1);
    expect(columnsRead(statements[0]!, 'Book')).toEqual(['id', 'title']);
  });

  it('follows fragments and aliases, and reads the foreign key a relation needs', async () => {
    const { data, statements } = await run(`
      { books(first: 2) { edges { node { ...B } } } }
      fragment B on Book { p: pages author { name } }
    `);
    expect(data.books.edges[0].node.author.name).toEqual(expect.any(String));
    // The author is read with the page: one statement, each table under its alias.
    expect(statements).toHaveLength(1);
    expect(columnsUnder(statements[0]!, 't0')).toEqual(['authorId', 'id', 'pages']);
    expect(columnsUnder(statements[0]!, 't1')).toEqual(['id', 'name']);
  });

  it('honours @include by variable, request by request', async () => {
    const query = 'query ($isbn: Boolean!) { books(first: 1) { nodes { title isbn @include(if: $isbn) } } }';
    const withIsbn = await run(query, { isbn: true });
    const without = await run(query, { isbn: false });
    expect(withIsbn.data.books.nodes[0].isbn).toMatch(/^978/);
    expect(without.data.books.nodes[0]).not.toHaveProperty('isbn');
    expect(columnsRead(withIsbn.statements[0]!, 'Book')).toEqual(['id', 'isbn', 'title']);
    expect(columnsRead(without.statements[0]!, 'Book')).toEqual(['id', 'title']);
  });

  it('honours @include by variable inside a fragment, and caches a selection without one', async () => {
    const query = `query ($isbn: Boolean!) { books(first: 1) { nodes { ...B } } }
      fragment B on Book { title isbn @include(if: $isbn) }`;
    const withIsbn = await run(query, { isbn: true });
    const without = await run(query, { isbn: false });
    expect(columnsRead(withIsbn.statements[0]!, 'Book')).toEqual(['id', 'isbn', 'title']);
    expect(columnsRead(without.statements[0]!, 'Book')).toEqual(['id', 'title']);
    // Without variables in directives the columns are kept for the document: the same on every request.
    const plain = 'query ($n: Int!) { books(first: $n) { nodes { title @include(if: true) isbn @skip(if: true) } } }';
    for (const n of [1, 2]) {
      const { statements } = await run(plain, { n });
      expect(columnsRead(statements[0]!, 'Book')).toEqual(['id', 'title']);
    }
  });

  it('reads the columns its cursors encode, so the next page follows on', async () => {
    const query = `query ($after: String) {
      books(first: 3, after: $after, orderBy: [{ pages: DESC }]) { edges { cursor node { title } } }
    }`;
    const first = await run(query);
    expect(columnsRead(first.statements[0]!, 'Book')).toEqual(['id', 'pages', 'title']);
    const second = await run(query, { after: first.data.books.edges[2].cursor });
    const all = await t.database.db.book.findMany({ orderBy: [{ pages: 'desc' }, { id: 'asc' }], take: 6 });
    expect([...first.data.books.edges, ...second.data.books.edges].map((e: any) => e.node.title)).toEqual(
      all.map((b) => b.title),
    );
  });

  it('reads the foreign key and the selection of nested to-many relations', async () => {
    const { statements } = await run('{ authors(first: 2) { nodes { books(first: 2) { nodes { isbn } } } } }');
    // The books are read within the authors' statement; their foreign key
    // is each author's id, set on the rows rather than read.
    expect(statements).toHaveLength(1);
    expect(columnsUnder(statements[0]!, 't0')).toEqual(['id']);
    expect(columnsUnder(statements[0]!, 'k1')).toEqual(['id', 'isbn']);
  });
});
