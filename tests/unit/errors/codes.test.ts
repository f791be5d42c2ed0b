// docs/errors.md and the code registry must list the same codes with the same
// HTTP statuses: the documentation is the contract clients program against.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, httpStatusOf } from '../../../src/errors/codes.ts';

const rows = [...readFileSync('docs/errors.md', 'utf8').matchAll(/^\| `([A-Z_]+)` +\| (\d{3}) +\|/gm)].map(
  ([, code, status]) => [code, Number(status)] as const,
);

describe('error code registry', () => {
  it('documents every code in docs/errors.md with its HTTP status, and nothing else', () => {
    expect(Object.fromEntries(rows)).toEqual(httpStatusOf);
    expect(rows).toHaveLength(Object.keys(ErrorCode).length);
  });

  it('names each code after itself', () => {
    for (const [key, value] of Object.entries(ErrorCode)) expect(value).toBe(key);
  });
});
