// One wasm schema engine on one database, callable by the JSON-RPC method names
// the Prisma CLI uses, with the gaps between the wasm build and the native engine
// closed here:
//
// - A fresh database has no `_prisma_migrations` table. The native engine reads
//   that as "nothing applied"; the wasm build fails (P1014). `devDiagnostic`
//   creates the (empty) table first, as the following `applyMigrations` would;
//   `diagnoseMigrationHistory` (read-only) reports "nothing applied".
// - `evaluateDataLoss` and `createMigration` replay the migration history through
//   the engine's main connector, which in the wasm build has no shadow database
//   ("SQLite/PostgreSQL shadow DB must be provided through an external factory").
//   Only `diff` and `devDiagnostic` use the adapter factory's shadow database, and
//   `devDiagnostic` caches the replayed schema for the two commands that follow.
//   So the session replays the history through `devDiagnostic` before them, and
//   for an empty history (nothing to replay) computes them with `diff` from an
//   empty schema, which is what the engine would have produced.
// - `reset` on SQLite replaces the file with an empty one, as the native engine
//   does (see createAdapterFactory's recreateMainDatabase).
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type {
  CreateMigrationInput,
  CreateMigrationOutput,
  DiffResult,
  EvaluateDataLossInput,
  EvaluateDataLossOutput,
  MigrationList,
  SchemaEngine,
  SchemaFilter,
} from '@prisma/schema-engine-wasm';

import { createAdapterFactory, type AdapterFactoryOptions } from './createAdapterFactory.ts';
import { EngineError, toEngineError } from './EngineError.ts';
import { loadSchemaEngineWasm } from './loadSchemaEngineWasm.ts';

export interface SchemaEngineSession {
  readonly provider: 'sqlite' | 'postgres';
  /** Calls `method` as the CLI names it; rejects with an EngineError. */
  call(method: string, params: unknown): Promise<unknown>;
  /** Frees the engine, closes connections, drops temporary shadow databases. */
  close(): Promise<void>;
}

export interface OpenSchemaEngineOptions extends AdapterFactoryOptions {
  /** Schema files as [path, content]; undefined when the command brings its own. */
  datamodels?: [string, string][] | undefined;
  /** Receives the engine's log lines (JSON strings). */
  log?: (line: string) => void;
}

/** Opens the main connection and starts a wasm engine on it. */
export async function openSchemaEngine(options: OpenSchemaEngineOptions): Promise<SchemaEngineSession> {
  const factory = createAdapterFactory(options);
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const lookup = (id: number) => bound.errorRegistry.consumeError(id)?.error;
  const { SchemaEngine } = await loadSchemaEngineWasm();
  let engine: SchemaEngine;
  try {
    engine = await SchemaEngine.new({ datamodels: options.datamodels }, options.log ?? (() => undefined), bound);
  } catch (error) {
    await factory.dispose();
    throw toEngineError(error, lookup);
  }
  const provider = factory.target.provider;
  const filtersOf = (params: { filters?: SchemaFilter }) => params.filters ?? { externalTables: [], externalEnums: [] };

  /** Calls the engine method of that name (they match the CLI's, except version). */
  const raw = async (method: string, params: unknown): Promise<unknown> => {
    const name = method === 'getDatabaseVersion' ? 'version' : method;
    const fn = (engine as unknown as Record<string, unknown>)[name];
    if (typeof fn !== 'function') throw new EngineError(undefined, `Unknown schema engine method: ${method}`);
    try {
      // Called on the instance: the wasm glue needs `this`.
      return await (fn as (p: unknown) => Promise<unknown>).call(engine, params);
    } catch (error) {
      throw toEngineError(error, lookup);
    }
  };

  /** Creates an empty `_prisma_migrations` table (an apply with no migrations). */
  const initMigrationsTable = (list: MigrationList, filters: SchemaFilter) =>
    raw('applyMigrations', { migrationsList: { ...list, migrationDirectories: [] }, filters });

  /** The engine's diff from `list` (or an empty schema) to `files`, as a script. */
  const diffFromHistory = (list: MigrationList, files: CreateMigrationInput['schema'], filters: SchemaFilter) =>
    raw('diff', {
      from:
        list.migrationDirectories.length === 0
          ? { tag: 'empty' }
          : { tag: 'migrations', ...withLockfile(list, provider) },
      to: { tag: 'schemaDatamodel', ...files },
      script: true,
      exitCode: true,
      filters,
    }) as Promise<DiffResult>;

  const call = async (method: string, params: unknown): Promise<unknown> => {
    const p = (params ?? {}) as Record<string, unknown> & { migrationsList?: MigrationList; filters?: SchemaFilter };
    switch (method) {
      case 'devDiagnostic':
        try {
          return await raw(method, params);
        } catch (error) {
          if (!isMissingMigrationsTable(error)) throw error;
          await initMigrationsTable(p.migrationsList!, filtersOf(p));
          return raw(method, params);
        }
      case 'diagnoseMigrationHistory':
        try {
          return await raw(method, params);
        } catch (error) {
          if (!isMissingMigrationsTable(error)) throw error;
          const names = p.migrationsList!.migrationDirectories.map((d) => d.path);
          return {
            editedMigrationNames: [],
            failedMigrationNames: [],
            hasMigrationsTable: false,
            history: names.length ? { diagnostic: 'databaseIsBehind', unappliedMigrationNames: names } : null,
          };
        }
      case 'evaluateDataLoss': {
        const input = params as EvaluateDataLossInput;
        if (input.migrationsList.migrationDirectories.length === 0) {
          const diff = await diffFromHistory(input.migrationsList, input.schema, filtersOf(input));
          return {
            migrationSteps: countSteps(diff),
            warnings: [],
            unexecutableSteps: [],
          } satisfies EvaluateDataLossOutput;
        }
        await replayHistory(input.migrationsList, filtersOf(input));
        return raw(method, params);
      }
      case 'createMigration': {
        const input = params as CreateMigrationInput;
        if (input.migrationsList.migrationDirectories.length === 0) {
          const diff = await diffFromHistory(input.migrationsList, input.schema, filtersOf(input));
          const empty = diff.exitCode === 0;
          return {
            connectorType: provider === 'postgres' ? 'postgresql' : 'sqlite',
            generatedMigrationName: migrationDirectoryName(input.migrationName),
            migrationScript: empty ? (input.draft ? '-- This is an empty migration.' : null) : (diff.stdout ?? ''),
            extension: 'sql',
          } satisfies CreateMigrationOutput;
        }
        await replayHistory(input.migrationsList, filtersOf(input));
        return raw(method, params);
      }
      case 'reset':
        if (factory.recreateMainDatabase) return factory.recreateMainDatabase();
        return raw(method, params);
      default:
        return raw(method, params);
    }
  };

  /** Warms the engine's migration-schema cache through the shadow database (see top). */
  const replayHistory = async (list: MigrationList, filters: SchemaFilter) => {
    await call('devDiagnostic', { migrationsList: list, filters });
  };

  return {
    provider,
    call,
    close: async () => {
      try {
        engine.free();
      } finally {
        await factory.dispose();
      }
    },
  };
}

/** True for the wasm engine's P1014 on the migrations table of a fresh database. */
function isMissingMigrationsTable(error: unknown): boolean {
  return (
    error instanceof EngineError && /_prisma_migrations/.test(error.message) && /does not exist/.test(error.message)
  );
}

/** The engine needs a lockfile to replay a history; a missing one means "this provider". */
function withLockfile(list: MigrationList, provider: 'sqlite' | 'postgres'): MigrationList {
  if (list.lockfile.content) return list;
  const content = `provider = "${provider === 'postgres' ? 'postgresql' : 'sqlite'}"\n`;
  return { ...list, lockfile: { ...list.lockfile, content } };
}

/** Number of steps in a diff script: the engine heads each step with `-- Kind`. */
function countSteps(diff: DiffResult): number {
  if (diff.exitCode === 0) return 0;
  return Math.max(1, (diff.stdout ?? '').match(/^-- [A-Z][A-Za-z]+$/gm)?.length ?? 0);
}

/** `<UTC yyyyMMddHHmmss>_<name>`, the engine's migration folder name. */
export function migrationDirectoryName(name: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return name ? `${stamp}_${name}` : stamp;
}
