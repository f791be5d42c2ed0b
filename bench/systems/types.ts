// The contract between the harness (run.ts) and each system measured. A
// system is a server process answering the workloads over HTTP; the harness
// starts it pinned to one core, checks every answer against the others by a
// checksum of its canonical data, then loads it from a separate process.

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6' | 'W7' | 'W8';
export type Provider = 'postgres' | 'sqlite';

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Where the example HTTP upstreams (examples/upstreams/) listen, for W8. */
export interface Upstreams {
  inventoryUrl: string;
  inventoryApiKey: string;
  fxUrl: string;
}

export interface LaunchOptions {
  port: number;
  databaseUrl: string;
  provider: Provider;
  upstreams: Upstreams;
}

/** The variables schema.graphql's @source declarations read (Switchyard refuses to start in production without them). */
/** What every system's server is started with: production mode, its port and database, the upstreams. */
export function serverEnv({ port, databaseUrl, upstreams }: LaunchOptions): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    INVENTORY_URL: upstreams.inventoryUrl,
    INVENTORY_API_KEY: upstreams.inventoryApiKey,
    FX_URL: upstreams.fxUrl,
  };
}

export interface SystemSpec {
  name: string;
  /** One line for the report: what this system is. */
  description: string;
  providers: Provider[];
  /** The workloads it can answer; all when absent. The report shows the others as n/a. */
  workloads?: WorkloadId[];
  /** The process to start (the harness adds `taskset -c 0`). */
  launch(options: LaunchOptions): { command: string; args: string[]; env: Record<string, string>; cwd?: string };
  /** GET path that answers 200 once the system serves. */
  readyPath: string;
  /** The request(s) for a workload; autocannon cycles through several (W7). */
  requests(workload: WorkloadId): HttpRequest[];
  /**
   * The data of a response in the shape every system shares (see workloads.ts),
   * so checksums compare across systems. Throws on an error response.
   */
  canonical(workload: WorkloadId, body: unknown): unknown;
}

/** Whether `system` answers `workload` (its `workloads`, or every workload when it names none). */
export function supports(system: Pick<SystemSpec, 'workloads'>, workload: WorkloadId): boolean {
  return !system.workloads || system.workloads.includes(workload);
}

/** A JSON POST of a GraphQL document. */
export function graphqlPost(path: string, query: string, variables: Record<string, unknown> = {}): HttpRequest {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  };
}

/** The `data` of a GraphQL response; throws when it carries errors. */
export function graphqlData(body: unknown): any {
  const { data, errors } = body as { data?: unknown; errors?: unknown[] };
  if (errors?.length || !data) throw new Error(`GraphQL errors: ${JSON.stringify(errors ?? body).slice(0, 500)}`);
  return data;
}
