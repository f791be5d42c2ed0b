// @constraint lengths count characters as a reader does (code points), so an
// emoji is one character, and a lone surrogate still counts as one.
import { describe, expect, it } from 'vitest';
import { checkConstraint } from '../../../src/bindings/values.ts';

const fits = (rule: { minLength?: number; maxLength?: number }, value: string) => {
  try {
    checkConstraint(rule, value, 'Input.text');
    return true;
  } catch {
    return false;
  }
};

describe('checkConstraint lengths', () => {
  it.each([
    ['plain text', 'abc'],
    ['emoji (surrogate pairs)', '😀👍🏽x'],
    ['a lone high surrogate at the end', 'ab\ud83d'],
    ['a lone low surrogate', 'a\ude00b'],
    ['a high surrogate before a non-surrogate', '\ud83dab'],
    ['accents, combined and precomposed', 'e\u0301é'],
  ])('counts %s as [...value] does', (_, value) => {
    const length = [...value].length;
    expect(fits({ maxLength: length }, value)).toBe(true);
    expect(fits({ maxLength: length - 1 }, value)).toBe(false);
    expect(fits({ minLength: length }, value)).toBe(true);
    expect(fits({ minLength: length + 1 }, value)).toBe(false);
  });

  it('refuses with BAD_USER_INPUT naming the field and the bound', () => {
    expect(() => checkConstraint({ maxLength: 2 }, '😀😀😀', 'Input.text')).toThrow(
      'Input.text must be at most 2 characters',
    );
  });
});
