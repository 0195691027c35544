/**
 * The last stage of every HTTP chain (Envoy's router filter): act on the selected route — answer
 * directly, redirect, or pick a destination by weight and forward to its cluster — or forward a
 * request that needs no route (inbound, passthrough).
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { RetryPolicyConfig, RouteActionConfig } from '../../compile/config.js';
import type { Exchange } from '../http/exchange.js';
import { REPLIES } from '../http/local-reply.js';
import { applyRequestOps, cookieValue, forwardableHeaders, headerString } from '../http/headers.js';
import { xfccElement } from '../tls/peer-identity.js';
import type { RequestTarget } from '../http/route-selection.js';
import { hostOf, pickWeighted, type CompiledRoute } from '../runtime/route-table.js';
import { RuntimeCluster, type HashInputs } from '../runtime/cluster.js';
import { forward, type ForwardPlan, type MirrorTarget } from './forward.js';

const NO_RETRIES: RetryPolicyConfig = { attempts: 0, retryOn: [], retriableStatusCodes: [], retryOtherHosts: false };

export function routeRequest(ex: Exchange): void {
  const sel = ex.selection;
  switch (sel.kind) {
    case 'no-route':
      ex.sendLocalReply(REPLIES.noRoute);
      return;
    case 'inbound':
      forwardPlain(ex, sel.cluster);
      return;
    case 'passthrough':
      passthrough(ex);
      return;
    case 'route':
      act(ex, sel.route);
  }
}

function act(ex: Exchange, route: CompiledRoute): void {
  const action = route.action;
  if (action.kind === 'direct') {
    ex.sendLocalReply({ status: action.status, body: action.body ?? '', flag: '-' });
    return;
  }
  if (action.kind === 'redirect') {
    ex.sendLocalReply({ status: action.code, body: '', flag: '-' }, { location: redirectLocation(action, ex.target, ex) });
    return;
  }
  const weighted = pickWeighted(route, ex.clock.random);
  if (!weighted) {
    ex.sendLocalReply(REPLIES.noCluster);
    return;
  }
  ex.destination = weighted;
  ex.log.cluster = weighted.cluster;
  const cluster = ex.runtime.clusters.get(weighted.cluster);
  if (!cluster) {
    ex.sendLocalReply(REPLIES.noCluster);
    return;
  }
  const target = ex.target;
  const headers = upstreamHeaders(ex);
  applyRequestOps(headers, route.headers);
  applyRequestOps(headers, weighted.headers);
  let path = target.path;
  if (action.rewrite?.uri !== undefined) {
    if (route.matchedPrefix !== undefined && path.startsWith(route.matchedPrefix)) path = action.rewrite.uri + path.slice(route.matchedPrefix.length);
    else path = action.rewrite.uri;
    if (path === '') path = '/';
  } else if (route.regexRewrite) {
    path = route.regexRewrite(path);
  }
  if (action.rewrite?.authority !== undefined) headers.host = action.rewrite.authority;
  const mirrors = route.mirrors?.map((m) => ({ cluster: ex.runtime.clusters.get(m.cluster), percent: m.percent })).filter((m): m is MirrorTarget => m.cluster !== undefined);
  const plan: ForwardPlan = {
    cluster,
    method: ex.req.method,
    path: target.query ? `${path}?${target.query}` : path,
    headers,
    retries: action.retries,
    timeoutMs: headerTimeout(ex) ?? action.timeoutMs,
    // Only consistent-hash clusters read the request's hash inputs.
    hashInputs: cluster.config.consistentHash ? hashInputsOf(ex) : undefined,
    ...(mirrors && mirrors.length > 0 ? { mirrors } : {}),
  };
  forward(ex, plan);
}

/** `x-envoy-upstream-rq-timeout-ms` overrides the route timeout when the caller sends it. */
function headerTimeout(ex: Exchange): number | undefined {
  const v = headerString(ex.req.headers, 'x-envoy-upstream-rq-timeout-ms');
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function hashInputsOf(ex: Exchange): HashInputs {
  const headers = ex.req.headers;
  return {
    header: (name: string) => headerString(headers, name),
    cookie: (name: string) => cookieValue(headers, name),
    query: (name: string) => new URLSearchParams(ex.target.query).get(name) ?? undefined,
    sourceIp: ex.req.remoteAddress,
  };
}

const XFCC = 'x-forwarded-client-cert';

/**
 * `X-Forwarded-Client-Cert` as Istio's sidecars set it: inbound, a caller that presented a mesh
 * certificate gets its element appended (Envoy's APPEND_FORWARD); a caller without one cannot pass
 * the header on at all, so an app can trust it (Envoy removes it unless the connection is mTLS).
 */
function clientCertHeader(ex: Exchange, headers: OutgoingHttpHeaders): void {
  const peer = ex.listener.direction === 'inbound' ? ex.peer : undefined;
  if (!peer) {
    delete headers[XFCC];
    return;
  }
  const element = xfccElement(ex.ctx.secrets?.principal, peer);
  const prior = headerString(ex.req.headers, XFCC);
  headers[XFCC] = prior ? `${prior},${element}` : element;
}

function upstreamHeaders(ex: Exchange): OutgoingHttpHeaders {
  const req = ex.req;
  const headers = forwardableHeaders(req.headers);
  clientCertHeader(ex, headers);
  headers.host = ex.target.authority;
  if (headers['x-forwarded-proto'] === undefined) headers['x-forwarded-proto'] = 'http';
  if (ex.listener.direction === 'gateway') {
    // The gateway is the edge: it records who called it, as Envoy does with use_remote_address.
    const remote = req.remoteAddress;
    const prior = headerString(req.headers, 'x-forwarded-for');
    headers['x-forwarded-for'] = prior ? `${prior}, ${remote}` : remote;
    headers['x-envoy-external-address'] = remote;
  }
  return headers;
}

function redirectLocation(action: Extract<RouteActionConfig, { kind: 'redirect' }>, target: RequestTarget, ex: Exchange): string {
  const scheme = action.scheme ?? headerString(ex.req.headers, 'x-forwarded-proto') ?? 'http';
  let host = action.authority ?? hostOf(target.authority);
  let port: number | undefined = action.port;
  if (action.derivePort === 'FROM_REQUEST_PORT') port = target.port;
  if (action.derivePort === 'FROM_PROTOCOL_DEFAULT') port = undefined;
  if (port === undefined && action.authority === undefined && action.scheme === undefined && action.derivePort === undefined) {
    // Keep the port the client used.
    const colon = target.authority.lastIndexOf(':');
    if (colon > 0 && !target.authority.endsWith(']')) host = `${host}${target.authority.slice(colon)}`;
  }
  const defaultPort = scheme === 'https' ? 443 : 80;
  const hostPort = port !== undefined && port !== defaultPort ? `${host}:${port}` : host;
  const path = action.path ?? target.path;
  return `${scheme}://${hostPort}${path}${target.query ? `?${target.query}` : ''}`;
}

/** Inbound: everything goes to the app behind this listener, with no retries, timeout or header edits. */
function forwardPlain(ex: Exchange, clusterName: string): void {
  ex.log.cluster = clusterName;
  const cluster = ex.runtime.clusters.get(clusterName);
  if (!cluster) {
    ex.sendLocalReply(REPLIES.noCluster);
    return;
  }
  const headers = forwardableHeaders(ex.req.headers);
  if (headers['x-forwarded-proto'] === undefined) headers['x-forwarded-proto'] = 'http';
  clientCertHeader(ex, headers);
  forward(ex, plainPlan(ex, cluster, headers));
}

function plainPlan(ex: Exchange, cluster: RuntimeCluster, headers: OutgoingHttpHeaders): ForwardPlan {
  const t = ex.target;
  return { cluster, method: ex.req.method, path: t.query ? `${t.path}?${t.query}` : t.path, headers, retries: NO_RETRIES, timeoutMs: undefined, hashInputs: undefined };
}

/** A host no route knows: Istio's PassthroughCluster (ALLOW_ANY) or BlackHoleCluster (REGISTRY_ONLY). */
function passthrough(ex: Exchange): void {
  const target = ex.target;
  if (ex.runtime.config.outboundTrafficPolicy === 'REGISTRY_ONLY' || target.authority === '') {
    ex.log.cluster = 'BlackHoleCluster';
    ex.sendLocalReply(REPLIES.blackHole);
    return;
  }
  ex.log.cluster = 'PassthroughCluster';
  const host = hostOf(target.authority).replace(/^\[|\]$/g, '');
  const cluster = new RuntimeCluster({ name: 'PassthroughCluster', service: '', port: target.port, lb: 'PASSTHROUGH', endpoints: [{ address: host, port: target.port, labels: {}, sidecar: false, weight: 1 }] }, ex.ctx.hosts, ex.clock);
  const headers = forwardableHeaders(ex.req.headers);
  headers.host = target.authority;
  forward(ex, plainPlan(ex, cluster, headers));
}
