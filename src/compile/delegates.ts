/**
 * Delegate VirtualServices merged into their root, as Istio does before it translates anything
 * (pilot/pkg/model/virtualservice_controller.go mergeVirtualServices, virtualservice.go
 * mergeHTTPRoute): each delegating route is replaced in place by the delegate's routes, each with
 * its matches narrowed by the root's and the root's route settings where it has none of its own.
 */
import type { HTTPMatchRequest, HTTPRoute } from '../api/kinds/virtual-service.js';
import type { StringMatch } from '../api/kinds/common.js';
import { exportedTo, resolveHost } from '../api/hosts.js';
import type { MeshIndex, VirtualServiceResource } from './mesh-index.js';

/** One route of a VirtualService after delegation, and where it was written (for its name). */
export interface MergedRoute {
  route: HTTPRoute;
  /** The VirtualService the route comes from: the root itself, or the delegate for a delegated route. */
  origin: VirtualServiceResource;
  /** The route's name in `origin`, or its index there. */
  label: string | number;
}

/** A delegate lookup and its answer, so that a cached translation can tell when it no longer holds. */
export interface DelegateRead {
  name: string | undefined;
  namespace: string;
  found: VirtualServiceResource | undefined;
}

/** The hostless VirtualService a delegate reference names; visibility is checked by the caller. */
export function findDelegate(index: MeshIndex, name: string | undefined, namespace: string): VirtualServiceResource | undefined {
  return index.virtualServices.find((v) => v.name === name && (v.namespace ?? 'default') === namespace && (v.object.spec.hosts ?? []).length === 0);
}

/** Istio's StringMatch getters read an unset oneof as "". */
const regexOf = (m: StringMatch): string => m.regex ?? '';
const prefixOf = (m: StringMatch): string => m.prefix ?? '';
const exactOf = (m: StringMatch): string => m.exact ?? '';

/**
 * Istio's stringMatchConflict: may the delegate's condition stand under the root's? Only a
 * narrowing one may (the same exact, an exact or longer prefix inside the root's prefix). A match
 * that is present but empty (`{}`, "header present") narrows nothing, so under a root condition
 * it conflicts, just as a regex on either side does.
 */
function stringMatchConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (!root || !leaf) return false;
  if (regexOf(root) !== '' && (regexOf(leaf) !== '' || prefixOf(leaf) !== '' || exactOf(leaf) !== '')) return true;
  if (regexOf(leaf) !== '' && (regexOf(root) !== '' || prefixOf(root) !== '' || exactOf(root) !== '')) return true;
  const exact = exactOf(root);
  if (exact !== '') return prefixOf(leaf) !== '' || exactOf(leaf) !== exact;
  const prefix = prefixOf(root);
  if (prefix !== '') {
    if (prefixOf(leaf) !== '') return !prefixOf(leaf).startsWith(prefix);
    if (exactOf(leaf) !== '') return !exactOf(leaf).startsWith(prefix);
  }
  return true;
}

function mapConflict(root: Record<string, StringMatch> | undefined, leaf: Record<string, StringMatch> | undefined): boolean {
  return Object.entries(leaf ?? {}).some(([k, v]) => stringMatchConflict(root?.[k], v));
}

/** Istio's hasConflict: does a delegate's match block reach beyond one of the root's? */
export function matchConflict(root: HTTPMatchRequest, leaf: HTTPMatchRequest): boolean {
  if ((['uri', 'scheme', 'method', 'authority'] as const).some((f) => stringMatchConflict(root[f], leaf[f]))) return true;
  // withoutHeaders are compared key by key with the root's withoutHeaders, exactly like headers.
  if (mapConflict(root.headers, leaf.headers) || mapConflict(root.withoutHeaders, leaf.withoutHeaders) || mapConflict(root.queryParams, leaf.queryParams)) return true;
  if ((root.ignoreUriCase ?? false) !== (leaf.ignoreUriCase ?? false)) return true;
  if ((root.port ?? 0) > 0 && (leaf.port ?? 0) > 0 && root.port !== leaf.port) return true;
  // A root sourceNamespace binds the delegate: one that names none (or another) conflicts.
  if ((root.sourceNamespace ?? '') !== '' && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [k, v] of Object.entries(leaf.sourceLabels ?? {})) if (root.sourceLabels?.[k] !== undefined && root.sourceLabels[k] !== v) return true;
  const rootGateways = root.gateways ?? [];
  const leafGateways = leaf.gateways ?? [];
  if (rootGateways.length > 0 && leafGateways.length > 0) {
    if (rootGateways.length < leafGateways.length || leafGateways.some((g) => !rootGateways.includes(g))) return true;
  }
  return false;
}

function mergeMaps<T>(root: Record<string, T> | undefined, leaf: Record<string, T> | undefined): Record<string, T> | undefined {
  return root || leaf ? { ...(root ?? {}), ...(leaf ?? {}) } : undefined;
}

/** Istio's mergeHTTPMatchRequest: the delegate's block, with the root's conditions where it sets none; maps merge, the delegate's key winning. */
function mergeMatch(root: HTTPMatchRequest, leaf: HTTPMatchRequest): HTTPMatchRequest {
  const out: HTTPMatchRequest = { ...leaf };
  const name = leaf.name && root.name ? `${root.name}-${leaf.name}` : leaf.name ?? root.name;
  if (name !== undefined) out.name = name;
  for (const f of ['uri', 'scheme', 'method', 'authority'] as const) if (out[f] === undefined && root[f] !== undefined) out[f] = root[f];
  for (const f of ['headers', 'withoutHeaders', 'queryParams'] as const) {
    const merged = mergeMaps(root[f], leaf[f]);
    if (merged) out[f] = merged;
  }
  const sourceLabels = mergeMaps(root.sourceLabels, leaf.sourceLabels);
  if (sourceLabels) out.sourceLabels = sourceLabels;
  if ((out.port ?? 0) === 0 && root.port !== undefined) out.port = root.port;
  if ((out.sourceNamespace ?? '') === '' && root.sourceNamespace !== undefined) out.sourceNamespace = root.sourceNamespace;
  if ((out.gateways ?? []).length === 0 && root.gateways !== undefined) out.gateways = root.gateways;
  if ((out.statPrefix ?? '') === '' && root.statPrefix !== undefined) out.statPrefix = root.statPrefix;
  return out;
}

/**
 * Istio's mergeHTTPMatchRequests: every block of the delegate must fit under at least one of the
 * root's, or the whole delegate route is dropped (`undefined`). The result is delegate-block major:
 * each delegate block merged with every root block it fits, in order.
 */
function mergeMatches(root: readonly HTTPMatchRequest[] | undefined, leaf: readonly HTTPMatchRequest[] | undefined): HTTPMatchRequest[] | undefined {
  if (!root || root.length === 0) return leaf ? [...leaf] : [];
  if (!leaf || leaf.length === 0) return [...root];
  const out: HTTPMatchRequest[] = [];
  for (const l of leaf) {
    const fits = root.filter((r) => !matchConflict(r, l));
    if (fits.length === 0) return undefined;
    for (const r of fits) out.push(mergeMatch(r, l));
  }
  return out;
}

/** The route settings a delegate route takes from its root when it sets none itself (mergeHTTPRoute). */
const INHERITED = ['rewrite', 'directResponse', 'timeout', 'retries', 'fault', 'mirror', 'mirrorPercent', 'mirrorPercentage', 'corsPolicy', 'mirrors', 'headers'] as const;

/** One delegate route under its root route; `undefined` when its matches conflict with the root's. */
function mergeRoute(root: HTTPRoute, leaf: HTTPRoute): HTTPRoute | undefined {
  const match = mergeMatches(root.match, leaf.match);
  if (!match) return undefined;
  const out: HTTPRoute = { ...leaf, match };
  if (match.length === 0) delete out.match;
  const target = out as Record<string, unknown>;
  for (const f of INHERITED) if (target[f] === undefined && root[f] !== undefined) target[f] = root[f];
  return out;
}

function gatewayIn(ref: string, namespace: string): string {
  return ref === 'mesh' || ref.includes('/') ? ref : `${namespace}/${ref}`;
}

/**
 * A route with its short names made full in `namespace`, the namespace it was written in, so that
 * a merged route mixing root and delegate settings resolves each in its own (Istio resolves both
 * VirtualServices' short names before merging: ResolveVirtualServiceShortnames).
 */
function resolveNames(route: HTTPRoute, namespace: string): HTTPRoute {
  const out: HTTPRoute = { ...route };
  if (route.route) out.route = route.route.map((d) => ({ ...d, destination: { ...d.destination, host: resolveHost(d.destination.host, namespace) } }));
  if (route.mirror) out.mirror = { ...route.mirror, host: resolveHost(route.mirror.host, namespace) };
  if (route.mirrors) out.mirrors = route.mirrors.map((m) => ({ ...m, destination: { ...m.destination, host: resolveHost(m.destination.host, namespace) } }));
  if (route.match) out.match = route.match.map((m) => (m.gateways ? { ...m, gateways: m.gateways.map((g) => gatewayIn(g, namespace)) } : m));
  return out;
}

/**
 * The routes of `vs` with every delegating route replaced by its delegate's, merged. A delegate
 * that is missing, has hosts, or is not exported to the root's namespace contributes nothing, and
 * only one level is followed (a delegate's own delegating routes are dropped), as in Istio.
 */
export function mergeDelegates(vs: VirtualServiceResource, index: MeshIndex, reads?: DelegateRead[]): MergedRoute[] {
  const rootNs = vs.namespace ?? 'default';
  const out: MergedRoute[] = [];
  (vs.object.spec.http ?? []).forEach((route, i) => {
    const label = route.name ?? i;
    if (!route.delegate) {
      out.push({ route, origin: vs, label });
      return;
    }
    const namespace = route.delegate.namespace ?? rootNs;
    const child = findDelegate(index, route.delegate.name, namespace);
    reads?.push({ name: route.delegate.name, namespace, found: child });
    if (!child || !exportedTo(child.object.spec.exportTo, namespace, rootNs)) return;
    const root = resolveNames(route, rootNs);
    (child.object.spec.http ?? []).forEach((leaf, j) => {
      if (leaf.delegate) return;
      const merged = mergeRoute(root, resolveNames(leaf, namespace));
      if (merged) out.push({ route: merged, origin: child, label: leaf.name ?? j });
    });
  });
  return out;
}
