// What every resolver receives. Built once per request by the HTTP layer.
import type { Logger } from 'pino';
import type { ListOptions } from '../bindings/connection.ts';
import type { Loaders } from '../loaders/createLoaders.ts';
import type { Db } from '../sources/prisma/client.ts';
import type { SourceLog } from '../sources/sourceLog.ts';

export interface GatewayContext {
  db: Db;
  loaders: Loaders;
  log: SourceLog;
  /** Page sizes, and the provider whose filter semantics apply. */
  lists: ListOptions;
  logger: Logger;
}
