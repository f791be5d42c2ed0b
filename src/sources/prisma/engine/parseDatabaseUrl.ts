// One reading of a datasource URL for every module here, so the CLI bridge, the
// startup migrator and the drift check agree on which driver a URL means and
// where its database lives.
import { isAbsolute, resolve } from 'node:path';

export type DatabaseTarget =
  | { provider: 'sqlite'; url: string; /** absolute file path, or ':memory:' */ file: string }
  | {
      provider: 'postgres';
      url: string;
      database: string;
      /** Same server and credentials, database `postgres`: used to create and drop databases. */
      maintenanceUrl: string;
      /** host:port, for error messages. */
      location: string;
    };

/**
 * Parses a `file:` (SQLite) or `postgres(ql)://` URL. Relative SQLite paths are
 * resolved against `baseDir` (the CLI starts the engine in the config's folder).
 */
export function parseDatabaseUrl(url: string, baseDir: string = process.cwd()): DatabaseTarget {
  if (url.startsWith('file:')) {
    const path = decodeURIComponent(
      url
        .slice('file:'.length)
        .replace(/^\/\/(?=\/)/, '')
        .split('?')[0]!,
    );
    const file = path === ':memory:' || isAbsolute(path) ? path : resolve(baseDir, path);
    return { provider: 'sqlite', url, file };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
    const maintenance = new URL(url);
    maintenance.pathname = '/postgres';
    return {
      provider: 'postgres',
      url,
      database,
      maintenanceUrl: maintenance.toString(),
      location: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`,
    };
  }
  throw new Error(
    `The datasource URL must start with "file:" (SQLite) or "postgres://" / "postgresql://" (PostgreSQL), but got: ${redactUrl(url)}`,
  );
}

/** The URL with its password replaced, safe to print. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:****@');
}
