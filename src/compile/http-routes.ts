/** VirtualService HTTP routes → route configs for one route table of one proxy. */
import type { HTTPMatchRequest, HTTPRoute, HTTPRouteDestination } from '../api/kinds/virtual-service.js';
import type { StringMatch, Headers } from '../api/kinds/common.js';
import { parseDuration } from '../api/schema/duration.js';
import type { RegistryService } from '../store/index.js';
import type {
  CorsConfig, FaultConfig, HeaderOpsConfig, MirrorConfig, ProxyNode, RetryPolicyConfig, RouteActionConfig, RouteConfig, RouteFilterConfigs, RouteMatchConfig, StringMatcherConfig, WeightedClusterConfig,
} from './config.js';
import type { Destination } from '../api/kinds/common.js';
import type { ClusterNamer } from './clusters.js';
import { outboundClusterName } from './clusters.js';
import type { MeshIndex, VirtualServiceResource } from './mesh-index.js';
import { resolveHost } from '../api/hosts.js';
import { findDelegate, mergeDelegates, type DelegateRead } from './delegates.js';

/** Istio's default retry policy (1.24+): 2 attempts on connection-level failures, not on 503. */
export const DEFAULT_RETRY_POLICY: RetryPolicyConfig = {
  attempts: 2,
  retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'],
  retriableStatusCodes: [],
  retryOtherHosts: true,
};

export interface RouteContext {
  index: MeshIndex;
  clusters: ClusterNamer;
  node: ProxyNode;
  /** The gateway this table serves (`ns/name` list), or `mesh` for a sidecar. */
  gateways: 'mesh' | readonly string[];
  /** The port the request arrived for: a service port (sidecar) or a Gateway server port. */
  port: number;
  /** Filled with what the translation looked up in the index, when given. */
  reads?: RouteReads;
}

/**
 * Everything a translation reads from the index besides its VirtualService: with the same
 * VirtualService, caller and port, routes are the same while these lookups give the same answers.
 * (Which clusters exist and what is in them is the ClusterNamer's business.)
 */
export interface RouteReads {
  /** Destination hosts, resolved, and the ports of the service each names ('-' for none). */
  hosts: Map<string, string>;
  /** Delegate references and the VirtualService each found. */
  delegates: DelegateRead[];
}

export function newRouteReads(): RouteReads {
  return { hosts: new Map(), delegates: [] };
}

function portsOf(service: RegistryService | undefined): string {
  return service ? service.ports.map((p) => p.port).join(',') : '-';
}

/** Do the lookups recorded in `reads` give the same answers in `index`? */
export function readsHold(index: MeshIndex, reads: RouteReads): boolean {
  for (const [host, ports] of reads.hosts) if (portsOf(index.registry.byHostname.get(host)) !== ports) return false;
  for (const d of reads.delegates) if (findDelegate(index, d.name, d.namespace) !== d.found) return false;
  return true;
}

function msOf(d: string | undefined): number | undefined {
  if (d === undefined) return undefined;
  const v = parseDuration(d);
  return v === undefined ? undefined : Math.round(v);
}

export function stringMatcher(m: StringMatch | undefined): StringMatcherConfig | undefined {
  if (!m) return undefined;
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  if (m.regex !== undefined) return { regex: m.regex };
  return undefined;
}

function gatewayRefMatches(ref: string, vsNamespace: string, gateways: RouteContext['gateways']): boolean {
  if (gateways === 'mesh') return ref === 'mesh';
  const full = ref.includes('/') ? ref : `${vsNamespace}/${ref}`;
  return gateways.includes(full);
}

/** Does a match block apply to this proxy and port at all? Conditions on the caller are decided here. */
function matchApplies(m: HTTPMatchRequest, vsNamespace: string, ctx: RouteContext): boolean {
  if (m.port !== undefined && m.port !== 0 && m.port !== ctx.port) return false;
  // A block that names gateways is decided by them alone: Istio's sourceMatchHTTP does not look at
  // sourceLabels or sourceNamespace then (pilot/pkg/networking/core/route/route.go).
  if (m.gateways && m.gateways.length > 0) return m.gateways.some((g) => gatewayRefMatches(g, vsNamespace, ctx.gateways));
  if (m.sourceLabels) {
    for (const [k, v] of Object.entries(m.sourceLabels)) if (ctx.node.labels[k] !== v) return false;
  }
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== '' && m.sourceNamespace !== ctx.node.namespace) return false;
  return true;
}

function translateMatch(m: HTTPMatchRequest): RouteMatchConfig {
  const out: RouteMatchConfig = {};
  const uri = stringMatcher(m.uri);
  if (uri) out.uri = uri;
  if (m.ignoreUriCase) out.ignoreUriCase = true;
  const scheme = stringMatcher(m.scheme);
  if (scheme) out.scheme = scheme;
  const method = stringMatcher(m.method);
  if (method) out.method = method;
  const authority = stringMatcher(m.authority);
  if (authority) out.authority = authority;
  const headers = [
    ...Object.entries(m.headers ?? {}).map(([name, sm]) => ({ name: name.toLowerCase(), ...(stringMatcher(sm) ? { match: stringMatcher(sm) as StringMatcherConfig } : {}) })),
    ...Object.entries(m.withoutHeaders ?? {}).map(([name, sm]) => ({ name: name.toLowerCase(), ...(stringMatcher(sm) ? { match: stringMatcher(sm) as StringMatcherConfig } : {}), invert: true })),
  ];
  if (headers.length > 0) out.headers = headers;
  const query = Object.entries(m.queryParams ?? {}).map(([name, sm]) => ({ name, ...(stringMatcher(sm) ? { match: stringMatcher(sm) as StringMatcherConfig } : {}) }));
  if (query.length > 0) out.queryParams = query;
  return out;
}

export function headerOps(h: Headers | undefined): HeaderOpsConfig | undefined {
  if (!h) return undefined;
  const out: HeaderOpsConfig = {};
  if (h.request?.set) out.requestSet = lowerKeys(h.request.set);
  if (h.request?.add) out.requestAdd = lowerKeys(h.request.add);
  if (h.request?.remove) out.requestRemove = h.request.remove.map((x) => x.toLowerCase());
  if (h.response?.set) out.responseSet = lowerKeys(h.response.set);
  if (h.response?.add) out.responseAdd = lowerKeys(h.response.add);
  if (h.response?.remove) out.responseRemove = h.response.remove.map((x) => x.toLowerCase());
  return Object.keys(out).length > 0 ? out : undefined;
}

function lowerKeys(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k.toLowerCase(), v]));
}

/** What Istio's nil Envoy retry policy means: the request is tried once. */
export const NO_RETRY_POLICY: RetryPolicyConfig = { attempts: 0, retryOn: [], retriableStatusCodes: [], retryOtherHosts: false };

export function retryPolicy(r: HTTPRoute['retries']): RetryPolicyConfig {
  if (!r) return DEFAULT_RETRY_POLICY;
  // Only a missing retries block gets the default 2 attempts: a block without `attempts` reads as
  // 0, which Istio takes as "retries off" whatever retryOn says (pilot/pkg/networking/core/route/retry/retry.go, ConvertPolicy).
  const attempts = r.attempts ?? 0;
  if (attempts <= 0) return NO_RETRY_POLICY;
  const conditions = (r.retryOn ?? DEFAULT_RETRY_POLICY.retryOn.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const codes = conditions.filter((c) => /^\d{3}$/.test(c)).map(Number);
  const retryOn = conditions.filter((c) => !/^\d{3}$/.test(c));
  if (codes.length > 0 && !retryOn.includes('retriable-status-codes')) retryOn.push('retriable-status-codes');
  const perTry = msOf(r.perTryTimeout);
  const backoff = msOf(r.backoff);
  return {
    attempts,
    ...(perTry !== undefined ? { perTryTimeoutMs: perTry } : {}),
    retryOn,
    retriableStatusCodes: codes,
    ...(r.retryRemoteLocalities !== undefined ? { retryRemoteLocalities: r.retryRemoteLocalities } : {}),
    retryOtherHosts: r.retryIgnorePreviousHosts ?? true,
    ...(backoff !== undefined ? { backoffMs: backoff } : {}),
  };
}

/** The registry service a destination names, resolved from the VirtualService's namespace. */
function destinationService(ctx: RouteContext, host: string, vsNamespace: string): { hostname: string; service: RegistryService | undefined } {
  const hostname = resolveHost(host, vsNamespace);
  const service = ctx.index.registry.byHostname.get(hostname);
  ctx.reads?.hosts.set(hostname, portsOf(service));
  return { hostname, service };
}

/** Which service port a destination means when it names none: its only port, or the one the request came for. */
export function destinationPort(service: RegistryService | undefined, explicit: number | undefined, requestPort: number): number {
  if (explicit !== undefined) return explicit;
  if (!service || service.ports.length === 0) return requestPort;
  if (service.ports.length === 1) return (service.ports[0] as { port: number }).port;
  return service.ports.find((p) => p.port === requestPort)?.port ?? (service.ports[0] as { port: number }).port;
}

function weightedClusters(dests: readonly HTTPRouteDestination[], vsNamespace: string, ctx: RouteContext): WeightedClusterConfig[] {
  const single = dests.length === 1;
  return dests.map((d) => {
    const { hostname, service } = destinationService(ctx, d.destination.host, vsNamespace);
    const port = destinationPort(service, d.destination.port?.number, ctx.port);
    const cluster = service ? ctx.clusters.outbound(service, port, d.destination.subset) : outboundClusterName(port, d.destination.subset, hostname);
    const headers = headerOps(d.headers);
    return { cluster, weight: single ? d.weight ?? 100 : d.weight ?? 0, ...(headers ? { headers } : {}) };
  });
}

function actionOf(route: HTTPRoute, vsNamespace: string, ctx: RouteContext): RouteActionConfig | undefined {
  // A redirect wins over a direct response, as in Istio's TranslateRoute (a delegate route can hold both, one inherited).
  if (route.redirect) {
    const r = route.redirect;
    return {
      kind: 'redirect',
      code: r.redirectCode ?? 301,
      ...(r.scheme ? { scheme: r.scheme } : {}),
      ...(r.authority ? { authority: r.authority } : {}),
      ...(r.port ? { port: r.port } : {}),
      ...(r.derivePort ? { derivePort: r.derivePort } : {}),
      ...(r.uri ? { path: r.uri } : {}),
    };
  }
  if (route.directResponse) {
    const body = route.directResponse.body?.string ?? (route.directResponse.body?.bytes ? Buffer.from(route.directResponse.body.bytes, 'base64').toString('utf8') : undefined);
    return { kind: 'direct', status: route.directResponse.status, ...(body !== undefined ? { body } : {}) };
  }
  if (route.route && route.route.length > 0) {
    const clusters = weightedClusters(route.route, vsNamespace, ctx).filter((c) => c.weight > 0);
    const timeout = msOf(route.timeout);
    const rewrite = route.rewrite
      ? {
          ...(route.rewrite.uri !== undefined ? { uri: route.rewrite.uri } : {}),
          ...(route.rewrite.authority !== undefined ? { authority: route.rewrite.authority } : {}),
          ...(route.rewrite.uriRegexRewrite?.match !== undefined ? { uriRegex: { match: route.rewrite.uriRegexRewrite.match, rewrite: route.rewrite.uriRegexRewrite.rewrite ?? '' } } : {}),
        }
      : undefined;
    return {
      kind: 'forward',
      clusters,
      totalWeight: clusters.reduce((s, c) => s + c.weight, 0),
      ...(timeout !== undefined && timeout > 0 ? { timeoutMs: timeout } : {}),
      retries: retryPolicy(route.retries),
      ...(rewrite && Object.keys(rewrite).length > 0 ? { rewrite } : {}),
    };
  }
  return undefined;
}

function percentOf(p: { value?: number | undefined } | undefined, legacy?: number): number {
  if (p?.value !== undefined) return p.value;
  if (legacy !== undefined) return legacy;
  return 100;
}

export function faultOf(f: HTTPRoute['fault']): FaultConfig | undefined {
  if (!f) return undefined;
  const out: FaultConfig = {};
  if (f.delay?.fixedDelay) out.delay = { ms: msOf(f.delay.fixedDelay) ?? 0, percent: percentOf(f.delay.percentage, f.delay.percent) };
  if (f.abort) {
    const grpc = f.abort.grpcStatus !== undefined ? GRPC_CODES[f.abort.grpcStatus.toUpperCase()] ?? Number(f.abort.grpcStatus) : undefined;
    out.abort = { ...(f.abort.httpStatus !== undefined ? { httpStatus: f.abort.httpStatus } : {}), ...(grpc !== undefined && !Number.isNaN(grpc) ? { grpcStatus: grpc } : {}), percent: percentOf(f.abort.percentage) };
  }
  return out.delay || out.abort ? out : undefined;
}

const GRPC_CODES: Record<string, number> = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
};

function mirrorsOf(route: HTTPRoute, vsNamespace: string, ctx: RouteContext): MirrorConfig[] | undefined {
  const list: { destination: Destination; percent: number }[] = [];
  if (route.mirror) list.push({ destination: route.mirror, percent: percentOf(route.mirrorPercentage, route.mirrorPercent) });
  for (const m of route.mirrors ?? []) list.push({ destination: m.destination, percent: percentOf(m.percentage) });
  if (list.length === 0) return undefined;
  return list.map(({ destination, percent }) => {
    const { hostname, service } = destinationService(ctx, destination.host, vsNamespace);
    const port = destinationPort(service, destination.port?.number, ctx.port);
    const cluster = service ? ctx.clusters.outbound(service, port, destination.subset) : outboundClusterName(port, destination.subset, hostname);
    return { cluster, percent };
  });
}

function corsOf(c: HTTPRoute['corsPolicy']): CorsConfig | undefined {
  if (!c) return undefined;
  const origins: StringMatcherConfig[] = [...(c.allowOrigins ?? []).map((o) => stringMatcher(o)).filter((o): o is StringMatcherConfig => o !== undefined), ...(c.allowOrigin ?? []).map((o) => ({ exact: o }))];
  const maxAge = msOf(c.maxAge);
  return {
    allowOrigins: origins,
    ...(c.allowMethods?.length ? { allowMethods: c.allowMethods.join(',') } : {}),
    ...(c.allowHeaders?.length ? { allowHeaders: c.allowHeaders.join(',') } : {}),
    ...(c.exposeHeaders?.length ? { exposeHeaders: c.exposeHeaders.join(',') } : {}),
    ...(maxAge !== undefined ? { maxAge: String(Math.floor(maxAge / 1000)) } : {}),
    ...(c.allowCredentials !== undefined ? { allowCredentials: c.allowCredentials } : {}),
    unmatchedPreflights: c.unmatchedPreflights === 'IGNORE' ? 'IGNORE' : 'FORWARD',
  };
}

/**
 * Translates one VirtualService's HTTP routes, its delegates merged in (delegates.ts); match
 * blocks that cannot apply to this proxy and port are dropped.
 */
export function translateHttpRoutes(vs: VirtualServiceResource, ctx: RouteContext): RouteConfig[] {
  const out: RouteConfig[] = [];
  for (const { route, origin, label } of mergeDelegates(vs, ctx.index, ctx.reads?.delegates)) {
    if (route.delegate) continue; // a delegate's own delegation: Istio follows one level only
    const vsNamespace = origin.namespace ?? 'default';
    const ownBlocks = route.match && route.match.length > 0 ? route.match : [undefined];
    const blocks = ownBlocks.filter((m) => m === undefined || matchApplies(m, vsNamespace, ctx));
    // The action is made even when no block applies here: its clusters stay in the proxy's config, as before.
    const action = actionOf(route, vsNamespace, ctx);
    if (!action || blocks.length === 0) continue;
    const name = `${vsNamespace}/${origin.name}#${label}`;
    const headers = headerOps(route.headers);
    const fault = faultOf(route.fault);
    const mirrors = action.kind === 'forward' ? mirrorsOf(route, vsNamespace, ctx) : undefined;
    const cors = corsOf(route.corsPolicy);
    const filters: RouteFilterConfigs | undefined = cors || fault ? { ...(cors ? { 'envoy.filters.http.cors': cors } : {}), ...(fault ? { 'envoy.filters.http.fault': fault } : {}) } : undefined;
    for (const m of blocks) {
      out.push({ name, match: m ? translateMatch(m) : {}, action, ...(headers ? { headers } : {}), ...(mirrors ? { mirrors } : {}), ...(filters ? { filters } : {}) });
    }
  }
  return out;
}

/** The route a service gets when no VirtualService names it: everything to all its endpoints. */
export function defaultRoute(service: RegistryService, port: number, clusters: ClusterNamer): RouteConfig {
  return {
    name: 'default',
    match: { uri: { prefix: '/' } },
    action: { kind: 'forward', clusters: [{ cluster: clusters.outbound(service, port), weight: 100 }], totalWeight: 100, retries: DEFAULT_RETRY_POLICY },
  };
}
