/**
 * Finding a provider's tokens in a request, as Envoy's extractor does: header locations first (in
 * the order of name + prefix), then query parameters, then cookies; every header value counts.
 */
import type { JwtLocationsConfig } from './config.js';
import { cookieOf, queryParamOf, type JwtRequest } from './request.js';

export type TokenLocation = { kind: 'header'; name: string } | { kind: 'param'; name: string } | { kind: 'cookie'; name: string };

export interface FoundToken {
  readonly token: string;
  readonly location: TokenLocation;
}

export interface Extractor {
  extract(req: JwtRequest): FoundToken[];
}

// base64url letters and the dot: where a token starts after its prefix.
const TOKEN_CHAR = /[A-Za-z0-9_.-]/;

/** The token after `prefix` in a header value; the whole value when nothing token-like follows. */
function afterPrefix(value: string, prefix: string): string | undefined {
  if (prefix === '') return value;
  const at = value.indexOf(prefix);
  if (at < 0) return undefined;
  for (let i = at + prefix.length; i < value.length; i++) {
    if (TOKEN_CHAR.test(value[i] as string)) return value.slice(i);
  }
  return value;
}

const byKey = <T>(items: readonly T[], key: (t: T) => string): T[] => {
  const seen = new Map<string, T>();
  for (const t of items) if (!seen.has(key(t))) seen.set(key(t), t);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
};

export function buildExtractor(locations: JwtLocationsConfig): Extractor {
  const headers = byKey(
    locations.headers.map((h) => ({ name: h.name.toLowerCase(), prefix: h.prefix, location: { kind: 'header', name: h.name.toLowerCase() } as const })),
    (h) => h.name + h.prefix,
  );
  const params = byKey(locations.params, (p) => p).map((name) => ({ name, location: { kind: 'param', name } as const }));
  const cookies = byKey(locations.cookies, (c) => c).map((name) => ({ name, location: { kind: 'cookie', name } as const }));
  return {
    extract(req) {
      const out: FoundToken[] = [];
      for (const h of headers) {
        const v = req.header(h.name);
        if (v === undefined) continue;
        for (const value of typeof v === 'string' ? [v] : v) {
          const token = afterPrefix(value, h.prefix);
          if (token !== undefined) out.push({ token, location: h.location });
        }
      }
      if (params.length > 0 && req.path.includes('?')) {
        for (const p of params) {
          const token = req.query ? req.query(p.name) : queryParamOf(req.path, p.name);
          if (token !== undefined) out.push({ token, location: p.location });
        }
      }
      for (const c of cookies) {
        const token = req.cookie ? req.cookie(c.name) : cookieOf(req.header('cookie'), c.name);
        if (token !== undefined) out.push({ token, location: c.location });
      }
      return out;
    },
  };
}
