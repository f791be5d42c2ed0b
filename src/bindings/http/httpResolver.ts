// The resolver of an `@http` field. Calls go through the request's loaders:
// a batched field sends the keys of all its parents in one call (split at
// `maxSize`) and matches items back by key; any other GET is made once per
// distinct URL per request. The source itself shares identical in-flight GETs
// across requests, caches, retries and breaks the circuit.
import { ErrorCode } from '../../errors/codes.ts';
import { UpstreamFieldError } from '../../errors/GatewayError.ts';
import type { GatewayContext, HttpSourceClient } from '../../graphql/context.ts';
import { redactPath } from '../../sources/http/redactUrl.ts';
import { UpstreamError, type HttpCall, type HttpResult } from '../../sources/http/types.ts';
import { applyShape, ShapeError } from './applyShape.ts';
import type { HttpBinding, Placeholder, SourceSpec } from './httpPlan.ts';
import { isXmlElement, selectPath } from './selectPath.ts';
import { renderCall, type ValueOf } from './template.ts';

type Parent = Record<string, unknown> | null | undefined;

/** An upstream failure or unusable answer, as the field's error. Other errors are bugs and stay masked. */
function fieldError(binding: HttpBinding, error: unknown): Error {
  if (error instanceof UpstreamError)
    return new UpstreamFieldError(ErrorCode[error.code], error.message, error.source, error.status);
  if (error instanceof ShapeError)
    return new UpstreamFieldError(
      ErrorCode.UPSTREAM_BAD_RESPONSE,
      `${binding.source} sent a value that does not fit the schema: ${error.message}`,
      binding.source,
    );
  return error instanceof Error ? error : new Error(String(error));
}

function forwarded(spec: SourceSpec, ctx: GatewayContext): Record<string, string> | undefined {
  if (spec.forwardHeaders.length === 0) return undefined;
  const headers: Record<string, string> = {};
  for (const name of spec.forwardHeaders) {
    const value = ctx.http.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

async function send(
  binding: HttpBinding,
  spec: SourceSpec,
  ctx: GatewayContext,
  call: Pick<HttpCall, 'path' | 'body'>,
  batchSize?: number,
): Promise<HttpResult> {
  const source = ctx.http.sources.get(binding.source) as HttpSourceClient;
  return ctx.log.record(
    { source: binding.source, operation: binding.at, method: binding.method, batchSize },
    async (entry) => {
      // Redacted now: a call that fails never reports the URL it called, and the log reaches clients.
      entry.url = redactPath(call.path);
      try {
        const result = await source.call({
          method: binding.method,
          ...call,
          headers: forwarded(spec, ctx),
          retryNonIdempotent: binding.retry,
          signal: ctx.http.signal,
        });
        Object.assign(entry, {
          url: result.url,
          status: result.status,
          cache: result.cache,
          attempts: result.attempts,
        });
        return result;
      } catch (error) {
        if (error instanceof UpstreamError && error.status !== undefined) entry.status = error.status;
        throw error;
      }
    },
  );
}

// Keys compare as text: ids may be numbers in the database and strings in the
// upstream's JSON; dates travel as ISO strings, as in single calls.
function keyText(value: unknown): string {
  if (isXmlElement(value)) return value.text;
  return value instanceof Date ? value.toISOString() : String(value);
}

/** One batched call for `keys`; each key gets its shaped value or its own error. */
async function loadBatch(
  binding: HttpBinding,
  spec: SourceSpec,
  ctx: GatewayContext,
  rest: string,
  body: unknown,
  keys: readonly unknown[],
): Promise<unknown[]> {
  const batch = binding.batch!;
  const texts = keys.map(keyText);
  // A key holding the separator would reach the upstream as two keys (it
  // decodes the parameter before splitting it): it cannot be sent this way.
  const unsendable = (text: string) => batch.param !== undefined && text.includes(batch.separator);
  const sendable = texts.filter((text) => !unsendable(text));
  let path = rest;
  if (batch.param) {
    const joined = sendable.map(encodeURIComponent).join(batch.separator);
    path += `${rest.includes('?') ? '&' : '?'}${encodeURIComponent(batch.param)}=${joined}`;
  } else {
    body = { ...(body as object | undefined), [batch.bodyField!]: keys };
  }
  let result: HttpResult | undefined;
  try {
    if (sendable.length) result = await send(binding, spec, ctx, { path, body }, sendable.length);
  } catch (error) {
    const failure = fieldError(binding, error);
    return keys.map(() => failure);
  }
  const items = selectPath(result?.value, binding.select).flatMap((n) => (Array.isArray(n) ? n : [n]));
  const byKey = new Map<string, unknown[]>();
  for (const item of items) {
    const key = selectPath(item, batch.key)[0];
    if (key === undefined || key === null) continue;
    const text = keyText(key);
    const list = byKey.get(text);
    if (list) list.push(item);
    else byKey.set(text, [item]);
  }
  return texts.map((text) => {
    if (unsendable(text))
      return new UpstreamFieldError(
        ErrorCode.UPSTREAM_FAILED,
        `${binding.at}: the key ${JSON.stringify(text.slice(0, 60))} contains the batch separator "${batch.separator}", so it cannot be sent to ${binding.source} in ${batch.param}`,
        binding.source,
      );
    const matched = byKey.get(text) ?? [];
    try {
      return applyShape(binding.shape, binding.shape.list ? matched : matched.slice(0, 1), binding.at);
    } catch (error) {
      return fieldError(binding, error);
    }
  });
}

export function httpResolver(binding: HttpBinding, spec: SourceSpec) {
  const bodyOf = (args: Record<string, unknown>) =>
    binding.body ? (binding.body.arg ? args[binding.body.arg] : args) : undefined;
  const idempotentRead = binding.method === 'GET';
  const notFoundIsNull = idempotentRead && !binding.shape.nonNull;

  return async (parent: Parent, args: Record<string, unknown>, ctx: GatewayContext): Promise<unknown> => {
    const valueOf: ValueOf = (p: Placeholder) => (p.from === 'args' ? args[p.name] : parent?.[p.key]);
    const empty = binding.shape.list ? [] : null;

    if (binding.batch) {
      const key = valueOf(binding.batch.keyFrom);
      const rest = renderCall(binding, valueOf, binding.batch.param);
      if (key === null || key === undefined || rest === null) return empty;
      const body = bodyOf(args);
      // Parents whose calls differ in anything but the key go in separate batches.
      const id = `http:${binding.at}:${rest}:${body === undefined ? '' : JSON.stringify(body)}`;
      const loader = ctx.loaders.keyed<unknown, unknown>(
        id,
        (keys) => loadBatch(binding, spec, ctx, rest, body, keys),
        {
          maxBatchSize: binding.batch.maxSize,
          cacheKeyFn: keyText,
        },
      );
      return loader.load(key);
    }

    const path = renderCall(binding, valueOf);
    if (path === null) return empty;
    const read = async (path: string, body?: unknown): Promise<unknown> => {
      try {
        const result = await send(binding, spec, ctx, { path, body });
        return applyShape(binding.shape, selectPath(result.value, binding.select), binding.at);
      } catch (error) {
        // A lookup of something the upstream does not have, on a nullable field, is null, as with @find.
        if (notFoundIsNull && error instanceof UpstreamError && error.status === 404) return null;
        throw fieldError(binding, error);
      }
    };
    // Writes run every time they are asked for; reads once per request and URL.
    if (!idempotentRead) return read(path, bodyOf(args));
    const loader = ctx.loaders.keyed<string, unknown>(
      `http:${binding.at}`,
      (paths) => Promise.all(paths.map((p) => read(p).catch((error: Error) => error))),
      { batch: false },
    );
    return loader.load(path);
  };
}
