// A call's path is appended to its source's base URL as text, never resolved
// against it: `new URL('/stock', 'http://host/api/')` would drop `/api`, and a
// rendered path such as `//elsewhere/x` must not be able to change the host.

/** `baseUrl` + `path` with exactly one slash between them; throws a TypeError when the result is not a URL. */
export function joinUrl(baseUrl: string, path: string): URL {
  const base = baseUrl.replace(/\/+$/, '');
  const joined = path === '' ? base : path.startsWith('/') ? base + path : `${base}/${path}`;
  const url = new URL(joined);
  if (url.origin !== new URL(baseUrl).origin) throw new TypeError(`path changes the origin of ${baseUrl}`);
  return url;
}
