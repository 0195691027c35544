/**
 * The HTTP request path shared by outbound, inbound and gateway listeners: choose the route, then
 * answer locally (direct response, redirect, no route) or forward to the chosen cluster.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { DownstreamRequest, DownstreamResponse } from './exchange.js';
import { randomUUID } from 'node:crypto';
import type { RouteActionConfig } from '../../compile/config.js';
import type { RequestView } from '../runtime/matchers.js';
import { hostOf, pickWeighted, portOf, type CompiledRoute } from '../runtime/route-table.js';
import { RuntimeCluster } from '../runtime/cluster.js';
import type { ProxyRuntime } from '../runtime/proxy-runtime.js';
import { REPLIES, sendLocalReply, type LocalReply } from './local-reply.js';
import { applyRequestOps, cookieValue, forwardableHeaders, headerString } from './headers.js';
import { forward, type ForwardPlan, type MirrorTarget } from './forward.js';
import { decideFault } from '../filters/fault/index.js';
import { corsSettings, evaluateCors } from '../filters/cors/index.js';
import type { ListenerContext, RequestLogEntry } from './request-context.js';

interface Target {
  authority: string;
  port: number;
  path: string;
  query: string;
}

function targetOf(req: DownstreamRequest, ctx: ListenerContext): Target | undefined {
  const raw = req.url;
  let authority: string;
  let pathAndQuery: string;
  if (raw.startsWith('http://') || raw.startsWith('https://')) {
    // Absolute form: the app used us as its HTTP proxy.
    const schemeEnd = raw.indexOf('//') + 2;
    const slash = raw.indexOf('/', schemeEnd);
    authority = slash < 0 ? raw.slice(schemeEnd) : raw.slice(schemeEnd, slash);
    pathAndQuery = slash < 0 ? '/' : raw.slice(slash);
  } else {
    if (!raw.startsWith('/') && raw !== '*') return undefined;
    authority = req.headers.host ?? '';
    pathAndQuery = raw;
  }
  const tunnelPort = req.tunnelPort;
  const defaultPort = ctx.listener.direction === 'gateway' ? Number(ctx.listener.routeTable?.slice('http.'.length) ?? 80) : tunnelPort ?? 80;
  const q = pathAndQuery.indexOf('?');
  return {
    authority,
    port: ctx.listener.direction === 'gateway' ? defaultPort : portOf(authority, defaultPort),
    path: q < 0 ? pathAndQuery : pathAndQuery.slice(0, q),
    query: q < 0 ? '' : pathAndQuery.slice(q + 1),
  };
}

function findRoute(routes: readonly CompiledRoute[], view: RequestView): CompiledRoute | undefined {
  for (const r of routes) if (r.test(view)) return r;
  return undefined;
}

export function handleHttp(ctx: ListenerContext, req: DownstreamRequest, res: DownstreamResponse): void {
  const runtime = ctx.current();
  const start = Date.now();
  const entry: RequestLogEntry = {
    start, method: req.method, authority: '', path: '', status: 0, flags: '-', route: '', cluster: '', upstream: '', durationMs: 0, attempts: 0,
    requestId: headerString(req.headers, 'x-request-id') ?? '', direction: ctx.listener.direction,
  };
  if (ctx.onComplete) {
    const done = ctx.onComplete;
    res.onClose(() => {
      // A caller that went away before any answer: no status, flag DC, as Envoy logs it.
      entry.status = res.headersSent ? res.statusCode : 0;
      if (!res.headersSent && entry.flags === '-') entry.flags = 'DC';
      if (entry.delayed) entry.flags = entry.flags === '-' ? 'DI' : `DI,${entry.flags}`;
      entry.durationMs = Date.now() - start;
      done(entry);
    });
  }
  const reply = (r: LocalReply, extra?: Record<string, string>): void => {
    entry.flags = r.flag;
    sendLocalReply(res, r, extra);
  };
  const target = targetOf(req, ctx);
  if (!target) {
    reply({ status: 400, body: 'Bad Request', flag: '-' });
    return;
  }
  entry.authority = target.authority;
  entry.path = target.path;
  if (!entry.requestId) {
    entry.requestId = randomUUID();
    req.headers['x-request-id'] = entry.requestId;
  }
  if (ctx.listener.direction === 'inbound') {
    forwardInbound(ctx, runtime, req, res, target, entry, reply);
    return;
  }
  const tableName = ctx.listener.direction === 'gateway' ? ctx.listener.routeTable ?? '' : `${ctx.listener.routeTablePrefix ?? ''}${target.port}`;
  const table = runtime.routeTables.get(tableName);
  const vhost = table?.virtualHost(hostOf(target.authority));
  if (!vhost) {
    if (ctx.listener.direction === 'outbound') passthrough(ctx, runtime, req, res, target, entry, reply);
    else reply(REPLIES.noRoute);
    return;
  }
  const view: RequestView = {
    method: req.method,
    path: target.path,
    query: target.query,
    scheme: headerString(req.headers, 'x-forwarded-proto') ?? 'http',
    authority: target.authority,
    headers: req.headers,
  };
  const route = findRoute(vhost.routes, view);
  if (!route) {
    reply(REPLIES.noRoute);
    return;
  }
  entry.route = route.name;
  act(ctx, runtime, req, res, target, route, route.action, entry, reply);
}

function act(ctx: ListenerContext, runtime: ProxyRuntime, req: DownstreamRequest, res: DownstreamResponse, target: Target, route: CompiledRoute, action: RouteActionConfig, entry: RequestLogEntry, reply: (r: LocalReply, extra?: Record<string, string>) => void): void {
  let corsHeaders: Record<string, string> | undefined;
  if (route.cors) {
    const outcome = evaluateCors(corsSettings(route.cors), req.method, req.headers);
    if (outcome.kind === 'preflight') {
      reply({ status: 200, body: '', flag: '-' }, outcome.headers);
      return;
    }
    if (outcome.kind === 'not-allowed-preflight') {
      reply({ status: 200, body: '', flag: '-' });
      return;
    }
    corsHeaders = outcome.responseHeaders;
  }
  const fault = decideFault(route.fault, runtime.clock);
  if (fault) {
    const proceed = (): void => {
      if (fault.abort) {
        reply(fault.abort);
        return;
      }
      respond(ctx, runtime, req, res, target, route, action, entry, reply, corsHeaders);
    };
    if (fault.delayMs !== undefined) entry.delayed = true;
    if (fault.delayMs === undefined) proceed();
    else {
      const timer = setTimeout(proceed, fault.delayMs);
      res.onClose(() => clearTimeout(timer));
    }
    return;
  }
  respond(ctx, runtime, req, res, target, route, action, entry, reply, corsHeaders);
}

function respond(ctx: ListenerContext, runtime: ProxyRuntime, req: DownstreamRequest, res: DownstreamResponse, target: Target, route: CompiledRoute, action: RouteActionConfig, entry: RequestLogEntry, reply: (r: LocalReply, extra?: Record<string, string>) => void, corsHeaders: Record<string, string> | undefined): void {
  if (action.kind === 'direct') {
    reply({ status: action.status, body: action.body ?? '', flag: '-' });
    return;
  }
  if (action.kind === 'redirect') {
    reply({ status: action.code, body: '', flag: '-' }, { location: redirectLocation(action, target, req) });
    return;
  }
  const weighted = pickWeighted(route);
  if (!weighted) {
    reply(REPLIES.noCluster);
    return;
  }
  entry.cluster = weighted.cluster;
  const cluster = runtime.clusters.get(weighted.cluster);
  if (!cluster) {
    reply(REPLIES.noCluster);
    return;
  }
  const headers = upstreamHeaders(ctx, req, target);
  applyRequestOps(headers, route.headers);
  applyRequestOps(headers, weighted.headers);
  let path = target.path;
  if (action.rewrite?.uri !== undefined) {
    if (route.matchedPrefix !== undefined && path.startsWith(route.matchedPrefix)) path = action.rewrite.uri + path.slice(route.matchedPrefix.length);
    else path = action.rewrite.uri;
    if (path === '') path = '/';
  } else if (route.regexRewrite) {
    path = path.replace(route.regexRewrite.re, route.regexRewrite.template);
  }
  if (action.rewrite?.authority !== undefined) headers.host = action.rewrite.authority;
  const mirrors = route.mirrors?.map((m) => ({ cluster: runtime.clusters.get(m.cluster), percent: m.percent })).filter((m): m is MirrorTarget => m.cluster !== undefined);
  const plan: ForwardPlan = {
    cluster,
    method: req.method,
    path: target.query ? `${path}?${target.query}` : path,
    headers,
    retries: action.retries,
    timeoutMs: headerTimeout(req) ?? action.timeoutMs,
    responseOps: [route.headers, weighted.headers],
    // Only consistent-hash clusters read the request's hash inputs.
    hashInputs: cluster.config.consistentHash ? hashInputsOf(req, target) : undefined,
    clock: runtime.clock,
    ...(mirrors && mirrors.length > 0 ? { mirrors } : {}),
    ...(corsHeaders ? { extraResponseHeaders: corsHeaders } : {}),
  };
  forward(ctx, req, res, plan, entry);
}

/** `x-envoy-upstream-rq-timeout-ms` overrides the route timeout when the caller sends it. */
function headerTimeout(req: DownstreamRequest): number | undefined {
  const v = headerString(req.headers, 'x-envoy-upstream-rq-timeout-ms');
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function hashInputsOf(req: DownstreamRequest, target: Target) {
  return {
    header: (name: string) => headerString(req.headers, name),
    cookie: (name: string) => cookieValue(req.headers, name),
    query: (name: string) => new URLSearchParams(target.query).get(name) ?? undefined,
    sourceIp: req.remoteAddress,
  };
}

function upstreamHeaders(ctx: ListenerContext, req: DownstreamRequest, target: Target): OutgoingHttpHeaders {
  const headers = forwardableHeaders(req.headers);
  headers.host = target.authority;
  if (headers['x-forwarded-proto'] === undefined) headers['x-forwarded-proto'] = 'http';
  if (ctx.listener.direction === 'gateway') {
    // The gateway is the edge: it records who called it, as Envoy does with use_remote_address.
    const remote = req.remoteAddress;
    const prior = headerString(req.headers, 'x-forwarded-for');
    headers['x-forwarded-for'] = prior ? `${prior}, ${remote}` : remote;
    headers['x-envoy-external-address'] = remote;
  }
  return headers;
}

function redirectLocation(action: Extract<RouteActionConfig, { kind: 'redirect' }>, target: Target, req: DownstreamRequest): string {
  const scheme = action.scheme ?? headerString(req.headers, 'x-forwarded-proto') ?? 'http';
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

/** Inbound: everything goes to the app behind this listener. */
function forwardInbound(ctx: ListenerContext, runtime: ProxyRuntime, req: DownstreamRequest, res: DownstreamResponse, target: Target, entry: RequestLogEntry, reply: (r: LocalReply) => void): void {
  const clusterName = `inbound|${ctx.listener.name.slice('inbound|'.length)}||`;
  const cluster: RuntimeCluster | undefined = runtime.clusters.get(clusterName);
  entry.cluster = clusterName;
  if (!cluster) {
    reply(REPLIES.noCluster);
    return;
  }
  const headers = forwardableHeaders(req.headers);
  if (headers['x-forwarded-proto'] === undefined) headers['x-forwarded-proto'] = 'http';
  forward(ctx, req, res, plainPlan(cluster, req, target, headers), entry);
}

/** A forward with no route behind it (inbound, passthrough): no retries, no timeout, no header edits. */
function plainPlan(cluster: RuntimeCluster, req: DownstreamRequest, target: Target, headers: OutgoingHttpHeaders): ForwardPlan {
  return {
    cluster,
    method: req.method,
    path: target.query ? `${target.path}?${target.query}` : target.path,
    headers,
    retries: { attempts: 0, retryOn: [], retriableStatusCodes: [], retryOtherHosts: false },
    timeoutMs: undefined,
    responseOps: [],
    hashInputs: undefined,
  };
}

/** A host no route knows: Istio's PassthroughCluster (ALLOW_ANY) or BlackHoleCluster (REGISTRY_ONLY). */
function passthrough(ctx: ListenerContext, runtime: ProxyRuntime, req: DownstreamRequest, res: DownstreamResponse, target: Target, entry: RequestLogEntry, reply: (r: LocalReply) => void): void {
  if (runtime.config.outboundTrafficPolicy === 'REGISTRY_ONLY' || target.authority === '') {
    entry.cluster = 'BlackHoleCluster';
    reply(REPLIES.blackHole);
    return;
  }
  entry.cluster = 'PassthroughCluster';
  const host = hostOf(target.authority).replace(/^\[|\]$/g, '');
  const cluster = new RuntimeCluster({ name: 'PassthroughCluster', service: '', port: target.port, lb: 'PASSTHROUGH', endpoints: [{ address: host, port: target.port, labels: {}, sidecar: false, weight: 1 }] }, ctx.hosts);
  const headers = forwardableHeaders(req.headers);
  headers.host = target.authority;
  forward(ctx, req, res, plainPlan(cluster, req, target, headers), entry);
}

