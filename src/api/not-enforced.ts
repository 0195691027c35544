/**
 * Istio resources and fields tack validates and stores but does not enforce yet. Each resource that
 * uses one gets one warning (apply, up and analyze show it), so nobody mistakes "accepted" for
 * "working": a PeerAuthentication STRICT that lets plaintext through is worse than a refusal.
 * An entry leaves this table in the change that makes it take effect.
 */
import { Codes, type Check } from './checks.js';
import type { PathPart } from './yaml/load.js';
import type { Resource } from './resource.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface Finding {
  path: PathPart[];
  what: string;
}

type Finder = (spec: Obj) => Finding[];

/** A DestinationRule's `tls` settings wherever a traffic policy can carry them. */
function destinationRuleTls(spec: Obj): Finding[] {
  const out: Finding[] = [];
  const policy = (p: unknown, path: PathPart[], where: string): void => {
    const tp = obj(p);
    if (!tp) return;
    const tls = obj(tp.tls);
    if (tls) out.push({ path: [...path, 'tls'], what: `${where}tls mode ${str(tls.mode) ?? 'DISABLE'}` });
    list(tp.portLevelSettings).forEach((s, i) => {
      const t = obj(obj(s)?.tls);
      if (t) out.push({ path: [...path, 'portLevelSettings', i, 'tls'], what: `${where}port-level tls mode ${str(t.mode) ?? 'DISABLE'}` });
    });
  };
  policy(spec.trafficPolicy, ['trafficPolicy'], '');
  list(spec.subsets).forEach((s, i) => policy(obj(s)?.trafficPolicy, ['subsets', i, 'trafficPolicy'], `subset ${str(obj(s)?.name) ?? i} `));
  return out;
}

const FINDERS: Record<string, Finder> = {
  PeerAuthentication: (spec) => {
    const mode = str(obj(spec.mtls)?.mode) ?? 'UNSET';
    const ports = Object.keys(obj(spec.portLevelMtls) ?? {});
    return [{ path: ['mtls'], what: `mtls ${mode}${ports.length ? ` (and portLevelMtls for ${ports.join(', ')})` : ''}` }];
  },
  AuthorizationPolicy: (spec) => {
    const action = str(spec.action) ?? 'ALLOW';
    const rules = list(spec.rules).length;
    // Istio reads an ALLOW policy without rules as "deny everything": the riskiest one to leave silent.
    return [{ path: [], what: action === 'ALLOW' && rules === 0 ? 'action ALLOW with no rules (in Istio: deny every request)' : `action ${action} with ${rules} rule(s)` }];
  },
  RequestAuthentication: (spec) => {
    const issuers = list(spec.jwtRules).map((r) => str(obj(r)?.issuer)).filter((x): x is string => x !== undefined);
    return [{ path: ['jwtRules'], what: `jwtRules${issuers.length ? ` (issuer ${issuers.join(', ')})` : ''}` }];
  },
  VirtualService: (spec) => [
    ...(list(spec.tcp).length ? [{ path: ['tcp'], what: 'tcp routes' }] : []),
    ...(list(spec.tls).length ? [{ path: ['tls'], what: 'tls routes' }] : []),
  ],
  DestinationRule: destinationRuleTls,
  Gateway: (spec) =>
    list(spec.servers).flatMap((s, i) => {
      const tls = obj(obj(s)?.tls);
      if (!tls) return [];
      const redirect = tls.httpsRedirect === true ? 'httpsRedirect' : undefined;
      const mode = str(tls.mode);
      return [{ path: ['servers', i, 'tls'], what: [redirect, mode ? `tls mode ${mode}` : undefined].filter(Boolean).join(' and ') || 'tls' }];
    }),
};

/** One Warning for a resource that uses what tack does not enforce yet, or none. */
export function notEnforced(kind: string, name: string, namespace: string | undefined, object: Obj, lineOf: (path: readonly PathPart[]) => number, file: string): Check | undefined {
  const finder = FINDERS[kind];
  const spec = obj(object.spec);
  if (!finder || !spec) return undefined;
  const found = finder(spec);
  const first = found[0];
  if (!first) return undefined;
  return {
    code: Codes.NotEnforced,
    level: 'Warning',
    path: ['spec', ...first.path].map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1).replace(/\.\[/g, '['),
    message: `${found.map((f) => f.what).join('; ')} ${found.length > 1 ? 'are' : 'is'} accepted but not enforced yet`,
    resource: { kind, name, ...(namespace ? { namespace } : {}) },
    source: { file, line: lineOf(['spec', ...first.path]) },
  };
}

/** The warnings for every resource given that uses what tack does not enforce yet. */
export function notEnforcedChecks(resources: readonly Resource[]): Check[] {
  const out: Check[] = [];
  for (const r of resources) {
    const c = notEnforced(r.kind, r.name, r.namespace, r.object as Obj, r.lineOf, r.source.file);
    if (c) out.push(c);
  }
  return out;
}
