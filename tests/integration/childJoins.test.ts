// A root list reads its to-many relations within its own statement on
// Postgres (each parent's page as a correlated subquery) and primes the
// loaders their resolvers ask. The answers must be exactly those of the
// loader path, which `author(id:)` takes (a lookup, not a list): every
// argument form, aliases, variables, and relations the SQL path declines.
import { describe, expect, it } from 'vitest';
import { testProviders } from '../helpers/databases.ts';
import { useTestGateway } from '../helpers/gateway.ts';

const sizes = { authors: 8, booksPerAuthor: 5, reviewsPerBook: 3, customers: 3 };

// One author's relation selection, asked of the list and of a lookup.
const selections = [
  'books(first: 2) { pageInfo { hasNextPage endCursor } edges { cursor node { id title } } }',
  'books(first: 3, orderBy: [{ title: DESC }]) { nodes { id title pages } }',
  'books(last: 2) { pageInfo { hasPreviousPage startCursor } nodes { id } }',
  'books(first: 10, where: { pages: { gt: 150 } }) { totalCount nodes { id pages } }',
  'books(first: 2) { nodes { id reviews(first: 2, orderBy: [{ rating: DESC }]) { nodes { id rating } } } }',
  'books(first: 0) { pageInfo { hasNextPage } nodes { id } }',
];

describe.each(await testProviders())('to-many relations read with their list on %s', (provider) => {
  const t = useTestGateway(provider, { seed: sizes });

  async function query(document: string, variables?: Record<string, unknown>) {
    t.database.statements.length = 0;
    const res = await t.gateway.query(document, variables);
    expect(res.errors).toBeUndefined();
    return { data: res.data, statements: [...t.database.statements] };
  }

  it.each(selections)('answers %s as the loader path does', async (selection) => {
    const list = await query(`{ authors(first: 8) { nodes { id ${selection} } } }`);
    expect(list.data.authors.nodes).toHaveLength(8);
    // Postgres: one statement for authors and their relations, and none per author.
    if (provider === 'postgres') expect(list.statements.filter((s) => !s.includes('count'))).toHaveLength(1);
    for (const author of list.data.authors.nodes) {
      const one = await query(`{ author(id: ${author.id}) { id ${selection} } }`);
      expect(author).toEqual(one.data.author);
    }
  });

  it('gives joined rows their foreign key, which the JSON leaves out, for the to-one fields that follow it', async () => {
    const selection =
      'books(first: 2) { nodes { id author { id name } reviews(first: 2) { nodes { id book { id title } } } } }';
    const list = await query(`{ authors(first: 8) { nodes { id ${selection} } } }`);
    // Postgres: the lists in one statement; Book.author and Review.book each one batched lookup.
    if (provider === 'postgres') expect(list.statements).toHaveLength(3);
    for (const author of list.data.authors.nodes) {
      for (const book of author.books.nodes) {
        expect(book.author.id).toBe(author.id);
        for (const review of book.reviews.nodes) expect(review.book.id).toBe(book.id);
      }
      const one = await query(`{ author(id: ${author.id}) { id ${selection} } }`);
      expect(author).toEqual(one.data.author);
    }
  });

  it('takes the page arguments from variables', async () => {
    const document = `query ($n: Int!, $after: String) {
      authors(first: 3) { nodes { id books(first: $n, after: $after) { nodes { id } } } }
    }`;
    const first = await query(document, { n: 2 });
    const cursor = (
      await query(`{ author(id: ${first.data.authors.nodes[0].id}) { books(first: 2) { pageInfo { endCursor } } } }`)
    ).data.author.books.pageInfo.endCursor;
    const next = await query(document, { n: 2, after: cursor });
    const expected = await query(
      `{ author(id: ${first.data.authors.nodes[0].id}) { books(first: 2, after: "${cursor}") { nodes { id } } } }`,
    );
    expect(next.data.authors.nodes[0].books).toEqual(expected.data.author.books);
    expect(next.data.authors.nodes[0].books.nodes).toHaveLength(2);
  });

  it('loads a relation selected under two aliases with different arguments on its own', async () => {
    const { data, statements } = await query(`{ authors(first: 4) { nodes {
      id few: books(first: 1) { nodes { id } } many: books(first: 4) { nodes { id } }
    } } }`);
    for (const author of data.authors.nodes) {
      const one = await query(
        `{ author(id: ${author.id}) { few: books(first: 1) { nodes { id } } many: books(first: 4) { nodes { id } } } }`,
      );
      expect({ few: author.few, many: author.many }).toEqual(one.data.author);
    }
    // authors, then one batched statement per alias: nothing to join into one.
    expect(statements).toHaveLength(3);
  });

  it('leaves a relation whose filter the SQL path cannot express to its loader, with the same answer', async () => {
    const selection = 'books(first: 5, where: { title: { contains: "a" } }) { nodes { id title } }';
    const { data, statements } = await query(`{ authors(first: 4) { nodes { id ${selection} } } }`);
    // The authors' own statement still reads them; the books come from one batched Prisma statement.
    expect(statements).toHaveLength(2);
    for (const author of data.authors.nodes) {
      const one = await query(`{ author(id: ${author.id}) { id ${selection} } }`);
      expect(author).toEqual(one.data.author);
    }
  });
});
