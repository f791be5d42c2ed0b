// Call templates: parsed at startup, rendered per call with every value
// percent-encoded, so an argument can never add a path segment or a parameter.
import { describe, expect, it } from 'vitest';
import { parseCall, renderCall } from '../../../../src/bindings/http/template.ts';
import type { Placeholder } from '../../../../src/bindings/http/httpPlan.ts';

const values =
  (v: Record<string, unknown>) =>
  (p: Placeholder): unknown =>
    v[`${p.from}.${p.name}`];

describe('call templates', () => {
  it('splits path and query and fills placeholders', () => {
    const call = parseCall('/stock/{$parent.isbn}?currency={$args.currency}&fixed=1');
    expect(renderCall(call, values({ 'parent.isbn': '978-3', 'args.currency': 'USD' }))).toBe(
      '/stock/978-3?currency=USD&fixed=1',
    );
  });

  it('percent-encodes values so they cannot change the path or add parameters', () => {
    const call = parseCall('/items/{$args.id}?q={$args.q}');
    expect(renderCall(call, values({ 'args.id': '../admin?x=1', 'args.q': 'a&b=c #d' }))).toBe(
      '/items/..%2Fadmin%3Fx%3D1?q=a%26b%3Dc%20%23d',
    );
  });

  it('leaves out a query parameter whose value is null, and gives null for a null path value', () => {
    const call = parseCall('/books/{$args.id}?after={$args.after}');
    expect(renderCall(call, values({ 'args.id': 7, 'args.after': null }))).toBe('/books/7');
    expect(renderCall(call, values({ 'args.id': null }))).toBeNull();
  });

  it('joins list values with commas, each encoded', () => {
    expect(renderCall(parseCall('/x?ids={$args.ids}'), values({ 'args.ids': ['a,b', 'c'] }))).toBe('/x?ids=a%2Cb,c');
  });

  it('skips the parameter a batch fills itself', () => {
    expect(renderCall(parseCall('/stock?isbn={$parent.isbn}&w=1'), values({ 'parent.isbn': 'x' }), 'isbn')).toBe(
      '/stock?w=1',
    );
  });

  it('refuses templates it cannot render', () => {
    expect(() => parseCall('stock')).toThrow('must start with "/"');
    expect(() => parseCall('/stock/{isbn}')).toThrow('"{isbn}" is not a placeholder');
    expect(() => parseCall('/stock/{$parent.isbn')).toThrow('unbalanced');
  });
});
