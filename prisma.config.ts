// Prisma CLI configuration. The provider follows DATABASE_URL, so the ordinary
// `npx prisma …` commands work on SQLite (the default) and on Postgres alike,
// each against its own schema folder and migration history.
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL ?? 'file:./data/switchyard.db';
const provider = /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';

// The CLI would download a native schema engine from Prisma's own host for every
// command. This executable speaks the same protocol on top of the wasm engine
// from npm (src/sources/prisma/engine/), so nothing is downloaded. The variable
// is read after this file is loaded.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(new URL('./bin/schema-engine.mjs', import.meta.url));

export default defineConfig({
  schema: `prisma/${provider}`,
  migrations: { path: `prisma/${provider}/migrations` },
  datasource: {
    url,
    // Optional: a database the engine may empty and reuse as its shadow database.
    // Without it, migrate dev uses an in-memory SQLite database or a temporary
    // PostgreSQL database that is dropped afterwards.
    ...(process.env.SHADOW_DATABASE_URL ? { shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL } : {}),
  },
});
