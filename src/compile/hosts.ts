/** Host names as the compiler needs them beyond Istio's shared rules (src/api/hosts.ts). */
import { CLUSTER_DOMAIN } from '../api/hosts.js';

/**
 * The names a pod can use for a Service, as Kubernetes DNS resolves them from `fromNamespace`:
 * `reviews` (same namespace only), `reviews.ns`, `reviews.ns.svc`, `reviews.ns.svc.cluster.local`.
 */
export function serviceDomains(hostname: string, serviceNamespace: string, fromNamespace: string): string[] {
  const suffix = `.${serviceNamespace}.svc.${CLUSTER_DOMAIN}`;
  if (!hostname.endsWith(suffix)) return [hostname];
  const name = hostname.slice(0, -suffix.length);
  const out = [hostname, `${name}.${serviceNamespace}.svc`, `${name}.${serviceNamespace}`];
  if (serviceNamespace === fromNamespace) out.push(name);
  return out;
}
