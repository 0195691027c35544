/** Istio's host naming rules, shared by the analyzers, the registry and the compiler. */
export const CLUSTER_DOMAIN = 'cluster.local';

/** A name without dots is short for a Service in the namespace of the resource that names it. */
export function resolveHost(host: string, namespace: string): string {
  if (host === '*' || host.includes('.')) return host;
  return `${host}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;
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

/** Do two host patterns share at least one name? */
export function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/** Is a resource with this exportTo visible from `namespace`? (`.` means the resource's own namespace.) */
export function exportedTo(exportTo: readonly string[] | undefined, owner: string, namespace: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || e === namespace || (e === '.' && owner === namespace));
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
