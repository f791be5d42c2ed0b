// The schema-engine executable's behaviour, as the Prisma 7.10 CLI drives its
// native `schema-engine` binary (see bin/schema-engine.mjs, which only starts this):
//
//   schema-engine [--datamodels <file>]… [--datasource '{"url":…}'] [--enabled-preview-features …]
//       JSON-RPC 2.0, one message per line: requests on stdin, responses on stdout.
//       Diff output goes to the CLI as a `print` request, which it writes to its
//       own stdout and answers. Logs go to stderr as JSON lines.
//   schema-engine --datasource '{"url":…}' cli can-connect-to-database|create-database|drop-database
//       Exit 0 on success; on failure exit 1 with stderr lines whose ERROR entry
//       (target "schema_engine::logger") carries fields.error_code and fields.message.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { canConnectToDatabase, createDatabase, dropDatabase } from './databaseLifecycle.ts';
import { EngineError, toEngineError } from './EngineError.ts';
import { openSchemaEngine, type SchemaEngineSession } from './openSchemaEngine.ts';

interface Args {
  datamodels: string[];
  datasource: { url?: string; shadowDatabaseUrl?: string } | undefined;
  cli: string | undefined;
}

/** Entry point: runs one command line to completion and resolves with the exit code. */
export async function runSchemaEngineCli(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    logLine('ERROR', toEngineError(error));
    return 1;
  }
  return args.cli ? runCliCommand(args) : serveJsonRpc(args);
}

/** Reads the flags the CLI passes; flags this bridge has no use for are skipped. */
function parseArgs(argv: string[]): Args {
  const args: Args = { datamodels: [], datasource: undefined, cli: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--datamodels') args.datamodels.push(argv[++i]!);
    else if (arg === '--datasource') args.datasource = JSON.parse(argv[++i]!) as Args['datasource'];
    else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++;
    else if (arg === 'cli') {
      args.cli = argv[++i];
      break;
    } else if (arg === '--version' || arg === '-V') {
      process.stdout.write('schema-engine-wasm-bridge\n');
      process.exit(0);
    }
  }
  return args;
}

/** The short-lived `cli …` forms. */
async function runCliCommand(args: Args): Promise<number> {
  logLine('INFO', 'Starting schema engine (wasm bridge)');
  try {
    const url = args.datasource?.url;
    if (!url) throw new EngineError(undefined, 'The `cli` commands need --datasource with a url');
    if (args.cli === 'can-connect-to-database') await canConnectToDatabase(url);
    else if (args.cli === 'create-database') await createDatabase(url);
    else if (args.cli === 'drop-database') await dropDatabase(url);
    else throw new EngineError(undefined, `Unknown cli command: ${args.cli}`);
    return 0;
  } catch (error) {
    logLine('ERROR', toEngineError(error));
    return 1;
  }
}

/** The long-running JSON-RPC form. One engine per process, opened on the first request. */
async function serveJsonRpc(args: Args): Promise<number> {
  let session: Promise<SchemaEngineSession> | undefined;
  const open = () =>
    (session ??= openSchemaEngine({
      url: args.datasource?.url ?? missingUrl(),
      shadowDatabaseUrl: args.datasource?.shadowDatabaseUrl,
      datamodels: args.datamodels.length ? args.datamodels.map((p) => [p, readFileSync(p, 'utf8')]) : undefined,
      log: forwardEngineLog,
    }));
  let printId = 1_000_000_000;
  // Requests run one at a time, in order, as the native engine answers them.
  let queue: Promise<unknown> = Promise.resolve();

  const handle = async (line: string) => {
    let request: { id?: number | string; method?: string; params?: unknown; result?: unknown; error?: unknown };
    try {
      request = JSON.parse(line) as typeof request;
    } catch {
      return;
    }
    if (!request.method) return; // the CLI's answer to one of our `print` requests
    try {
      const result = (await (await open()).call(request.method, request.params)) as Record<string, unknown> | null;
      if (request.method === 'diff' && result && typeof result.stdout === 'string' && result.stdout.length > 0) {
        send({ jsonrpc: '2.0', id: printId++, method: 'print', params: { content: result.stdout.replace(/\n$/, '') } });
        send({ jsonrpc: '2.0', id: request.id, result: { exitCode: result.exitCode } });
      } else {
        send({ jsonrpc: '2.0', id: request.id, result: result ?? null });
      }
    } catch (error) {
      const e = toEngineError(error);
      send({
        jsonrpc: '2.0',
        id: request.id,
        error: {
          code: 4466,
          message: 'An error happened. Check the data field for details.',
          data: { is_panic: false, message: e.message, meta: {}, error_code: e.code },
        },
      });
    }
  };

  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    queue = queue.then(() => handle(line));
  }
  await queue;
  if (session) await (await session.catch(() => undefined))?.close();
  return 0;
}

function missingUrl(): never {
  throw new EngineError(
    undefined,
    'The schema engine needs --datasource with a url (set datasource.url in prisma.config.ts)',
  );
}

/** One JSON-RPC message per line on stdout. */
function send(message: unknown): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

/** A log line in the native engine's JSON format, which the CLI parses from stderr. */
function logLine(level: 'INFO' | 'ERROR', what: string | EngineError): void {
  const fields =
    typeof what === 'string'
      ? { message: what }
      : { message: what.message, ...(what.code ? { error_code: what.code } : {}) };
  process.stderr.write(
    JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target: 'schema_engine::logger' }) + '\n',
  );
}

/** Passes the wasm engine's tracing output on as stderr JSON lines (the CLI keeps their messages for crash reports). */
function forwardEngineLog(line: string): void {
  if (!process.env.PRISMA_SCHEMA_ENGINE_LOG && !process.env.DEBUG) return;
  try {
    JSON.parse(line);
    process.stderr.write(line.trimEnd() + '\n');
  } catch {
    logLine('INFO', line);
  }
}
