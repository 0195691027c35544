/**
 * Chooses the exposition format from a scrape's Accept header the way Prometheus offers them:
 * `application/openmetrics-text;version=1.0.0` (or 0.0.1) and `text/plain;version=0.0.4`, each with
 * a q weight. The highest-weighted format we speak wins (ties: the one listed first); anything
 * else, or no header at all, gets the text format, as client_golang does.
 */
import type { ExpositionFormat } from './exposition.js';

export interface Negotiated {
  format: ExpositionFormat;
  contentType: string;
}

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const OM_VERSIONS = new Set(['1.0.0', '0.0.1']);
const TEXT_VERSIONS = new Set(['0.0.4', '1.0.0']);
/** Anything longer is not a Prometheus scrape; do not spend time parsing it. */
const MAX_ACCEPT = 4096;

export function negotiateFormat(accept: string | undefined): Negotiated {
  const fallback: Negotiated = { format: 'text', contentType: TEXT_CONTENT_TYPE };
  if (!accept || accept.length > MAX_ACCEPT) return fallback;
  let best: Negotiated | undefined;
  let bestQ = 0;
  for (const range of accept.split(',')) {
    const parts = range.split(';');
    const type = parts[0]!.trim().toLowerCase();
    let q = 1;
    let version: string | undefined;
    for (let i = 1; i < parts.length; i++) {
      const eq = parts[i]!.indexOf('=');
      if (eq < 0) continue;
      const k = parts[i]!.slice(0, eq).trim().toLowerCase();
      const v = parts[i]!.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (k === 'q') {
        const n = Number(v);
        q = Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 0;
      } else if (k === 'version') version = v;
    }
    let candidate: Negotiated | undefined;
    if (type === 'application/openmetrics-text' && (version === undefined || OM_VERSIONS.has(version))) {
      candidate = { format: 'openmetrics', contentType: `application/openmetrics-text; version=${version ?? '1.0.0'}; charset=utf-8` };
    } else if (type === 'text/plain' && (version === undefined || TEXT_VERSIONS.has(version))) {
      // Prometheus 3 asks for text 1.0.0 (UTF-8 names); our names are all legacy-valid, so 0.0.4 serves it.
      candidate = fallback;
    } else if (type === '*/*' || type === 'text/*') {
      candidate = fallback;
    }
    if (candidate && q > bestQ) {
      best = candidate;
      bestQ = q;
    }
  }
  return best ?? fallback;
}
