#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, which the CLI would
// download from Prisma's own host. prisma.config.ts points
// PRISMA_SCHEMA_ENGINE_BINARY here; the CLI then spawns this file with the
// native engine's arguments and JSON-RPC protocol, and the work is done by
// @prisma/schema-engine-wasm (src/sources/prisma/engine/).
// tsx compiles the TypeScript sources on the fly, so nothing is built first.
import { register } from 'tsx/esm/api';

register();
const { runSchemaEngineCli } = await import('../src/sources/prisma/engine/runSchemaEngineCli.ts');
process.exit(await runSchemaEngineCli(process.argv.slice(2)));
