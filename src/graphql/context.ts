// What every resolver receives. Built once per request by the HTTP layer.
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer.ts';
import type { RequestAuth } from '../bindings/auth/RequestAuth.ts';
import type { ListOptions } from '../bindings/connection.ts';
import type { Loaders } from '../loaders/createLoaders.ts';
import type { HttpCall, HttpResult } from '../sources/http/types.ts';
import type { Db } from '../sources/prisma/client.ts';
import type { SourceLog } from '../sources/sourceLog.ts';

/** One `@source`'s client, shared by all requests (src/sources/http/HttpSource.ts). */
export interface HttpSourceClient {
  call(call: HttpCall): Promise<HttpResult>;
}

export interface GatewayContext {
  db: Db;
  /** Who the request acts for (a verified bearer token), or null: anonymous. */
  viewer: Viewer | null;
  /** The viewer's @auth decisions, for bindings and hand-written resolvers. */
  auth: RequestAuth;
  loaders: Loaders;
  log: SourceLog;
  /** Page sizes, and the provider whose filter semantics apply. */
  lists: ListOptions;
  /**
   * HTTP sources by name, the client's request headers (some sources forward
   * a few), and a signal that aborts when the client request is over.
   */
  http: { sources: ReadonlyMap<string, HttpSourceClient>; headers: IncomingHttpHeaders; signal?: AbortSignal };
  logger: Logger;
  /**
   * Values bindings work out once per request (bindResolvers' perField), keyed
   * by the caller's own key. Kept on the request so they die with it: nothing
   * long-lived may be keyed by the request (V8's young-generation GC keeps
   * such WeakMap entries' values alive until a full GC).
   */
  memo: Map<object, unknown>;
}
