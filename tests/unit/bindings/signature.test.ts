import { describe, expect, it } from 'vitest';
import { signature } from '../../../src/bindings/signature.ts';

describe('signature', () => {
  it('is the JSON of a filter without BigInts', () => {
    const where = { title: { contains: 'x' }, pages: { gt: 3 }, OR: [{ id: 1 }, { id: 2 }] };
    expect(signature(where)).toBe(JSON.stringify(where));
    expect(signature(undefined)).toBe('null');
  });

  it('writes BigInt values as 123n, anywhere in the value', () => {
    expect(signature({ id: { in: [1n, 2n] }, AND: [{ big: 9007199254740993n }] })).toBe(
      '{"id":{"in":["1n","2n"]},"AND":[{"big":"9007199254740993n"}]}',
    );
  });

  it('still refuses a value JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => signature(cyclic)).toThrow(TypeError);
  });
});
