import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import { selectorMatches, selectorText } from '../context.js';

/** The namespace whose policies apply to the whole mesh (MeshConfig rootNamespace; tack's is fixed). */
export const ROOT_NAMESPACE = 'istio-system';

/** Istio's namespace patterns: `*`, `prefix*`, `*suffix` or an exact name. */
export function namespacePatternMatches(pattern: string, ns: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return ns.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return ns.startsWith(pattern.slice(0, -1));
  return pattern.toLowerCase() === ns.toLowerCase();
}

/**
 * An AuthorizationPolicy must apply to some workload (its selector in its namespace, any workload of
 * its namespace without a selector, any in the mesh from the root namespace), and the namespaces its
 * sources name must exist.
 */
export const authorizationPoliciesAnalyzer: Analyzer = {
  name: 'authz.authorization-policies',
  istioName: 'authz.AuthorizationPoliciesAnalyzer',
  codes: [Codes.NoMatchingWorkloadsFound, Codes.ReferencedResourceNotFound],
  analyze(ctx) {
    const workloads = ctx.workloads();
    const namespaces = [...ctx.namespaces()];
    for (const ap of ctx.all('AuthorizationPolicy')) {
      const ns = ctx.namespaceOf(ap);
      const spec = ap.object.spec;
      const targeted = spec?.targetRef !== undefined || spec?.targetRefs !== undefined;
      const selector = spec?.selector?.matchLabels;
      if (!targeted) {
        if (ns === ROOT_NAMESPACE) {
          if (spec?.selector && !workloads.some((w) => selectorMatches(selector ?? {}, w.labels))) {
            ctx.report(ap, Codes.NoMatchingWorkloadsFound, 'Warning', `No matching workloads for this resource with the following labels: ${selectorText(selector)} (a policy in the root namespace ${ROOT_NAMESPACE} selects across the mesh, and no workload anywhere has them). Fix the selector`, ['spec', 'selector', 'matchLabels']);
          }
        } else if (!spec?.selector) {
          if (!workloads.some((w) => w.namespace === ns)) {
            ctx.report(ap, Codes.NoMatchingWorkloadsFound, 'Warning', `No workloads run in namespace ${ns}, so this namespace-wide policy applies to nothing. Check the policy's namespace`, ['metadata', 'namespace']);
          }
        } else if (!workloads.some((w) => w.namespace === ns && selectorMatches(selector ?? {}, w.labels))) {
          ctx.report(ap, Codes.NoMatchingWorkloadsFound, 'Warning', `No matching workloads for this resource with the following labels: ${selectorText(selector)} (none in namespace ${ns}; a policy only selects workloads of its own namespace). Fix the selector or move the policy`, ['spec', 'selector', 'matchLabels']);
        }
      }
      (spec?.rules ?? []).forEach((rule, i) => {
        (rule?.from ?? []).forEach((from, j) => {
          for (const field of ['namespaces', 'notNamespaces'] as const) {
            (from?.source?.[field] ?? []).forEach((pattern, k) => {
              if (typeof pattern !== 'string' || namespaces.some((n) => namespacePatternMatches(pattern, n))) return;
              ctx.report(ap, Codes.ReferencedResourceNotFound, 'Error', `Referenced namespace not found: "${pattern}" (no namespace matches it), so this ${field === 'namespaces' ? 'source never matches' : 'exclusion excludes nothing'}. Fix the name or pattern`, ['spec', 'rules', i, 'from', j, 'source', field, k]);
            });
          }
        });
      });
    }
  },
};
