/** Istio's host naming rules, shared by the analyzers (and later the compiler). */
export const CLUSTER_DOMAIN = 'cluster.local';

/** A name without dots is short for a Service in the namespace of the resource that names it. */
export function resolveShortName(host: string, namespace: string): string {
  if (host === '*' || host.includes('.')) return host;
  return `${host}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/** Does host pattern `pattern` (exact, `*.suffix` or `*`) match the concrete or wildcard `host`? */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) return true;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    if (host.startsWith('*.')) return host.slice(1).endsWith(suffix);
    return host.endsWith(suffix);
  }
  return false;
}

/** Do two host patterns share at least one name? */
export function hostsOverlap(a: string, b: string): boolean {
  return hostMatches(a, b) || hostMatches(b, a);
}

/** `ns/name` or `name` (resolved in `namespace`) of a gateway reference; `mesh` stays `mesh`. */
export function resolveGatewayRef(ref: string, namespace: string): { namespace: string; name: string } | 'mesh' {
  if (ref === 'mesh') return 'mesh';
  const slash = ref.indexOf('/');
  if (slash >= 0) return { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
  // Istio also accepts `name.namespace.svc.cluster.local`-style references.
  const dot = ref.indexOf('.');
  if (dot >= 0) return { namespace: ref.slice(dot + 1).split('.')[0] ?? namespace, name: ref.slice(0, dot) };
  return { namespace, name: ref };
}
