// JSON bodies: values come back as JSON.parse makes them; hostile bodies
// (malformed, invalid UTF-8, nested without end, prototype keys) become
// UPSTREAM_BAD_RESPONSE with a message a client may see, or decode harmlessly.
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../../src/sources/http/decode/decodeBody.ts';
import { UpstreamError } from '../../../../src/sources/http/types.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

function decode(text: string | Uint8Array): unknown {
  return decodeBody('json', typeof text === 'string' ? utf8(text) : text, 'inventory');
}

/** The UpstreamError decoding throws; fails the test when it throws nothing. */
function failure(text: string | Uint8Array): UpstreamError {
  try {
    decode(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  }
  throw new Error('expected decoding to fail');
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('decodeBody (json)', () => {
  it('decodes a stock response as JSON.parse does', () => {
    const body = '{"items":[{"isbn":"9781000000001","available":12,"warehouse":{"code":"BER"},"note":null}]}';
    expect(decode(body)).toEqual(JSON.parse(body));
  });

  it('drops a leading byte order mark', () => {
    expect(decode(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"a":"é"}')]))).toEqual({ a: 'é' });
  });

  it('refuses a body that is not valid UTF-8', () => {
    const error = failure(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]));
    expect([error.code, error.source, error.message]).toEqual([
      'UPSTREAM_BAD_RESPONSE',
      'inventory',
      'inventory sent a body that is not valid UTF-8',
    ]);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it.each([
    ['{"available": }', "inventory sent malformed JSON: Unexpected token '}' in JSON"],
    ['[1, 2', "inventory sent malformed JSON: Expected ',' or ']' after array element in JSON at position 5"],
    ['{"a":1} {"b":2}', 'inventory sent malformed JSON: Unexpected non-whitespace character after JSON at position 8'],
    ['', 'inventory sent malformed JSON: Unexpected end of JSON input'],
  ])('refuses malformed JSON %j with a message that names the source', (body, message) => {
    const error = failure(body);
    expect([error.code, error.message]).toEqual(['UPSTREAM_BAD_RESPONSE', message]);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('keeps the body out of the message (it is for clients), but in the cause (for logs)', () => {
    const error = failure('[4711,}');
    expect(error.message).toBe("inventory sent malformed JSON: Unexpected token '}' in JSON");
    expect((error.cause as Error).message).toContain('4711');
  });

  it('accepts 64 levels of nesting and refuses 65', () => {
    expect(decode(nested(64))).toBeInstanceOf(Array);
    expect(failure(nested(65)).message).toBe('inventory sent JSON nested deeper than 64 levels');
    expect(failure('{"a":'.repeat(65) + '1' + '}'.repeat(65)).message).toBe(
      'inventory sent JSON nested deeper than 64 levels',
    );
  });

  it('refuses 10 000 levels of nesting, malformed or not', () => {
    expect(failure(nested(10_000)).code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(failure('['.repeat(10_000)).message).toBe('inventory sent JSON nested deeper than 64 levels');
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const brackets = '[{'.repeat(100);
    expect(decode(`{"a":"\\"${brackets}","b":["${brackets}"]}`)).toEqual({ a: `"${brackets}`, b: [brackets] });
  });

  it('refuses a __proto__ key anywhere, and keeps constructor and prototype keys as own data', () => {
    expect(failure('{"items":[{"isbn":"1","__proto__":{"polluted":true}}]}').message).toBe(
      'inventory sent JSON with a "__proto__" key, which is refused',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The text, as a value, is fine.
    expect(decode('{"note":"__proto__"}')).toEqual({ note: '__proto__' });
    const value = decode('{"constructor":{"prototype":{"polluted":true}},"items":[{"isbn":"1"}]}') as Record<
      string,
      unknown
    >;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, 'constructor')?.value).toEqual({ prototype: { polluted: true } });
  });
});
