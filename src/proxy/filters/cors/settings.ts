/**
 * Istio's corsPolicy (Envoy's CORS filter): preflights from allowed origins are answered by the
 * proxy; actual requests from allowed origins get the CORS response headers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CorsConfig } from '../../../compile/config.js';
import { compileStringMatcher, type StringTest } from '../../runtime/matchers.js';

export interface CorsSettings {
  config: CorsConfig;
  origins: StringTest[];
}

/** Built once per configuration: origin matchers compiled when the config arrives. */
export function corsSettings(config: CorsConfig): CorsSettings {
  return { config, origins: config.allowOrigins.map((m) => compileStringMatcher(m)) };
}

export type CorsOutcome = { kind: 'preflight'; headers: Record<string, string> } | { kind: 'not-allowed-preflight' } | { kind: 'pass'; responseHeaders?: Record<string, string> };

/** As Envoy's isOriginAllowed: a matcher that accepts "*" (e.g. `exact: "*"`) allows every origin. */
function allowed(s: CorsSettings, origin: string): boolean {
  return s.origins.some((t) => t('*') || t(origin));
}

/** A configured "*" is answered, as Envoy does, with what the preflight asks for. */
function echoStar(configured: string, requested: string | string[] | undefined): string {
  if (configured !== '*') return configured;
  return Array.isArray(requested) ? requested.join(',') : requested ?? '';
}

export function evaluateCors(s: CorsSettings, method: string, headers: IncomingHttpHeaders): CorsOutcome {
  const origin = headers.origin;
  if (typeof origin !== 'string' || origin === '') return { kind: 'pass' };
  const preflight = method === 'OPTIONS' && headers['access-control-request-method'] !== undefined;
  const ok = allowed(s, origin);
  if (preflight) {
    if (!ok) return s.config.unmatchedPreflights === 'IGNORE' ? { kind: 'not-allowed-preflight' } : { kind: 'pass' };
    const out: Record<string, string> = { 'access-control-allow-origin': origin };
    const methods = s.config.allowMethods ? echoStar(s.config.allowMethods, headers['access-control-request-method']) : '';
    if (methods) out['access-control-allow-methods'] = methods;
    const allowHeaders = s.config.allowHeaders ? echoStar(s.config.allowHeaders, headers['access-control-request-headers']) : '';
    if (allowHeaders) out['access-control-allow-headers'] = allowHeaders;
    if (s.config.maxAge) out['access-control-max-age'] = s.config.maxAge;
    if (s.config.allowCredentials) out['access-control-allow-credentials'] = 'true';
    return { kind: 'preflight', headers: out };
  }
  if (!ok) return { kind: 'pass' };
  const out: Record<string, string> = { 'access-control-allow-origin': origin };
  if (s.config.exposeHeaders) out['access-control-expose-headers'] = s.config.exposeHeaders;
  if (s.config.allowCredentials) out['access-control-allow-credentials'] = 'true';
  return { kind: 'pass', responseHeaders: out };
}
