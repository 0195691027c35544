/**
 * What a Sidecar resource's egress listeners let a workload's sidecar see, as Istio's SidecarScope
 * decides it (pilot/pkg/model/sidecar.go): each listener imports services and VirtualServices by
 * `namespace/dnsName` (`.` the workload's namespace, `*` any namespace, a `~` prefix excludes), and
 * the route table of a port is built from the listener on that port, else the catch-all one.
 */
import type { RegistryService, WorkloadInstance } from '../store/index.js';
import { parseProtocol } from '../api/protocols.js';
import { hostCovers, hostsOverlap, resolveHost } from '../api/hosts.js';
import type { MeshIndex, VirtualServiceResource } from './mesh-index.js';
import { sidecarFor } from './sidecar-scope.js';

/** The hosts one listener names in one namespace (or `*`). */
interface HostClass {
  exact: Set<string>;
  /** Every imported host, exact and wildcard, for the pattern checks. */
  all: string[];
  excluded: string[];
}

export interface EgressListenerScope {
  /** The listener's port; undefined for the catch-all listener. */
  port: number | undefined;
  /** Services are imported on the listener's port only (a port that is not HTTP_PROXY). */
  matchPort: boolean;
  byNamespace: Map<string, HostClass>;
}

export interface EgressScope {
  /** In the order written: port listeners first, the catch-all (if any) last. */
  listeners: EgressListenerScope[];
}

const WILDCARD_NS = '*';

/** One egress listener's hosts, by namespace. */
function listenerScope(hosts: readonly string[], port: number | undefined, protocol: string | undefined, configNamespace: string): EgressListenerScope {
  const byNamespace = new Map<string, HostClass>();
  for (const h of hosts) {
    const parts = h.split('/');
    if (parts.length !== 2) continue; // validation refuses these; Istio skips them too
    const name = parts[1] as string;
    let ns = parts[0] as string;
    const excluded = ns.startsWith('~');
    if (excluded) ns = ns.slice(1) || WILDCARD_NS;
    if (ns === '.') ns = configNamespace;
    const hc = byNamespace.get(ns) ?? { exact: new Set<string>(), all: [], excluded: [] };
    if (excluded) hc.excluded.push(name);
    else {
      if (!name.startsWith('*')) hc.exact.add(name);
      hc.all.push(name);
    }
    byNamespace.set(ns, hc);
  }
  const matchPort = port !== undefined && port !== 0 && parseProtocol(protocol ?? '') !== 'HTTP_PROXY';
  return { port, matchPort, byNamespace };
}

/**
 * The egress scope of a workload's sidecar; no Sidecar, or one without egress, means one catch-all
 * listener importing `*\/*`. `./` means the workload's namespace even for a root-namespace Sidecar.
 */
export function egressScopeFor(index: MeshIndex, w: WorkloadInstance): EgressScope {
  const egress = sidecarFor(index, w)?.object.spec.egress ?? [];
  if (egress.length === 0) return { listeners: [listenerScope(['*/*'], undefined, undefined, w.namespace)] };
  return { listeners: egress.map((l) => listenerScope(l.hosts, l.port?.number, l.port?.protocol, w.namespace)) };
}

/** The listener that serves route table `port`: the one on that port, else the catch-all (GetEgressListenerForRDS). */
export function listenerForPort(scope: EgressScope, port: number): EgressListenerScope | undefined {
  return scope.listeners.find((l) => l.port === undefined || l.port === port);
}

function excluded(hc: HostClass | undefined, host: string): boolean {
  return hc !== undefined && hc.excluded.some((e) => hostCovers(e, host));
}

/** hostClassification.Matches: the service host is named exactly, or falls under an imported pattern. */
function serviceMatches(hc: HostClass, host: string): boolean {
  if (hc.exact.has(host)) return true;
  return hc.all.some((h) => (host.startsWith('*') || h.startsWith('*')) && hostCovers(h, host));
}

/** hostClassification.VSMatches (non-gateway semantics): a VirtualService host and an imported one overlap either way. */
function virtualServiceMatches(hc: HostClass, host: string): boolean {
  if (hc.exact.has(host)) return true;
  return hc.all.some((h) => (host.startsWith('*') || h.startsWith('*')) && hostsOverlap(h, host));
}

/** Does the listener import this service (on `port`, when it matches ports)? Its own namespace's hosts first, then `*`'s. */
export function importsService(l: EgressListenerScope, service: RegistryService, port: number): boolean {
  if (l.matchPort && l.port !== port) return false;
  const nsHosts = l.byNamespace.get(service.namespace);
  const anyHosts = l.byNamespace.get(WILDCARD_NS);
  if (excluded(nsHosts, service.hostname) || excluded(anyHosts, service.hostname)) return false;
  return (nsHosts !== undefined && serviceMatches(nsHosts, service.hostname)) || (anyHosts !== undefined && serviceMatches(anyHosts, service.hostname));
}

/** Does the listener import this VirtualService? By the VirtualService's own namespace, as Istio's SelectVirtualServices does. */
export function importsVirtualService(l: EgressListenerScope, vs: VirtualServiceResource): boolean {
  const vsNamespace = vs.namespace ?? 'default';
  const nsHosts = l.byNamespace.get(vsNamespace);
  const anyHosts = l.byNamespace.get(WILDCARD_NS);
  return (vs.object.spec.hosts ?? []).some((raw) => {
    const host = resolveHost(raw, vsNamespace);
    if (excluded(nsHosts, host) || excluded(anyHosts, host)) return false;
    return (nsHosts !== undefined && virtualServiceMatches(nsHosts, host)) || (anyHosts !== undefined && virtualServiceMatches(anyHosts, host));
  });
}

/** Is the service's port among the sidecar's clusters: imported by any listener (the union Istio's CDS is built from)? */
export function importedAnywhere(scope: EgressScope, service: RegistryService, port: number): boolean {
  return scope.listeners.some((l) => importsService(l, service, port));
}
