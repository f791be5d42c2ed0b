// The real gateway as a child process (`node --import tsx src/main.ts`), the
// way `npm start` runs it: config from the environment, migrations, seeding,
// signals and exit codes included. It listens on 127.0.0.1 with an OS-chosen
// port, read from the "Switchyard is serving" log line.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testJwtSecret } from './tokens.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A pino line parsed, or `{ raw }` for a line that is not JSON (stderr, crashes). */
export type LogLine = Record<string, unknown> & { msg?: string; raw?: string };

export interface ServerProcess {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:41234/graphql. */
  url: string;
  /** Scheme, host and port, for /healthz and friends. */
  origin: string;
  /** Every stdout and stderr line so far, parsed, in arrival order. */
  logs: LogLine[];
  /** The raw output so far, for assertion messages. */
  output(): string;
  /** Resolves with the exit code (null when a signal ended the process). */
  exited: Promise<number | null>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL, for clean-up after a failed test. */
  kill(): void;
}

export interface StartOptions {
  /** Added to (and overriding) the defaults below. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** A `file:` URL for a SQLite database in a new temporary folder; the file does not exist yet. */
export function freshSqliteUrl(): { url: string; file: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'switchyard-e2e-')), 'e2e.db');
  return { url: `file:${file}`, file };
}

// The child sees only what it is given: nothing from the test runner's environment leaks in.
function childEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: freshSqliteUrl().url,
    LOG_LEVEL: 'info',
    IDE: '0',
    // Tokens the tests sign verify; without it a development server would make a secret in data/.
    AUTH_JWT_SECRET: testJwtSecret,
    ...env,
  };
}

function parseLine(line: string): LogLine {
  try {
    const value: unknown = JSON.parse(line);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as LogLine;
  } catch {
    // not JSON: kept raw below
  }
  return { raw: line };
}

interface Spawned {
  child: ChildProcess;
  logs: LogLine[];
  output(): string;
  exited: Promise<number | null>;
}

function spawnServer(env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repoRoot,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let raw = '';
  for (const stream of [child.stdout!, child.stderr!]) {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      raw += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) logs.push(parseLine(line));
    });
    stream.on('end', () => {
      if (pending.trim()) logs.push(parseLine(pending));
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, logs, output: () => raw, exited };
}

/** Runs the server expecting it not to start; resolves with its exit code and output. */
export async function runUntilExit(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const { child, output, exited } = spawnServer(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return { code, output: output() };
}

/** Starts the server and resolves once it serves; rejects with its output if it exits or times out first. */
export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const { child, logs, output, exited } = spawnServer(options.env ?? {});
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  let serving: LogLine | undefined;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (!(serving = logs.find((line) => line.msg === 'Switchyard is serving'))) {
    if (exitCode !== undefined || Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      const why = exitCode !== undefined ? `exited with code ${exitCode}` : `did not serve within ${timeoutMs} ms`;
      throw new Error(`The server ${why}. Its output:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const url = String(serving.url);
  return {
    url,
    origin: new URL(url).origin,
    logs,
    output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (exitCode === undefined) child.kill(signal);
      return exited;
    },
    kill() {
      if (exitCode === undefined) child.kill('SIGKILL');
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Headers;
  /** The body parsed as JSON, or the text when it is not JSON. */
  body: any;
}

/** One fetch, with the body read (and parsed when it is JSON). */
export async function request(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the text is the body
  }
  return { status: res.status, headers: res.headers, body };
}

/** POSTs a GraphQL operation as JSON. */
export function postGraphQL(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
}
