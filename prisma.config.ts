// Prisma CLI configuration. The provider follows DATABASE_URL, so the ordinary
// `npx prisma …` commands work on SQLite (the default) and on Postgres alike,
// each against its own schema folder and migration history.
import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL ?? 'file:./data/switchyard.db';
const provider = /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';

// The CLI would download a native schema engine; it is never run (the wasm
// engine is used instead), but the variable must name an existing file.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

export default defineConfig({
  schema: `prisma/${provider}`,
  migrations: { path: `prisma/${provider}/migrations` },
  datasource: { url },
});
