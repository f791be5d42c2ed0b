// @create, @update and @delete: rows written are there afterwards; inputs that
// break @constraint, null or empty rules fail before any statement; refusals
// by the database (duplicates, missing rows, dangling references) are safe
// errors with stable codes.
import { describe, expect, it } from 'vitest';
import { testProviders } from '../helpers/databases.ts';
import { useTestGateway } from '../helpers/gateway.ts';

const createBook = /* GraphQL */ `
  mutation ($input: CreateBookInput!) {
    createBook(input: $input) {
      id
      isbn
      title
      pages
      priceCents
      stockQuantity
      author {
        id
      }
    }
  }
`;
const bookInput = (over: Record<string, unknown> = {}) => ({
  isbn: '9780306406157',
  title: 'Ship of Theseus',
  pages: 456,
  priceCents: 2599,
  authorId: '2',
  ...over,
});

/** A whole-operation error as the client receives it: data null, one error at `path` (line 3 in createBook's document, 2 in the others). */
const failure = (path: string, message: string, extensions: Record<string, unknown>) => ({
  data: null,
  errors: [
    {
      message,
      path: [path],
      locations: [{ line: path === 'createBook' ? 3 : 2, column: expect.any(Number) }],
      extensions,
    },
  ],
});

describe.each(await testProviders())('mutations on %s', (provider) => {
  const t = useTestGateway(provider);

  async function run(query: string, variables?: Record<string, unknown>) {
    const { data, errors } = await t.gateway.query(query, variables);
    return { data, errors };
  }

  it('creates a book, returns it with its author, and commits it', async () => {
    const res = await run(createBook, { input: bookInput() });
    expect(res.errors).toBeUndefined();
    const id = res.data.createBook.id;
    expect(res.data.createBook).toEqual({
      id,
      isbn: '9780306406157',
      title: 'Ship of Theseus',
      pages: 456,
      priceCents: 2599,
      stockQuantity: 0,
      author: { id: '2' },
    });
    expect(await t.database.db.book.findUnique({ where: { id: Number(id) } })).toMatchObject({
      title: 'Ship of Theseus',
      authorId: 2,
    });
    const read = await run(`{ book(isbn: "9780306406157") { id title } }`);
    expect(read.data).toEqual({ book: { id, title: 'Ship of Theseus' } });
  });

  it('creates, updates and deletes an author', async () => {
    const created = await run(
      `mutation { createAuthor(input: { name: "Mary Shelley", born: "1797-08-30T00:00:00Z" }) { id name bio born } }`,
    );
    const id = created.data.createAuthor.id;
    expect(created.data.createAuthor).toEqual({
      id,
      name: 'Mary Shelley',
      bio: null,
      born: '1797-08-30T00:00:00.000Z',
    });

    const updated = await run(
      `mutation($id: ID!) { updateAuthor(id: $id, input: { bio: "Wrote Frankenstein." }) { name bio } }`,
      { id },
    );
    expect(updated).toEqual({
      data: { updateAuthor: { name: 'Mary Shelley', bio: 'Wrote Frankenstein.' } },
      errors: undefined,
    });

    const cleared = await run(`mutation($id: ID!) { updateAuthor(id: $id, input: { bio: null }) { bio } }`, { id });
    expect(cleared.data).toEqual({ updateAuthor: { bio: null } });

    const deleted = await run(`mutation($id: ID!) { deleteAuthor(id: $id) { id name } }`, { id });
    expect(deleted.data).toEqual({ deleteAuthor: { id, name: 'Mary Shelley' } });
    expect(await t.database.db.author.findUnique({ where: { id: Number(id) } })).toBeNull();
  });

  it('creates and deletes a review, with and without a customer', async () => {
    const res =
      await run(`mutation { a: createReview(input: { bookId: "5", customerId: "3", rating: 5, body: "Superb." }) { id rating book { id } customer { id } }
      b: createReview(input: { bookId: "5", rating: 1, body: "Dull." }) { id customer { id } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.a).toMatchObject({ rating: 5, book: { id: '5' }, customer: { id: '3' } });
    expect(res.data.b.customer).toBeNull();
    const del = await run(`mutation($id: ID!) { deleteReview(id: $id) { body } }`, { id: res.data.a.id });
    expect(del.data).toEqual({ deleteReview: { body: 'Superb.' } });
    expect(await t.database.db.review.count({ where: { id: Number(res.data.a.id) } })).toBe(0);
  });

  it('updates only the fields given', async () => {
    const before = await t.database.db.book.findUniqueOrThrow({ where: { id: 10 } });
    const res = await run(`mutation { updateBook(id: "10", input: { priceCents: 1234 }) { title priceCents pages } }`);
    expect(res.data).toEqual({ updateBook: { title: before.title, priceCents: 1234, pages: before.pages } });
    expect(await t.database.db.book.findUniqueOrThrow({ where: { id: 10 } })).toEqual({ ...before, priceCents: 1234 });
  });

  describe('input checks, before any statement', () => {
    it('rejects an isbn that does not match its pattern', async () => {
      expect(await run(createBook, { input: bookInput({ isbn: '12345' }) })).toEqual(
        failure('createBook', 'CreateBookInput.isbn must match ^(97[89])?\\d{9}[\\dX]$', {
          code: 'BAD_USER_INPUT',
          field: 'CreateBookInput.isbn',
        }),
      );
      expect(t.database.statements).toEqual([]);
    });

    it('rejects an empty title', async () => {
      expect(await run(createBook, { input: bookInput({ title: '' }) })).toEqual(
        failure('createBook', 'CreateBookInput.title must be at least 1 characters', {
          code: 'BAD_USER_INPUT',
          field: 'CreateBookInput.title',
        }),
      );
      expect(t.database.statements).toEqual([]);
    });

    it('rejects a rating outside 1..5', async () => {
      const q = `\n mutation($r: Int!) { createReview(input: { bookId: "1", rating: $r, body: "x" }) { id } }`;
      expect(await run(q, { r: 6 })).toEqual(
        failure('createReview', 'CreateReviewInput.rating must be at most 5', {
          code: 'BAD_USER_INPUT',
          field: 'CreateReviewInput.rating',
        }),
      );
      expect(await run(q, { r: 0 })).toEqual(
        failure('createReview', 'CreateReviewInput.rating must be at least 1', {
          code: 'BAD_USER_INPUT',
          field: 'CreateReviewInput.rating',
        }),
      );
      expect(t.database.statements).toEqual([]);
    });

    it('rejects null for a required column in an update', async () => {
      expect(await run(`\n mutation { updateBook(id: "1", input: { title: null }) { id } }`)).toEqual(
        failure('updateBook', 'UpdateBookInput.title cannot be null', {
          code: 'BAD_USER_INPUT',
          field: 'UpdateBookInput.title',
        }),
      );
      expect(t.database.statements).toEqual([]);
    });

    it('rejects an update that sets no field', async () => {
      expect(await run(`\n mutation { updateBook(id: "1", input: {}) { id } }`)).toEqual(
        failure('updateBook', 'Mutation.updateBook: input sets no field', { code: 'BAD_USER_INPUT' }),
      );
      expect(t.database.statements).toEqual([]);
    });

    it('rejects an id that is not a number', async () => {
      expect(await run(`\n mutation { deleteBook(id: "1; DROP TABLE Book") { id } }`)).toEqual(
        failure('deleteBook', 'Mutation.deleteBook(id:): "1; DROP TABLE Book" is not a valid ID', {
          code: 'BAD_USER_INPUT',
          argument: 'Mutation.deleteBook(id:)',
        }),
      );
      expect(await run(`\n mutation { updateBook(id: "2147483648", input: { title: "x" }) { id } }`)).toEqual(
        failure('updateBook', 'Mutation.updateBook(id:): "2147483648" is not a valid ID', {
          code: 'BAD_USER_INPUT',
          argument: 'Mutation.updateBook(id:)',
        }),
      );
      expect(t.database.statements).toEqual([]);
    });
  });

  describe('database refusals', () => {
    it('answers CONFLICT for a duplicate isbn and writes nothing', async () => {
      const { isbn } = await t.database.db.book.findUniqueOrThrow({ where: { id: 1 } });
      const count = await t.database.db.book.count();
      expect(await run(createBook, { input: bookInput({ isbn }) })).toEqual(
        failure('createBook', 'A Book with the same unique value already exists', { code: 'CONFLICT', model: 'Book' }),
      );
      expect(await t.database.db.book.count()).toBe(count);
    });

    it('answers CONFLICT for a book whose author does not exist', async () => {
      const count = await t.database.db.book.count();
      expect(await run(createBook, { input: bookInput({ isbn: '9780000000019', authorId: '9999' }) })).toEqual(
        failure('createBook', 'Book refers to a row that does not exist, or is still referenced by other rows', {
          code: 'CONFLICT',
          model: 'Book',
        }),
      );
      expect(await t.database.db.book.count()).toBe(count);
    });

    it('answers NOT_FOUND when updating or deleting an id that does not exist', async () => {
      expect(await run(`\n mutation { updateBook(id: "99999", input: { title: "Nope" }) { id } }`)).toEqual(
        failure('updateBook', 'Book not found', { code: 'NOT_FOUND', model: 'Book' }),
      );
      expect(await run(`\n mutation { deleteAuthor(id: "99999") { id } }`)).toEqual(
        failure('deleteAuthor', 'Author not found', { code: 'NOT_FOUND', model: 'Author' }),
      );
      expect(await run(`\n mutation { deleteReview(id: "99999") { id } }`)).toEqual(
        failure('deleteReview', 'Review not found', { code: 'NOT_FOUND', model: 'Review' }),
      );
    });

    it('deletes an author together with their books and the reviews of those books', async () => {
      const books = await t.database.db.book.findMany({ where: { authorId: 4 }, select: { id: true } });
      expect(books).toHaveLength(5);
      const res = await run(`mutation { deleteAuthor(id: "4") { id name } }`);
      expect(res.errors).toBeUndefined();
      expect(res.data.deleteAuthor.id).toBe('4');
      expect(await t.database.db.book.count({ where: { authorId: 4 } })).toBe(0);
      expect(await t.database.db.review.count({ where: { bookId: { in: books.map((b) => b.id) } } })).toBe(0);
      expect((await run(`{ author(id: "4") { id } }`)).data).toEqual({ author: null });
    });

    it('answers CONFLICT when deleting a book that order lines still refer to', async () => {
      await t.database.db.order.create({
        data: { customerId: 1, totalCents: 100, lines: { create: [{ bookId: 12, quantity: 1, unitPriceCents: 100 }] } },
      });
      expect(await run(`\n mutation { deleteBook(id: "12") { id } }`)).toEqual(
        failure('deleteBook', 'Book refers to a row that does not exist, or is still referenced by other rows', {
          code: 'CONFLICT',
          model: 'Book',
        }),
      );
      expect(await t.database.db.book.count({ where: { id: 12 } })).toBe(1);
    });
  });
});
