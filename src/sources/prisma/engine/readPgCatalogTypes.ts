// Lets @prisma/adapter-pg return PostgreSQL catalog column types.
//
// The schema engine describes a database by querying pg_catalog, whose columns
// include types the adapter has no mapping for (`"char"` in pg_class.relkind,
// pg_constraint.contype, …). The adapter then rejects the whole query
// ("Column type 'char' could not be deserialized from the database"), so
// `migrate dev`, `db push` and `migrate diff` fail on any Postgres database.
// pg already parses these columns to strings; we only relabel them as text
// before the adapter picks a column type. The hook is the adapter's
// `performIO` method (public, but not part of the adapter interface): if a
// future adapter drops it, the patch is skipped and the original error returns.
import type { SqlDriverAdapter, Transaction } from '@prisma/driver-adapter-utils';

const TEXT = 25;
const TEXT_ARRAY = 1009;

/** Catalog types (by OID) read as text: "char", int2vector, regproc, xid, oidvector, pg_node_tree, regclass, regtype, pg_lsn, xid8. */
const AS_TEXT = new Set([18, 22, 24, 28, 30, 194, 2205, 2206, 3220, 5069]);
/** name[] and "char"[] etc. read as text[]. */
const AS_TEXT_ARRAY = new Set([1003]);

interface FieldsResult {
  fields?: { dataTypeID: number }[];
}
type WithPerformIO = { performIO?: (query: unknown) => Promise<FieldsResult> };

/** Patches a pg adapter (and the transactions it starts) in place; returns it. */
export function readPgCatalogTypes(adapter: SqlDriverAdapter): SqlDriverAdapter {
  patch(adapter as unknown as WithPerformIO);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const tx: Transaction = await startTransaction(isolationLevel);
    patch(tx as unknown as WithPerformIO);
    return tx;
  };
  return adapter;
}

/** Relabels catalog column types in every result of `queryable.performIO`. */
function patch(queryable: WithPerformIO): void {
  const performIO = queryable.performIO;
  if (typeof performIO !== 'function') return;
  queryable.performIO = async (query) => {
    const result = await performIO.call(queryable, query);
    for (const field of result?.fields ?? []) {
      if (AS_TEXT.has(field.dataTypeID)) field.dataTypeID = TEXT;
      else if (AS_TEXT_ARRAY.has(field.dataTypeID)) field.dataTypeID = TEXT_ARRAY;
    }
    return result;
  };
}
