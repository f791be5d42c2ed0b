// One HttpSource per `@source`, with `env:NAME` references read from the
// environment now, at startup: a missing or malformed variable stops the
// server with a message naming the variable and the source, not a failing
// call at the first request.
import { HttpSource } from '../../sources/http/HttpSource.ts';
import type { HttpSourceConfig } from '../../sources/http/types.ts';
import type { SourceSpec, ValueRef } from './httpPlan.ts';

export class SourceConfigError extends Error {
  override name = 'SourceConfigError';
}

/** Resolves every source's environment references; throws listing every problem. */
export function sourceConfigs(specs: ReadonlyMap<string, SourceSpec>, env: NodeJS.ProcessEnv): HttpSourceConfig[] {
  const problems: string[] = [];
  const read = (ref: ValueRef, what: string): string => {
    if ('value' in ref) return ref.value;
    const value = env[ref.env];
    if (value === undefined || value === '') problems.push(`${what} reads ${ref.env}, which is not set`);
    return value ?? '';
  };
  const configs = [...specs.values()].map((spec): HttpSourceConfig => {
    const at = `@source(name: "${spec.name}")`;
    const baseUrl = read(spec.url, `${at} url`);
    if (baseUrl && !/^https?:\/\/[^/]/.test(baseUrl))
      problems.push(`${at} url: "${baseUrl}" is not an absolute http(s) URL`);
    return {
      name: spec.name,
      baseUrl,
      format: spec.format,
      timeoutMs: spec.timeoutMs,
      headers: Object.fromEntries(spec.headers.map((h) => [h.name, read(h.value, `${at} header ${h.name}`)])),
      forwardHeaders: spec.forwardHeaders,
      maxConcurrency: spec.maxConcurrency,
      maxBodyBytes: spec.maxBodyBytes,
      retries: spec.retries,
      retryBaseMs: 100,
      maxRetryDelayMs: Math.max(1000, spec.timeoutMs),
      breaker: spec.breaker,
      sharedCache: spec.cache ? { maxBytes: spec.cacheMaxBytes } : undefined,
      namespaces: spec.namespaces,
    };
  });
  if (problems.length) throw new SourceConfigError(`HTTP sources are misconfigured:\n  - ${problems.join('\n  - ')}`);
  return configs;
}

/** The environment variables the sources read: those `npm start` may fill from the example upstreams. */
export function sourceEnvNames(specs: ReadonlyMap<string, SourceSpec>): string[] {
  const names = new Set<string>();
  for (const spec of specs.values())
    for (const ref of [spec.url, ...spec.headers.map((h) => h.value)]) if ('env' in ref) names.add(ref.env);
  return [...names];
}

export function createHttpSources(specs: ReadonlyMap<string, SourceSpec>, env: NodeJS.ProcessEnv) {
  return new Map(sourceConfigs(specs, env).map((config) => [config.name, new HttpSource(config)]));
}
