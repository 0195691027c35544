import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import { selectorMatches, type TypedResource } from '../context.js';
import { resolveGatewayRef } from '../../hosts.js';
import { ROOT_NAMESPACE } from './authorization-policies.js';
import { gatewayWorkloads } from './gateway-selection.js';

const CLAIM_HEADER_PREFIX = '@request.auth.claims';

/** The first `@request.auth.claims...` header a route matches on, with its path. */
function claimMatch(vs: TypedResource<'VirtualService'>): { key: string; path: (string | number)[] } | undefined {
  const http = vs.object.spec?.http ?? [];
  for (const [i, rule] of http.entries()) {
    for (const [j, m] of (rule?.match ?? []).entries()) {
      for (const field of ['headers', 'withoutHeaders'] as const) {
        const key = Object.keys(m?.[field] ?? {}).find((k) => k.startsWith(CLAIM_HEADER_PREFIX));
        if (key !== undefined) return { key, path: ['spec', 'http', i, 'match', j, field, key] };
      }
    }
  }
  return undefined;
}

/**
 * Routing on a JWT claim (`@request.auth.claims.*` headers) needs a RequestAuthentication on the
 * gateway workload: without one no token is validated, the claim is never set, and the route never matches.
 */
export const jwtClaimRouteAnalyzer: Analyzer = {
  name: 'virtualservice.jwt-claim-route',
  istioName: 'virtualservice.JWTClaimRouteAnalyzer',
  codes: [Codes.JwtClaimBasedRoutingWithoutRequestAuthN],
  analyze(ctx) {
    const workloads = ctx.workloads();
    const gateways = new Map(ctx.all('Gateway').map((g) => [`${ctx.namespaceOf(g)}/${g.name}`, g]));
    const requestAuthns = ctx.all('RequestAuthentication');
    for (const vs of ctx.all('VirtualService')) {
      const claim = claimMatch(vs);
      if (!claim) continue;
      const ns = ctx.namespaceOf(vs);
      for (const ref of vs.object.spec?.gateways ?? []) {
        if (typeof ref !== 'string') continue;
        const target = resolveGatewayRef(ref, ns);
        if (target === 'mesh') continue;
        const gw = gateways.get(`${target.namespace}/${target.name}`);
        if (!gw) continue; // a missing Gateway is the gateway analyzer's finding
        for (const w of gatewayWorkloads(gw, workloads)) {
          const covered = requestAuthns.some((ra) => {
            const raNs = ctx.namespaceOf(ra);
            if (raNs !== ROOT_NAMESPACE && raNs !== w.namespace) return false;
            const spec = ra.object.spec;
            if (spec?.targetRef !== undefined || spec?.targetRefs !== undefined) return true; // cannot tell from labels; assume it applies
            return selectorMatches(spec?.selector?.matchLabels ?? {}, w.labels);
          });
          if (covered) continue;
          ctx.report(vs, Codes.JwtClaimBasedRoutingWithoutRequestAuthN, 'Error', `This VirtualService routes on the JWT claim header "${claim.key}", but no RequestAuthentication applies to gateway workload ${w.namespace}/${w.name} of Gateway ${target.namespace}/${target.name}: no token is validated there, so the claim is never set and the route never matches. Add a RequestAuthentication selecting that workload`, claim.path);
        }
      }
    }
  },
};
