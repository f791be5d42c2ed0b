// Loads @prisma/schema-engine-wasm in plain Node 20.
//
// The package's entry does `import * as wasm from "./schema_engine_bg.wasm"`, an
// ES-module-integration import that Node 20 cannot load without
// --experimental-wasm-modules. So we read the .wasm bytes ourselves, instantiate
// them against the package's own JS glue (schema_engine_bg.js) and run the
// start function, which is exactly what that entry would have done.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { SchemaEngine } from '@prisma/schema-engine-wasm';

export type { SchemaEngine };

/** The static side of the wasm `SchemaEngine` class (its `new` factory). */
export interface SchemaEngineClass {
  new: (
    options: { datamodels: [string, string][] | undefined },
    log: (line: string) => void,
    adapterFactory: object,
  ) => Promise<SchemaEngine>;
}

interface Glue {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  SchemaEngine: SchemaEngineClass;
  version(): string;
}

let loading: Promise<Glue> | undefined;

/**
 * Returns the wasm engine's `SchemaEngine` class, instantiating the module once
 * per process (it is ~5 MB; every engine instance shares it).
 */
export function loadSchemaEngineWasm(): Promise<Glue> {
  loading ??= instantiate();
  return loading;
}

/** Reads and starts the .wasm next to the glue file that the package exports. */
async function instantiate(): Promise<Glue> {
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const glue = (await import(gluePath)) as unknown as Glue;
  const bytes = await readFile(join(dirname(gluePath), 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, {
    './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}
