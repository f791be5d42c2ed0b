// Converts client values to what a model column stores, and checks
// @constraint rules, before any source is called. GraphQL IDs arrive as
// strings; an integer key column needs a number, and a malformed ID is the
// client's error (BAD_USER_INPUT), never a database error.
import type { GraphQLInputField, GraphQLArgument, GraphQLSchema } from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { badUserInput } from '../errors/GatewayError.ts';
import type { ModelField } from '../sources/prisma/datamodel.ts';

const integer = /^-?\d{1,15}$/;

/** The column value for a client value; lists are converted element-wise. */
export function toColumnValue(field: ModelField, value: unknown, at: string): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => toColumnValue(field, v, at));
  if ((field.type === 'Int' || field.type === 'BigInt') && typeof value === 'string') {
    // An Int column is 32-bit: a longer number is no ID of it, and Postgres
    // would refuse it with an error the client could not read.
    const fits = integer.test(value) && (field.type === 'BigInt' || Math.abs(Number(value)) < 2 ** 31);
    if (!fits) throw badUserInput(`${at}: "${value}" is not a valid ID`, { argument: at });
    return field.type === 'BigInt' ? BigInt(value) : Number(value);
  }
  return value;
}

export interface Constraint {
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

// Per schema field, read once: getDirective re-reads the directive's
// arguments from the AST on every call, and mutations check every input field.
const constraints = new WeakMap<GraphQLInputField | GraphQLArgument, Constraint | null>();

export function readConstraint(
  schema: GraphQLSchema,
  node: GraphQLInputField | GraphQLArgument,
): Constraint | undefined {
  let rule = constraints.get(node);
  if (rule === undefined) {
    rule = (getDirective(schema, node, 'constraint')?.[0] as Constraint | undefined) ?? null;
    constraints.set(node, rule);
  }
  return rule ?? undefined;
}

/** Throws BAD_USER_INPUT naming `at` when `value` breaks `rule`. */
export function checkConstraint(rule: Constraint, value: unknown, at: string): void {
  if (value === null || value === undefined) return;
  const fail = (what: string) => {
    throw badUserInput(`${at} ${what}`, { field: at });
  };
  if (typeof value === 'number') {
    if (rule.min !== undefined && value < rule.min) fail(`must be at least ${rule.min}`);
    if (rule.max !== undefined && value > rule.max) fail(`must be at most ${rule.max}`);
  }
  if (typeof value === 'string') {
    const length = codePoints(value);
    if (rule.minLength !== undefined && length < rule.minLength) fail(`must be at least ${rule.minLength} characters`);
    if (rule.maxLength !== undefined && length > rule.maxLength) fail(`must be at most ${rule.maxLength} characters`);
    if (rule.pattern !== undefined && !new RegExp(rule.pattern, 'u').test(value)) fail(`must match ${rule.pattern}`);
  }
}

// Characters as a reader counts them (code points: an emoji is one), without
// the array [...value] would make of a long text.
function codePoints(value: string): number {
  let count = value.length;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}
