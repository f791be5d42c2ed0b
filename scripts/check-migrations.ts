// Fails when a provider's migration history no longer reproduces the one set of
// models (prisma/models.prisma): someone changed the models and created the
// migration for one provider only, or for none.
//
//   npx tsx scripts/check-migrations.ts [--root <project dir>] [--provider sqlite|postgres]
//
// For each provider it runs the ordinary
//   prisma migrate diff --from-migrations prisma/<p>/migrations --to-schema prisma/<p> --exit-code
// (exit 0: in sync, 2: drift). The history is replayed in a shadow database:
// in memory for SQLite, a temporary database for Postgres on the server named by
// CHECK_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const PROVIDERS = ['sqlite', 'postgres'] as const;
type Provider = (typeof PROVIDERS)[number];

const { values } = parseArgs({ options: { root: { type: 'string' }, provider: { type: 'string', multiple: true } } });
const root = resolve(values.root ?? process.cwd());
const providers = (values.provider ?? PROVIDERS) as Provider[];
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

/** Runs the drift diff for one provider; returns a failure message or undefined. */
function check(provider: Provider, scratch: string): string | undefined {
  const url =
    provider === 'sqlite'
      ? `file:${join(scratch, 'check.db')}`
      : (process.env.CHECK_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  const result = spawnSync(
    process.execPath,
    [
      prismaCli,
      'migrate',
      'diff',
      '--from-migrations',
      `prisma/${provider}/migrations`,
      '--to-schema',
      `prisma/${provider}`,
      '--exit-code',
    ],
    { cwd: root, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' },
  );
  if (result.status === 0) return undefined;
  const output = `${result.stdout}${result.stderr}`.replace(/^Loaded Prisma config.*\n/m, '').trim();
  if (result.status === 2) {
    return (
      `${provider}: prisma/${provider}/migrations does not reproduce prisma/models.prisma. ` +
      `Create the missing migration with: DATABASE_URL=<a ${provider} dev database> npx prisma migrate dev --name <change>\n` +
      `What the migrations lack:\n${output}`
    );
  }
  return `${provider}: could not compare prisma/${provider}/migrations with the models (prisma exited with ${result.status ?? result.signal}):\n${output}`;
}

const scratch = mkdtempSync(join(tmpdir(), 'switchyard-check-'));
try {
  const failures = providers.map((provider) => check(provider, scratch)).filter((f): f is string => Boolean(f));
  for (const provider of providers) {
    if (!failures.some((f) => f.startsWith(`${provider}:`))) console.log(`${provider}: migrations match the models`);
  }
  if (failures.length) {
    console.error(failures.join('\n\n'));
    process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
