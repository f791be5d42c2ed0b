// A page reads one row past its limit only when the client selects pageInfo,
// the one field that tells whether more rows exist. Without it the extra row
// is waste (a tenth more rows at first: 10, compounding per level). The
// answers must not change either way.
import { describe, expect, it } from 'vitest';
import { testProviders } from '../helpers/databases.ts';
import { useTestGateway } from '../helpers/gateway.ts';

const sizes = { authors: 6, booksPerAuthor: 5, reviewsPerBook: 3, customers: 2 };

describe.each(await testProviders())('page lookahead on %s', (provider) => {
  const t = useTestGateway(provider, { seed: sizes });

  async function query(document: string) {
    t.database.statements.length = 0;
    t.database.statementArgs.length = 0;
    const res = await t.gateway.query(document);
    expect(res.errors).toBeUndefined();
    return res.data;
  }
  // Every page size (the root's and each relation's) as the SQL read path
  // sends it: on Postgres written into the statement (a LIMIT, or the rank a
  // batched relation cuts at; sqlStatement.ts says why), on SQLite bound as an
  // integer parameter, where nothing else here is an integer (relation keys
  // travel as one JSON text).
  const limits = () =>
    (provider === 'postgres'
      ? t.database.statements.flatMap((sql) =>
          [...sql.matchAll(/(?:LIMIT|"switchyard_rank" <=) (\d+)/g)].map((m) => Number(m[1])),
        )
      : t.database.statementArgs.flatMap((args) => args.filter((a): a is number => typeof a === 'number'))
    ).sort((a, b) => a - b);

  it('reads exactly the page when pageInfo is not selected', async () => {
    const data = await query('{ authors(first: 4) { nodes { id books(first: 2) { nodes { id } } } } }');
    expect(data.authors.nodes).toHaveLength(4);
    for (const author of data.authors.nodes) expect(author.books.nodes).toHaveLength(2);
    expect(limits()).toEqual([2, 4]);
  });

  it('reads one row more when pageInfo is selected, directly or through a fragment', async () => {
    const data = await query(`{
      authors(first: 4) { ...more nodes { id books(first: 2) { pageInfo { hasNextPage } nodes { id } } } }
    }
    fragment more on AuthorConnection { pageInfo { hasNextPage } }`);
    expect(data.authors.pageInfo.hasNextPage).toBe(true);
    for (const author of data.authors.nodes) {
      expect(author.books.nodes).toHaveLength(2);
      expect(author.books.pageInfo.hasNextPage).toBe(true);
    }
    expect(limits()).toEqual([3, 5]);
  });

  it('answers a last page the same with and without pageInfo', async () => {
    const bare = await query('{ authors(first: 6) { nodes { id } } books(last: 3) { nodes { id } } }');
    const full = await query(
      '{ authors(first: 6) { pageInfo { hasNextPage } nodes { id } } books(last: 3) { pageInfo { hasPreviousPage } nodes { id } } }',
    );
    expect(bare.authors.nodes).toEqual(full.authors.nodes);
    expect(bare.books.nodes).toEqual(full.books.nodes);
    // Exactly six authors exist: no next page, though six were asked for.
    expect(full.authors.pageInfo.hasNextPage).toBe(false);
    expect(full.books.pageInfo.hasPreviousPage).toBe(true);
  });

  it('keeps the loader path to the page size', async () => {
    const lookup = await query('{ author(id: 1) { books(first: 3) { nodes { id } } } }');
    expect(lookup.author.books.nodes).toHaveLength(3);
    // The lookup's relation goes through its loader (one batched statement).
    expect(limits()).toEqual([3]);
  });
});
