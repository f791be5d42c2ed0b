// In development, when neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is set,
// tokens are verified with a random secret kept beside the SQLite database
// (readable by its owner only), so `npm run token` can sign tokens for the
// IDE without anyone choosing a secret. Never used outside development: a
// well-known development key would let anyone forge an admin.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const developmentSecretPath = 'data/dev-jwt-secret';

/** The development secret at `path`, created on first use. */
export function developmentSecret(path = developmentSecretPath): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true });
  try {
    // 'wx': if another process created it meanwhile, read theirs.
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(path, 'utf8').trim();
}
