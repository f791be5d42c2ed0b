// URLs end up in results, logs and `extensions.sources`, where a client or a
// log reader may see them. Credentials travel in URLs more often than they
// should (user info, `?api_key=`), so every URL leaves a source redacted.

const SECRET_PARAM = /key|token|secret|password|passwd|signature|sig|auth|credential/i;

/**
 * Returns `url` with user info and the values of credential-like query
 * parameters replaced by `***`. The rest of the query is kept byte for byte
 * (not re-encoded), so the result still reads like the URL that was called.
 * A string that is not an absolute URL is returned as `***`.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '***';
  }
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  parsed.hash = '';
  if (parsed.search) parsed.search = redactQuery(parsed.search.slice(1));
  return parsed.href;
}

/**
 * A call's path and query as a binding rendered it (`/stock?api_key=…`), with
 * the values of credential-like query parameters replaced by `***`: what the
 * source log shows for a call that failed before it had a URL to report.
 */
export function redactPath(path: string): string {
  const query = path.indexOf('?');
  if (query === -1) return path;
  return `${path.slice(0, query)}?${redactQuery(path.slice(query + 1).replace(/#.*$/s, ''))}`;
}

// One `name=value` pair at a time, decoding only the name to test it.
function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      return SECRET_PARAM.test(safeDecode(rawName)) && equals !== -1 ? `${rawName}=***` : pair;
    })
    .join('&');
}

// A malformed escape must not make redaction throw: test the raw text instead.
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
