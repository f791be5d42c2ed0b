// Relay connections over a model, for root @list fields and to-many relation
// fields alike: page arguments are checked and planned here, rows are fetched
// by the caller (one statement for a root list, one batched statement per
// level for relations), and the page is cut and wrapped here.
import { badUserInput } from '../errors/GatewayError.ts';
import type { OrderBy, Row, Where } from '../sources/prisma/batch.ts';
import type { Model } from '../sources/prisma/datamodel.ts';
import { decodeCursor, encodeCursor, seekWhere, toPrismaOrderBy, type OrderItem } from './cursor.ts';
import type { BindingPlan, ListArgs } from './plan.ts';
import { signature } from './signature.ts';
import { toPrismaWhere, type ColumnGuard, type Provider } from './where.ts';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  where?: Record<string, unknown> | null;
  orderBy?: Record<string, unknown>[] | null;
}

export interface ListOptions {
  provider: Provider;
  defaultPageSize: number;
  maxPageSize: number;
}

export interface PagePlan {
  /** The client's filter (and any @auth row rule): what totalCount counts. */
  filter?: Where;
  /** The filter with the cursor bounds: what the page reads. */
  where?: Where;
  orderBy: OrderBy;
  limit: number;
  backward: boolean;
  items: OrderItem[];
  args: PageArgs;
  /** Identifies filter + ordering + bounds, for sharing batches between parents. */
  signature: string;
  /** Columns the ordering (and so every cursor) reads. */
  columns: string[];
}

export interface Connection {
  /** Cursors are encoded only when a client selects edges or pageInfo cursors. */
  edges: () => { cursor: string; node: Row }[];
  nodes: Row[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: () => string | null;
    endCursor: () => string | null;
  };
  /** Resolved only when the client selects it: graphql-js calls function properties. */
  totalCount: () => Promise<number>;
}

function orderItems(
  plan: BindingPlan,
  model: Model,
  spec: ListArgs,
  orderBy: PageArgs['orderBy'],
  guard: ColumnGuard | undefined,
): OrderItem[] {
  const items: OrderItem[] = [];
  for (const [i, entry] of (orderBy ?? []).entries()) {
    const set = Object.entries(entry).filter(([, v]) => v !== null && v !== undefined);
    if (set.length !== 1)
      throw badUserInput(`orderBy[${i}] must set exactly one field, found ${set.length}`, { argument: 'orderBy' });
    const [name, direction] = set[0]!;
    const field = plan.order.get(spec.orderBy!)!.fields.get(name)!;
    guard?.assertCanUseColumn(model.name, field.name);
    items.push({
      field,
      direction: direction === 'DESC' ? 'desc' : 'asc',
    });
  }
  // The id breaks ties, so every row has one place in the order and cursors are exact.
  const id = model.fields.find((f) => f.name === model.idField)!;
  if (!items.some((i) => i.field === id)) items.push({ field: id, direction: 'asc' });
  return items;
}

function checkSize(name: string, value: number | null | undefined, limits: ListOptions): void {
  if (value === null || value === undefined) return;
  if (value < 0 || value > limits.maxPageSize)
    throw badUserInput(`"${name}" must be between 0 and ${limits.maxPageSize}, got ${value}`, {
      argument: name,
      maxPageSize: limits.maxPageSize,
    });
}

/** What the viewer's @auth rules add to a page. */
export interface PageAuth {
  /** The row rule: part of the filter, so rows it hides are neither listed nor counted. */
  restrict?: Where;
  /** Refuses filters and orderings over columns the viewer may not read. */
  guard?: ColumnGuard;
}

/** Checks and plans one page. */
export function planPage(
  plan: BindingPlan,
  model: Model,
  spec: ListArgs,
  args: PageArgs,
  limits: ListOptions,
  { restrict, guard }: PageAuth = {},
): PagePlan {
  if (args.first != null && args.last != null)
    throw badUserInput('Pass "first" or "last", not both', { argument: 'last' });
  checkSize('first', args.first, limits);
  checkSize('last', args.last, limits);
  const items = orderItems(plan, model, spec, args.orderBy, guard);
  const backward = args.last != null;
  const clientFilter = spec.where ? toPrismaWhere(plan, spec.where, args.where, limits.provider, guard) : undefined;
  const filter =
    restrict && clientFilter && Object.keys(clientFilter).length
      ? { AND: [clientFilter, restrict] }
      : (restrict ?? clientFilter);
  const bounds: Where[] = [];
  if (args.after != null) bounds.push(seekWhere(items, decodeCursor(items, args.after, 'after'), false));
  if (args.before != null) bounds.push(seekWhere(items, decodeCursor(items, args.before, 'before'), true));
  const parts = [filter, ...bounds].filter((w): w is Where => w !== undefined && Object.keys(w).length > 0);
  const where = parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { AND: parts };
  const limit = args.first ?? args.last ?? limits.defaultPageSize;
  const orderBy = toPrismaOrderBy(items, backward);
  return {
    filter,
    where,
    orderBy,
    limit,
    backward,
    items,
    args,
    signature: signature([where, orderBy]),
    columns: items.map((i) => i.field.name),
  };
}

/**
 * Cuts `rows` into a page. They hold limit + 1 rows when more exist and
 * pageInfo is selected (the only field that tells); otherwise at most limit.
 */
export function toConnection(page: PagePlan, rows: Row[], totalCount: () => Promise<number>): Connection {
  const hasMore = rows.length > page.limit;
  const nodes = rows.slice(0, page.limit);
  if (page.backward) nodes.reverse();
  const cursor = (node: Row | undefined) => (node ? encodeCursor(page.items, node) : null);
  return {
    edges: () => nodes.map((node) => ({ cursor: encodeCursor(page.items, node), node })),
    nodes,
    pageInfo: {
      // Relay lets these be false when the cheap answer is unknown; a cursor
      // from the other direction means rows exist on that side.
      hasNextPage: page.backward ? page.args.before != null : hasMore,
      hasPreviousPage: page.backward ? hasMore : page.args.after != null,
      startCursor: () => cursor(nodes[0]),
      endCursor: () => cursor(nodes.at(-1)),
    },
    totalCount,
  };
}
