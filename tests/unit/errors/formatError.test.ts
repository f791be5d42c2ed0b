// Error masking: only safe errors reach clients as they are; everything else
// becomes INTERNAL_SERVER_ERROR with an id, and the original is logged with
// the same id so an operator can find what a user quotes.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFormatError } from '../../../src/errors/formatError.ts';
import { badUserInput, GatewayError } from '../../../src/errors/GatewayError.ts';

/** A formatError whose log lines are captured as parsed JSON. */
function capture() {
  const lines: Record<string, any>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { formatError: createFormatError(logger), lines };
}

/** What graphql-js makes of an error thrown by the resolver at `path`. */
function fromResolver(thrown: Error, path: (string | number)[]): GraphQLError {
  return new GraphQLError(thrown.message, { path, originalError: thrown });
}

/** Apollo's formatted error, with the stacktrace it adds in development. */
function formatted(error: GraphQLError, code: string): GraphQLFormattedError {
  return { ...error.toJSON(), extensions: { ...error.extensions, code, stacktrace: ['Error: …', '    at resolver'] } };
}

describe('formatError', () => {
  it('masks an unexpected error as INTERNAL_SERVER_ERROR with an error id, and logs the original with that id', () => {
    const { formatError, lines } = capture();
    const thrown = new Error('relation "Book" does not exist at character 15: SELECT * FROM "Book"');
    const error = fromResolver(thrown, ['books']);

    const result = formatError(formatted(error, 'INTERNAL_SERVER_ERROR'), error);

    const errorId = result.extensions?.errorId as string;
    expect(errorId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(result).toEqual({
      message: `Internal server error (error id ${errorId})`,
      locations: undefined,
      path: ['books'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'masked error',
      errorId,
      path: ['books'],
      err: { type: 'Error', message: 'relation "Book" does not exist at character 15: SELECT * FROM "Book"' },
    });
    expect(lines[0]!.err.stack).toContain('formatError.test.ts');
  });

  it('gives each masked error its own id', () => {
    const { formatError, lines } = capture();
    const error = fromResolver(new Error('boom'), ['a']);
    const first = formatError(formatted(error, 'INTERNAL_SERVER_ERROR'), error);
    const second = formatError(formatted(error, 'INTERNAL_SERVER_ERROR'), error);
    expect(first.extensions?.errorId).not.toBe(second.extensions?.errorId);
    expect(lines.map((l) => l.errorId)).toEqual([first.extensions?.errorId, second.extensions?.errorId]);
  });

  it('masks a resolver error that merely claims a safe code', () => {
    const { formatError, lines } = capture();
    const thrown = new GraphQLError('password for user admin is wrong', { extensions: { code: 'BAD_USER_INPUT' } });
    const error = fromResolver(thrown, ['login']);
    const result = formatError(formatted(error, 'BAD_USER_INPUT'), error);
    expect(result.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(result.message).not.toContain('password');
    expect(lines).toHaveLength(1);
  });

  it('passes a GatewayError thrown by a resolver through, without its stacktrace, and logs nothing', () => {
    const { formatError, lines } = capture();
    const error = fromResolver(badUserInput('"first" must be between 0 and 100, got 101', { argument: 'first' }), [
      'books',
    ]);

    expect(formatError(formatted(error, 'BAD_USER_INPUT'), error)).toEqual({
      message: '"first" must be between 0 and 100, got 101',
      locations: undefined,
      path: ['books'],
      extensions: { argument: 'first', code: 'BAD_USER_INPUT' },
    });
    expect(lines).toEqual([]);
  });

  it('passes a GatewayError raised outside any resolver through as it is', () => {
    const { formatError } = capture();
    const error = new GatewayError('OUT_OF_STOCK', 'Not enough copies of book 3 in stock', { bookId: '3' });
    expect(formatError(formatted(error, 'OUT_OF_STOCK'), error)).toEqual({
      message: 'Not enough copies of book 3 in stock',
      extensions: { bookId: '3', code: 'OUT_OF_STOCK' },
    });
  });

  it("passes errors in the client's own document through, without a stacktrace", () => {
    const { formatError, lines } = capture();
    const error = new GraphQLError('Cannot query field "titel" on type "Book".', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(formatError(formatted(error, 'GRAPHQL_VALIDATION_FAILED'), error)).toEqual({
      message: 'Cannot query field "titel" on type "Book".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(lines).toEqual([]);
  });
});
