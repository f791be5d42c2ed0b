// A driver adapter whose underlying connection can be closed and opened again
// while the engine keeps holding the same object. Used to reset SQLite the way
// the native engine does (delete the file, start from an empty one) although the
// wasm engine keeps its main connection for its whole life.
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';

export interface ReopenableAdapter extends SqlDriverAdapter {
  /** Closes the current connection; calls made before `reopen` fail. */
  close(): Promise<void>;
  /** Opens a fresh connection with the original opener. */
  reopen(): Promise<void>;
}

/** Opens a first connection and returns an adapter delegating to the current one. */
export async function reopenableAdapter(open: () => Promise<SqlDriverAdapter>): Promise<ReopenableAdapter> {
  let current: SqlDriverAdapter | undefined = await open();
  const live = (): SqlDriverAdapter => {
    if (!current) throw new Error('The SQLite connection is being reopened after a reset');
    return current;
  };
  const first = current;
  const adapter: ReopenableAdapter = {
    provider: first.provider,
    adapterName: first.adapterName,
    queryRaw: (query) => live().queryRaw(query),
    executeRaw: (query) => live().executeRaw(query),
    executeScript: (script) => live().executeScript(script),
    startTransaction: (isolationLevel) => live().startTransaction(isolationLevel),
    dispose: async () => {
      const closing = current;
      current = undefined;
      await closing?.dispose();
    },
    close: async () => {
      const closing = current;
      current = undefined;
      await closing?.dispose();
    },
    reopen: async () => {
      current = await open();
    },
  };
  if (first.getConnectionInfo) adapter.getConnectionInfo = () => live().getConnectionInfo!();
  return adapter;
}
