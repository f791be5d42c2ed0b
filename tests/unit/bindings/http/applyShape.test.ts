// Shaping: a response value becomes the declared GraphQL type, converted and
// checked eagerly, so a bad upstream value fails with a message naming the field.
import { describe, expect, it } from 'vitest';
import { applyShape, ShapeError } from '../../../../src/bindings/http/applyShape.ts';
import type { Shape } from '../../../../src/bindings/http/httpPlan.ts';
import { parsePath, selectPath } from '../../../../src/bindings/http/selectPath.ts';
import type { XmlElement } from '../../../../src/sources/http/types.ts';

const scalar = (name: string, nonNull = true): Shape => ({
  list: false,
  nonNull,
  itemNonNull: false,
  item: { kind: 'scalar', scalar: name as never },
});

function el(name: string, attributes: Record<string, string> = {}, children: XmlElement[] = [], text = ''): XmlElement {
  return { name, ns: '', attributes: Object.assign(Object.create(null), attributes), children, text };
}

describe('applyShape', () => {
  it('converts text to each built-in scalar, and refuses what does not fit', () => {
    expect(applyShape(scalar('Int'), ['42'], 'X.n')).toBe(42);
    expect(applyShape(scalar('Float'), ['1.0812'], 'X.f')).toBe(1.0812);
    expect(applyShape(scalar('Boolean'), ['true'], 'X.b')).toBe(true);
    expect(applyShape(scalar('ID'), [12], 'X.id')).toBe(12);
    expect(applyShape(scalar('DateTime'), ['2026-11-23'], 'X.d')).toEqual(new Date('2026-11-23T00:00:00Z'));
    expect(() => applyShape(scalar('Int'), ['4.5'], 'X.n')).toThrow('X.n: "4.5" is not a valid Int');
    expect(() => applyShape(scalar('Int'), [2 ** 31], 'X.n')).toThrow(ShapeError);
    expect(() => applyShape(scalar('Float'), ['abc'], 'X.f')).toThrow('not a valid Float');
    expect(() => applyShape(scalar('DateTime'), ['yesterday'], 'X.d')).toThrow('not a valid DateTime');
    expect(() => applyShape(scalar('String'), [{ a: 1 }], 'X.s')).toThrow('not a valid String');
  });

  it('checks non-null: a missing required value names the field', () => {
    expect(applyShape(scalar('Int', false), [], 'X.n')).toBeNull();
    expect(() => applyShape(scalar('Int'), [], 'Stock.available')).toThrow(
      'Stock.available: no value where the type requires one',
    );
  });

  it('reads only own keys: __proto__ and constructor in a response are data, absent keys are not inherited', () => {
    const shape: Shape = {
      list: false,
      nonNull: true,
      itemNonNull: false,
      item: {
        kind: 'object',
        type: 'T',
        fields: [
          { name: 'constructor', shape: scalar('String', false) },
          { name: 'toString', shape: scalar('String', false) },
        ],
      },
    };
    const value = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "c"}');
    expect(applyShape(shape, [value], 'Q.t')).toEqual({ constructor: 'c', toString: null });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('builds objects from XML: attributes, child element text, repeated elements as lists', () => {
    const cube = el('Cube', { time: '2026-11-23' }, [
      el('Cube', { currency: 'USD', rate: '1.0812' }),
      el('Cube', { currency: 'JPY', rate: '162.5' }),
    ]);
    const root = el('Envelope', {}, [el('Sender', {}, [el('name', {}, [], 'ECB')]), el('Cube', {}, [cube])]);
    const rate: Shape = {
      list: true,
      nonNull: true,
      itemNonNull: true,
      item: {
        kind: 'object',
        type: 'Rate',
        fields: [
          { name: 'currency', shape: scalar('String') },
          { name: 'rate', shape: scalar('Float') },
        ],
      },
    };
    const rates: Shape = {
      list: false,
      nonNull: true,
      itemNonNull: false,
      item: {
        kind: 'object',
        type: 'EuroRates',
        fields: [
          { name: 'date', path: parsePath('Cube.Cube.@time', 'xml'), shape: scalar('DateTime') },
          { name: 'publisher', path: parsePath('Sender.name', 'xml'), shape: scalar('String') },
          { name: 'rates', path: parsePath('Cube.Cube.Cube', 'xml'), shape: rate },
        ],
      },
    };
    expect(applyShape(rates, selectPath(root, []), 'Query.euroRates')).toEqual({
      date: new Date('2026-11-23T00:00:00Z'),
      publisher: 'ECB',
      rates: [
        { currency: 'USD', rate: 1.0812 },
        { currency: 'JPY', rate: 162.5 },
      ],
    });
  });

  it('matches prefixed path steps by namespace URI, not by the prefix the document used', () => {
    const root = el('Envelope', {}, [
      { ...el('name', {}, [], 'right'), ns: 'urn:a' },
      { ...el('name', {}, [], 'wrong'), ns: 'urn:b' },
    ]);
    expect(selectPath(root, parsePath('x:name', 'xml', { x: 'urn:a' }))).toMatchObject([{ text: 'right' }]);
    expect(() => parsePath('y:name', 'xml', { x: 'urn:a' })).toThrow('the prefix "y"');
  });

  it('refuses a JSON list where one value is expected', () => {
    expect(() => applyShape(scalar('Int'), [[1, 2]], 'X.n')).toThrow('expected one value, found a list');
  });
});
