// JSON bodies from upstreams. JSON.parse is safe against prototype pollution by
// itself (`__proto__` becomes an own property, never a prototype), but no real
// API sends that key: a body with one is a probe and is refused, so nothing
// downstream ever has to be careful with it. Nesting is limited by a linear
// scan before parsing.
import { badResponse } from './badResponse.ts';

/** Objects and arrays nested deeper than this are refused. */
export const MAX_JSON_DEPTH = 64;

/** Parses `text` (already UTF-8 decoded) or throws UPSTREAM_BAD_RESPONSE. */
export function decodeJson(text: string, source: string): unknown {
  if (nestingExceeds(text, MAX_JSON_DEPTH)) {
    throw badResponse(source, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badResponse(source, `malformed JSON: ${describeSyntaxError(error)}`, error);
  }
  // The text check keeps the walk off the common path.
  if (text.includes('__proto__') && hasProtoKey(value))
    throw badResponse(source, 'JSON with a "__proto__" key, which is refused');
  return value;
}

// Iterative: the depth is already bounded, but a wide document must not recurse either.
function hasProtoKey(root: unknown): boolean {
  const stack = [root];
  while (stack.length) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) stack.push(...value);
    else {
      if (Object.hasOwn(value, '__proto__')) return true;
      stack.push(...Object.values(value));
    }
  }
  return false;
}

// Whether brackets nest deeper than `limit`, skipping string contents. Malformed
// text may be misjudged here; JSON.parse then reports it.
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c /* \ */) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

// V8's message without the excerpt of the body it quotes (`, "{"a":}" is not
// valid JSON`): upstream data has no place in a client-facing message.
function describeSyntaxError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, ' in JSON');
}
