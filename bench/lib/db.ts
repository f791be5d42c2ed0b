// Where the bench databases live, and the sizes they come in. One module so the
// generator, the harness and the floor agree on names and row counts.
import { fileURLToPath } from 'node:url';
import type { Provider } from '../systems/types.ts';

export type Size = 'small' | 'medium';

/** Rows per table. W3 needs ≥ 10 books per author; W4 reads up to 10 reviews per book. */
export const sizes: Record<Size, { authors: number; books: number; reviews: number; customers: number }> = {
  small: { authors: 10_000, books: 100_000, reviews: 500_000, customers: 1_000 },
  medium: { authors: 100_000, books: 1_000_000, reviews: 5_000_000, customers: 10_000 },
};

/** Bumped whenever generated values change, so an old database is regenerated. */
export const generatorVersion = 1;

export const benchDir = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The server's base URL (any database), from BENCH_POSTGRES_URL. */
export function postgresBaseUrl(): string {
  return process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export function postgresDbName(size: Size): string {
  return `switchyard_bench_${size}`;
}

export function postgresUrl(size: Size): string {
  const url = new URL(postgresBaseUrl());
  url.pathname = `/${postgresDbName(size)}`;
  return url.toString();
}

export function sqliteFile(size: Size): string {
  return `${benchDir}data/${size}.db`;
}

/** The URL a system is given for this provider and size. */
export function databaseUrl(provider: Provider, size: Size): string {
  return provider === 'postgres' ? postgresUrl(size) : `file:${sqliteFile(size)}`;
}

/** The stock of book 77 as generated, restored after W7 writes it. */
export function generatedStock(bookId: number): number {
  return bookId % 50;
}
