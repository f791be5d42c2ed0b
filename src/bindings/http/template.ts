// Call templates: `/stock/{$parent.isbn}?currency={$args.currency}`. Parsed
// once at startup; rendering percent-encodes every value, so an argument can
// never change the path or add a parameter. Percent-encoding leaves `.` alone,
// and URL parsing resolves `.` and `..` segments (`/stock/..` is `/`), so a path
// with such a segment renders no call at all, as a missing value does.
import type { Placeholder, Template } from './httpPlan.ts';

export interface ParsedCall {
  path: Template;
  query: { name: string; value: Template }[];
}

const placeholderPattern = /\{([^{}]*)\}/g;
const placeholderBody = /^\$(args|parent)\.([_A-Za-z][_0-9A-Za-z]*)$/;

/** Parses a template; throws an Error whose message says what is wrong. */
export function parseTemplate(text: string): Template {
  const parts: Template = [];
  let last = 0;
  for (const match of text.matchAll(placeholderPattern)) {
    const body = placeholderBody.exec(match[1]!.trim());
    if (!body) throw new Error(`"{${match[1]}}" is not a placeholder; expected {$args.name} or {$parent.name}`);
    if (match.index > last) parts.push(text.slice(last, match.index));
    const from = body[1] as Placeholder['from'];
    parts.push({ from, name: body[2]!, key: body[2]! });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.some((p) => typeof p === 'string' && /[{}]/.test(p))) throw new Error(`unbalanced "{" or "}" in "${text}"`);
  return parts;
}

/** Splits `/path?a=1&b={$args.x}` into a path template and query parameter templates. */
export function parseCall(text: string): ParsedCall {
  if (!text.startsWith('/')) throw new Error(`"${text}" must start with "/" (it is appended to the source's URL)`);
  const [path, query = ''] = text.split(/\?(.*)/s, 2) as [string, string?];
  return {
    path: parseTemplate(path),
    query: query
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const [name, value = ''] = pair.split(/=(.*)/s, 2) as [string, string?];
        if (!name) throw new Error(`empty query parameter name in "${text}"`);
        return { name: decodeURIComponent(name), value: parseTemplate(value) };
      }),
  };
}

export function placeholders(template: Template): Placeholder[] {
  return template.filter((p): p is Placeholder => typeof p !== 'string');
}

/** The text of one value in a URL; lists are comma-joined. Null stays null. */
export function encodeValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    const items = value.map(encodeValue);
    return items.includes(null) ? null : items.join(',');
  }
  if (value instanceof Date) return encodeURIComponent(value.toISOString());
  return encodeURIComponent(String(value));
}

export type ValueOf = (placeholder: Placeholder) => unknown;

/** Renders a template; null when a placeholder has no value. */
export function renderTemplate(template: Template, valueOf: ValueOf): string | null {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const encoded = encodeValue(valueOf(part));
    if (encoded === null) return null;
    out += encoded;
  }
  return out;
}

/**
 * The path and query string, or null when a path placeholder has no value
 * or the path has a `.` or `..` segment (it would climb out of the bound path).
 * A query parameter whose placeholder has no value is left out; `skip` names
 * a parameter the caller fills itself (the batch parameter).
 */
export function renderCall(call: ParsedCall, valueOf: ValueOf, skip?: string): string | null {
  const path = renderTemplate(call.path, valueOf);
  if (path === null || path.split('/').some((segment) => segment === '.' || segment === '..')) return null;
  const params: string[] = [];
  for (const { name, value } of call.query) {
    if (name === skip) continue;
    const rendered = renderTemplate(value, valueOf);
    if (rendered !== null) params.push(`${encodeURIComponent(name)}=${rendered}`);
  }
  return params.length ? `${path}?${params.join('&')}` : path;
}
