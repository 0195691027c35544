/** The request as the JWT engine reads it, and the query and cookie parsing it falls back on. */

export interface JwtRequest {
  readonly method: string;
  /** `:scheme` (http or https), for the realm of a denial. */
  readonly scheme: string;
  /** `:authority`. */
  readonly host: string;
  /** The request target, path and query, as received. */
  readonly path: string;
  /** A header's value(s) by lower-case name; Node's IncomingHttpHeaders has this shape. */
  header(name: string): string | readonly string[] | undefined;
  /** First decoded value of a query parameter; parsed from `path` when not given. */
  query?(name: string): string | undefined;
  /** A cookie's value; parsed from the `cookie` header when not given. */
  cookie?(name: string): string | undefined;
}

function decode(text: string): string {
  const plus = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** First value of query parameter `name` in a request target, decoded. */
export function queryParamOf(path: string, name: string): string | undefined {
  const q = path.indexOf('?');
  if (q < 0) return undefined;
  const end = path.indexOf('#', q);
  const query = end < 0 ? path.slice(q + 1) : path.slice(q + 1, end);
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (key === name) return eq < 0 ? '' : decode(pair.slice(eq + 1));
  }
  return undefined;
}

/** The request target without any `name=` parameter; the '?' goes when nothing is left. */
export function withoutQueryParam(path: string, name: string): string {
  const q = path.indexOf('?');
  if (q < 0) return path;
  const kept = path
    .slice(q + 1)
    .split('&')
    .filter((pair) => {
      if (pair === '') return false;
      const eq = pair.indexOf('=');
      return decode(eq < 0 ? pair : pair.slice(0, eq)) !== name;
    });
  return kept.length === 0 ? path.slice(0, q) : `${path.slice(0, q)}?${kept.join('&')}`;
}

/** A cookie from the `cookie` header value(s): first occurrence wins, surrounding quotes dropped. */
export function cookieOf(header: string | readonly string[] | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const lines = typeof header === 'string' ? [header] : header;
  for (const line of lines) {
    for (const part of line.split(';')) {
      const item = part.trimStart();
      const eq = item.indexOf('=');
      if (eq < 0 || item.slice(0, eq) !== name) continue;
      const v = item.slice(eq + 1);
      return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
    }
  }
  return undefined;
}
