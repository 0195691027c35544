/**
 * RequestAuthentication specs → the JWT config of one workload. Every rule of every applicable
 * policy becomes a provider; rules are ordered by issuer as Istio orders them. Whatever tack does
 * not carry out is returned as a finding rather than dropped.
 */
import type { Check } from '../../api/checks.js';
import { Codes, formatPath, refOf } from '../../api/index.js';
import type { JWTRule } from '../../api/kinds/request-authentication.js';
import { parseDuration } from '../../api/schema/duration.js';
import type { JwksSourceConfig, JwtConfig, JwtLocationsConfig, JwtProviderConfig } from './config.js';
import { matchPolicy, policiesForWorkload, type JwtWorkload, type RequestAuthenticationResource } from './selection.js';

/** Istio's defaults for a rule. */
export const JWT_DEFAULTS = {
  timeoutMs: 5000,
  /** Istio gives Envoy's remote JWKS a five-minute cache. */
  cacheDurationMs: 5 * 60 * 1000,
  clockSkewSeconds: 60,
  spaceDelimitedClaims: ['permission', 'scope'],
} as const;

export interface JwtCompileResult {
  /** Undefined when no rule applies: the workload needs no JWT filter. */
  config: JwtConfig | undefined;
  findings: Check[];
}

function locationsOf(rule: JWTRule): JwtLocationsConfig {
  const headers = (rule.fromHeaders ?? []).map((h) => ({ name: h.name.toLowerCase(), prefix: h.prefix ?? '' }));
  const params = [...(rule.fromParams ?? [])];
  const cookies = [...(rule.fromCookies ?? [])];
  // Envoy's default locations, used only when the rule names none.
  if (headers.length === 0 && params.length === 0 && cookies.length === 0) return { headers: [{ name: 'authorization', prefix: 'Bearer ' }], params: ['access_token'], cookies: [] };
  return { headers, params, cookies };
}

function jwksOf(rule: JWTRule): JwksSourceConfig {
  const timeoutMs = rule.timeout !== undefined ? (parseDuration(rule.timeout) ?? JWT_DEFAULTS.timeoutMs) : JWT_DEFAULTS.timeoutMs;
  const cacheDurationMs = JWT_DEFAULTS.cacheDurationMs;
  if (rule.jwks !== undefined) return { kind: 'inline', jwks: rule.jwks };
  const uri = rule.jwksUri ?? rule.jwks_uri;
  if (uri !== undefined) return { kind: 'remote', uri, timeoutMs, cacheDurationMs };
  // Neither: Istio resolves the issuer's OpenID discovery document.
  return { kind: 'discovery', uri: `${(rule.issuer ?? '').replace(/\/+$/, '')}/.well-known/openid-configuration`, timeoutMs, cacheDurationMs };
}

function spaceDelimited(rule: JWTRule): string[] {
  return [...new Set([...(rule.spaceDelimitedClaims ?? []), ...JWT_DEFAULTS.spaceDelimitedClaims])].sort();
}

function finding(r: RequestAuthenticationResource, path: (string | number)[], level: Check['level'], message: string): Check {
  const c: Check = { code: Codes.NotEnforced, level, path: formatPath(path), message, resource: refOf({ kind: 'RequestAuthentication', name: r.name, namespace: r.namespace }) };
  if (r.source) c.source = r.source;
  return c;
}

/** What tack leaves undone in a policy that applies. */
function unsupported(r: RequestAuthenticationResource): Check[] {
  const out: Check[] = [];
  (r.object.spec.jwtRules ?? []).forEach((rule, i) => {
    if (rule.presence === 'REQUIRED') {
      out.push(finding(r, ['spec', 'jwtRules', i, 'presence'], 'Warning', 'presence: REQUIRED is not enforced (Istio does not enforce it either): a request without a token still passes; require one with an AuthorizationPolicy rule on requestPrincipals: ["*"]'));
    }
  });
  return out;
}

export function compileJwtConfig(all: readonly RequestAuthenticationResource[], workload: JwtWorkload, rootNamespace: string): JwtCompileResult {
  const applied = policiesForWorkload(all, workload, rootNamespace);
  const findings: Check[] = applied.flatMap(unsupported);
  for (const r of all) {
    const inScope = (r.namespace ?? 'default') === workload.namespace || (r.namespace ?? 'default') === rootNamespace;
    if (inScope && matchPolicy(r, workload) === 'ignored' && (r.object.spec.targetRef || r.object.spec.targetRefs)) {
      findings.push(finding(r, ['spec', r.object.spec.targetRefs ? 'targetRefs' : 'targetRef'], 'Info', `targetRef attaches a policy to a Gateway API gateway only: ignored for workload in namespace ${workload.namespace}`));
    }
  }
  const rules = applied.flatMap((r) => (r.object.spec.jwtRules ?? []).map((rule) => ({ rule, policy: `${r.namespace ?? 'default'}/${r.name}` })));
  if (rules.length === 0) return { config: undefined, findings };
  // Istio sorts rules by issuer; a stable sort keeps policy order among equal issuers.
  rules.sort((a, b) => ((a.rule.issuer ?? '') < (b.rule.issuer ?? '') ? -1 : (a.rule.issuer ?? '') > (b.rule.issuer ?? '') ? 1 : 0));
  const providers: JwtProviderConfig[] = rules.map(({ rule, policy }, i) => ({
    name: `origins-${i}`,
    policy,
    issuer: rule.issuer ?? '',
    audiences: [...(rule.audiences ?? [])],
    jwks: jwksOf(rule),
    locations: locationsOf(rule),
    forwardOriginalToken: rule.forwardOriginalToken ?? false,
    outputPayloadToHeader: rule.outputPayloadToHeader ?? '',
    outputClaimToHeaders: (rule.outputClaimToHeaders ?? []).map((c) => ({ header: c.header, claim: c.claim })),
    spaceDelimitedClaims: spaceDelimited(rule),
    clockSkewSeconds: JWT_DEFAULTS.clockSkewSeconds,
  }));
  return { config: { providers, bypassCorsPreflight: true }, findings };
}

export { policiesForWorkload, type JwtWorkload, type RequestAuthenticationResource } from './selection.js';
