/** Istio's host rules as the compiler needs them. */
import { CLUSTER_DOMAIN } from '../store/index.js';

/** A name without dots is short for a Service in the namespace of the resource that names it. */
export function resolveHost(host: string, namespace: string): string {
  if (host === '*' || host.includes('.')) return host;
  return `${host}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/** Does host pattern `pattern` (exact, `*.suffix`, `*`) cover `host` (itself possibly a wildcard)? */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) return true;
  if (pattern.startsWith('*')) {
    const suffix = pattern.slice(1);
    return host.startsWith('*') ? host.slice(1).endsWith(suffix) : host.endsWith(suffix);
  }
  return false;
}

export function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/** Is a resource with this exportTo visible from `namespace`? (`.` means the resource's own namespace.) */
export function exportedTo(exportTo: readonly string[] | undefined, owner: string, namespace: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || e === namespace || (e === '.' && owner === namespace));
}

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
