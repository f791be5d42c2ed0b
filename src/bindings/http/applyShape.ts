// Turns what a selection path reached in a response into the value of the
// field's GraphQL type, eagerly: every scalar converted, every non-null
// checked. A response that does not fit fails here with a message naming the
// field, instead of as an anonymous "cannot return null" during execution.
import type { ItemShape, Shape } from './httpPlan.ts';
import { isXmlElement, selectField, selectPath } from './selectPath.ts';

/** The response does not fit the declared type; becomes UPSTREAM_BAD_RESPONSE. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

const intPattern = /^[+-]?\d+$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function convertScalar(raw: unknown, scalar: string, at: string): unknown {
  const value = isXmlElement(raw) ? raw.text : raw;
  const fail = (): never => {
    throw new ShapeError(`${at}: ${describe(value)} is not a valid ${scalar}`);
  };
  switch (scalar) {
    case 'String':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : fail();
    case 'ID':
      return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : fail();
    case 'Int': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && intPattern.test(value.trim())
            ? Number(value)
            : NaN;
      return Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 ? n : fail();
    }
    case 'Float': {
      const n =
        typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(n) ? n : fail();
    }
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      return fail();
    case 'DateTime': {
      if (typeof value !== 'string') return fail();
      // A date alone (the ECB's `time="2026-11-23"`) is taken as midnight UTC.
      const text = datePattern.test(value) ? `${value}T00:00:00Z` : value;
      const date = new Date(text);
      return dateTimePattern.test(text) && !Number.isNaN(date.getTime()) ? date : fail();
    }
    default:
      return value; // custom scalars: their own serialize() decides
  }
}

function convertItem(raw: unknown, item: ItemShape, at: string): unknown {
  switch (item.kind) {
    case 'scalar':
      return convertScalar(raw, item.scalar, at);
    case 'enum': {
      const value = isXmlElement(raw) ? raw.text : raw;
      if (typeof value === 'string' && item.values.has(value)) return value;
      throw new ShapeError(`${at}: ${describe(value)} is not a value of enum ${item.type}`);
    }
    case 'object': {
      const isObject = isXmlElement(raw) || (typeof raw === 'object' && raw !== null && !Array.isArray(raw));
      if (!isObject) throw new ShapeError(`${at}: expected an object for ${item.type}, found ${describe(raw)}`);
      const out: Record<string, unknown> = {};
      for (const field of item.fields) {
        const nodes = field.path ? selectPath(raw, field.path) : selectField(raw, field.name);
        out[field.name] = applyShape(field.shape, nodes, `${item.type}.${field.name}`);
      }
      return out;
    }
  }
}

/** The field's value from every node its path reached; throws ShapeError when they do not fit. */
export function applyShape(shape: Shape, nodes: unknown[], at: string): unknown {
  if (shape.list) {
    // A JSON array reached by the path is the list; repeated XML elements are
    // too. Nothing reached is an empty list (zero repeated elements).
    const items = nodes.flatMap((n) => (Array.isArray(n) ? n : [n]));
    return items.map((raw, i) => {
      if (raw === null || raw === undefined) {
        if (shape.itemNonNull) throw new ShapeError(`${at}[${i}]: null where the type requires a value`);
        return null;
      }
      return convertItem(raw, shape.item, `${at}[${i}]`);
    });
  }
  const raw = nodes[0];
  if (raw === null || raw === undefined) {
    if (shape.nonNull) throw new ShapeError(`${at}: no value where the type requires one`);
    return null;
  }
  if (Array.isArray(raw)) throw new ShapeError(`${at}: expected one value, found a list`);
  return convertItem(raw, shape.item, at);
}
