// Keyset (seek) pagination. A cursor holds the ordering it was made for and
// the row's values in that ordering's columns (the id last, as tie-breaker),
// so a page boundary survives inserts and deletes and costs an index seek, not
// an OFFSET scan. Cursors are opaque to clients and fully validated on return.
import { badUserInput } from '../errors/GatewayError.ts';
import type { OrderBy, Row, Where } from '../sources/prisma/batch.ts';
import type { ModelField } from '../sources/prisma/datamodel.ts';

export interface OrderItem {
  field: ModelField;
  direction: 'asc' | 'desc';
}

/** Prisma orderBy for the items; nulls sort last going forward, first going back. */
export function toPrismaOrderBy(items: OrderItem[], backward: boolean): OrderBy {
  return items.map(({ field, direction }) => {
    const dir = backward ? (direction === 'asc' ? 'desc' : 'asc') : direction;
    return { [field.name]: field.isRequired ? dir : { sort: dir, nulls: backward ? 'first' : 'last' } };
  });
}

export function orderSignature(items: OrderItem[]): string {
  return items.map((i) => `${i.field.name}:${i.direction}`).join(',');
}

export function encodeCursor(items: OrderItem[], row: Row): string {
  const values = items.map(({ field }) => {
    const v = row[field.name];
    return v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : v;
  });
  return Buffer.from(JSON.stringify([orderSignature(items), ...values])).toString('base64url');
}

/** The column values a cursor holds, typed per column; BAD_USER_INPUT if it is not ours. */
export function decodeCursor(items: OrderItem[], cursor: string, arg: string): unknown[] {
  const invalid = (why: string) => badUserInput(`Invalid cursor in "${arg}": ${why}`, { argument: arg });
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor this API returned');
  }
  if (!Array.isArray(decoded) || typeof decoded[0] !== 'string') throw invalid('not a cursor this API returned');
  // Checked before the length: a cursor of another ordering has other columns.
  if (decoded[0] !== orderSignature(items)) throw invalid('it was made for a different orderBy');
  if (decoded.length !== items.length + 1) throw invalid('not a cursor this API returned');
  return items.map(({ field }, i) => {
    const v: unknown = decoded[i + 1];
    if (v === null && !field.isRequired) return null;
    switch (field.type) {
      case 'DateTime': {
        const date = typeof v === 'string' ? new Date(v) : undefined;
        if (date && !Number.isNaN(date.getTime())) return date;
        break;
      }
      // An Int column is 32-bit: a fraction or a larger number would reach
      // Prisma as a validation error, masked as a server error.
      case 'Int':
        if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return v;
        break;
      case 'Float':
      case 'Decimal':
        if (typeof v === 'number' && Number.isFinite(v)) return v;
        break;
      case 'BigInt':
        if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
        break;
      case 'Boolean':
        if (typeof v === 'boolean') return v;
        break;
      default:
        if (typeof v === 'string') return v;
    }
    throw invalid(`bad value for ${field.name}`);
  });
}

// Rows strictly after `value` in one column's order, or null when none can be.
function afterValue(item: OrderItem, value: unknown, backward: boolean): Where | null {
  const asc = (item.direction === 'asc') !== backward;
  const nullsLast = !backward; // matches toPrismaOrderBy
  const column = item.field.name;
  if (value === null) return nullsLast ? null : { [column]: { not: null } };
  const strictly: Where = { [column]: { [asc ? 'gt' : 'lt']: value } };
  return !item.field.isRequired && nullsLast ? { OR: [strictly, { [column]: null }] } : strictly;
}

/**
 * The filter for rows strictly after the cursor values (before them when
 * `backward`): (a > x) OR (a = x AND b > y) OR … for the ordering (a, b, …).
 */
export function seekWhere(items: OrderItem[], values: unknown[], backward: boolean): Where {
  const branches: Where[] = [];
  items.forEach((item, i) => {
    const after = afterValue(item, values[i], backward);
    if (!after) return;
    const equal = items
      .slice(0, i)
      .map((prev, j) => ({ [prev.field.name]: values[j] === null ? null : { equals: values[j] } }));
    branches.push(equal.length ? { AND: [...equal, after] } : after);
  });
  // No branch: nothing can follow the cursor. An always-false filter keeps the query valid.
  return branches.length ? { OR: branches } : { [items.at(-1)!.field.name]: { in: [] } };
}
