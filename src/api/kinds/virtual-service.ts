/** networking.istio.io VirtualService: fields and rules of Istio's API reference and webhook. */
import { z } from 'zod';
import { obj, str, bool, int32, uint32, port, duration, percent, re2, labels, enumOf, deprecated, atMostOne, hostname } from '../schema/fields.js';
import { defineKind, statusField, NETWORKING_VERSIONS } from './define.js';
import { stringMatchSchema, destinationSchema, headersSchema, exportToSchema } from './common.js';

const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx',
  'refused-stream', 'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

const gatewayNameSchema = z.string().superRefine((v, ctx) => {
  if (v === 'mesh') return;
  const parts = v.split('/');
  if (parts.length > 2 || parts.some((p) => p.length === 0)) ctx.addIssue({ code: 'custom', message: `invalid gateway name "${v}": use NAME, NAMESPACE/NAME or mesh` });
});

export const httpMatchRequestSchema = obj({
  name: str().optional(),
  uri: stringMatchSchema.optional(),
  scheme: stringMatchSchema.optional(),
  method: stringMatchSchema.optional(),
  authority: stringMatchSchema.optional(),
  headers: z.record(z.string(), stringMatchSchema).optional(),
  port: port().optional(),
  sourceLabels: labels().optional(),
  gateways: z.array(gatewayNameSchema).optional(),
  queryParams: z.record(z.string(), stringMatchSchema).optional(),
  ignoreUriCase: bool().optional(),
  withoutHeaders: z.record(z.string(), stringMatchSchema).optional(),
  sourceNamespace: str().optional(),
  statPrefix: str().optional(),
}).superRefine((m, ctx) => {
  for (const field of ['headers', 'withoutHeaders'] as const) {
    for (const name of Object.keys(m[field] ?? {})) {
      if (name.length === 0 || name !== name.toLowerCase()) ctx.addIssue({ code: 'custom', path: [field, name], message: `header match name "${name}" must be lowercase` });
    }
  }
  if (m.uri && Object.keys(m.uri).length === 0) ctx.addIssue({ code: 'custom', path: ['uri'], message: 'empty uri match: set exact, prefix or regex' });
});
export type HTTPMatchRequest = z.infer<typeof httpMatchRequestSchema>;

export const httpRouteDestinationSchema = obj({
  destination: destinationSchema,
  weight: int32().min(0, { message: 'weight must not be negative' }).optional(),
  headers: headersSchema.optional(),
});
export type HTTPRouteDestination = z.infer<typeof httpRouteDestinationSchema>;

export const httpRedirectSchema = obj({
  uri: str().optional(),
  authority: str().optional(),
  port: port().optional(),
  derivePort: enumOf(['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT']).optional(),
  scheme: str().optional(),
  redirectCode: uint32().optional(),
}).superRefine((r, ctx) => {
  atMostOne(r, ['port', 'derivePort'], ctx, 'redirect port');
  if (r.redirectCode !== undefined && (r.redirectCode < 300 || r.redirectCode > 399)) {
    ctx.addIssue({ code: 'custom', path: ['redirectCode'], message: `redirect code must be 3xx (got ${r.redirectCode})` });
  }
  if (r.uri === undefined && r.authority === undefined && r.port === undefined && r.derivePort === undefined && r.scheme === undefined) {
    ctx.addIssue({ code: 'custom', message: 'redirect must specify uri, authority, port, derivePort or scheme' });
  }
});

export const httpDirectResponseSchema = obj({
  status: uint32().min(200, { message: 'status must be in range 200-599' }).max(599, { message: 'status must be in range 200-599' }),
  body: obj({ string: str().optional(), bytes: str().optional() })
    .superRefine((b, ctx) => atMostOne(b, ['string', 'bytes'], ctx, 'body'))
    .optional(),
});

export const httpRewriteSchema = obj({
  uri: str().optional(),
  authority: str().optional(),
  uriRegexRewrite: obj({ match: re2().optional(), rewrite: str().optional() }).optional(),
}).superRefine((r, ctx) => atMostOne(r, ['uri', 'uriRegexRewrite'], ctx, 'rewrite'));

export const httpRetrySchema = obj({
  attempts: int32().min(0, { message: 'attempts must not be negative' }).optional(),
  perTryTimeout: duration({ minMs: 1 }).optional(),
  retryOn: str()
    .superRefine((v, ctx) => {
      for (const cond of v.split(',').map((s) => s.trim())) {
        if (cond === '') continue;
        if (RETRY_ON.has(cond)) continue;
        if (/^\d{3}$/.test(cond) && Number(cond) >= 100 && Number(cond) <= 599) continue;
        ctx.addIssue({ code: 'custom', message: `unknown retryOn condition "${cond}"` });
      }
    })
    .optional(),
  retryRemoteLocalities: bool().optional(),
  retryIgnorePreviousHosts: bool().optional(),
  backoff: duration({ minMs: 1 }).optional(),
});

const delaySchema = obj({
  fixedDelay: duration({ minMs: 1 }).optional(),
  exponentialDelay: duration({ minMs: 1 }).optional(),
  percentage: percent().optional(),
  percent: deprecated(int32().min(0).max(100, { message: 'percentage must be in range [0, 100]' }), 'use percentage').optional(),
}).superRefine((d, ctx) => {
  atMostOne(d, ['fixedDelay', 'exponentialDelay'], ctx, 'delay');
  if (d.fixedDelay === undefined && d.exponentialDelay === undefined) ctx.addIssue({ code: 'custom', path: ['fixedDelay'], message: 'delay must specify fixedDelay' });
  if (d.exponentialDelay !== undefined) ctx.addIssue({ code: 'custom', path: ['exponentialDelay'], message: 'exponentialDelay is not supported' });
});

const abortSchema = obj({
  httpStatus: int32().optional(),
  grpcStatus: str().optional(),
  http2Error: str().optional(),
  percentage: percent().optional(),
}).superRefine((a, ctx) => {
  atMostOne(a, ['httpStatus', 'grpcStatus', 'http2Error'], ctx, 'abort error type');
  if (a.httpStatus !== undefined && (a.httpStatus < 200 || a.httpStatus > 599)) ctx.addIssue({ code: 'custom', path: ['httpStatus'], message: `invalid abort http status ${a.httpStatus}: must be in range 200-599` });
  if (a.httpStatus === undefined && a.grpcStatus === undefined && a.http2Error === undefined) ctx.addIssue({ code: 'custom', message: 'abort must specify httpStatus or grpcStatus' });
  if (a.http2Error !== undefined) ctx.addIssue({ code: 'custom', path: ['http2Error'], message: 'http2Error is not supported' });
});

export const httpFaultInjectionSchema = obj({
  delay: delaySchema.optional(),
  abort: abortSchema.optional(),
}).superRefine((f, ctx) => {
  if (!f.delay && !f.abort) ctx.addIssue({ code: 'custom', message: 'fault must specify delay or abort' });
});

const originsSchema = z.array(stringMatchSchema);
export const corsPolicySchema = obj({
  allowOrigin: deprecated(z.array(str()), 'use allowOrigins').optional(),
  allowOrigins: originsSchema.optional(),
  allowMethods: z.array(str()).optional(),
  allowHeaders: z.array(str()).optional(),
  exposeHeaders: z.array(str()).optional(),
  maxAge: duration({ minMs: 1 }).optional(),
  allowCredentials: bool().optional(),
  unmatchedPreflights: enumOf(['UNSPECIFIED', 'FORWARD', 'IGNORE']).optional(),
}).superRefine((c, ctx) => {
  const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', '*']);
  (c.allowMethods ?? []).forEach((m, i) => {
    if (!methods.has(m)) ctx.addIssue({ code: 'custom', path: ['allowMethods', i], message: `invalid HTTP method "${m}"` });
  });
  (c.allowOrigins ?? []).forEach((o, i) => {
    if (o.exact === undefined && o.prefix === undefined && o.regex === undefined) ctx.addIssue({ code: 'custom', path: ['allowOrigins', i], message: 'empty origin match: set exact, prefix or regex' });
  });
});

export const httpMirrorPolicySchema = obj({
  destination: destinationSchema,
  percentage: percent().optional(),
});

export const delegateSchema = obj({ name: str().optional(), namespace: str().optional() });

export const httpRouteSchema = obj({
  name: str().optional(),
  match: z.array(httpMatchRequestSchema).optional(),
  route: z.array(httpRouteDestinationSchema).optional(),
  redirect: httpRedirectSchema.optional(),
  directResponse: httpDirectResponseSchema.optional(),
  delegate: delegateSchema.optional(),
  rewrite: httpRewriteSchema.optional(),
  timeout: duration({ minMs: 1 }).optional(),
  retries: httpRetrySchema.optional(),
  fault: httpFaultInjectionSchema.optional(),
  mirror: destinationSchema.optional(),
  mirrors: z.array(httpMirrorPolicySchema).optional(),
  mirrorPercent: deprecated(uint32().max(100, { message: 'percentage must be in range [0, 100]' }), 'use mirrorPercentage').optional(),
  mirrorPercentage: percent().optional(),
  corsPolicy: corsPolicySchema.optional(),
  headers: headersSchema.optional(),
}).superRefine((r, ctx) => {
  const actions = (['route', 'redirect', 'directResponse', 'delegate'] as const).filter((k) => r[k] !== undefined && !(k === 'route' && r.route?.length === 0));
  if (actions.length === 0) ctx.addIssue({ code: 'custom', message: 'HTTP route must have one of route, redirect, directResponse or delegate' });
  if (actions.length > 1) ctx.addIssue({ code: 'custom', path: [actions[1] as string], message: `HTTP route cannot have both ${actions[0]} and ${actions[1]}` });
  if (r.redirect && r.rewrite) ctx.addIssue({ code: 'custom', path: ['rewrite'], message: 'HTTP route rule cannot contain both rewrite and redirect' });
  if (r.mirror && r.mirrors) ctx.addIssue({ code: 'custom', path: ['mirrors'], message: 'only one of mirror and mirrors can be set' });
  const routes = r.route ?? [];
  if (routes.length > 1 && routes.every((d) => (d.weight ?? 0) === 0)) {
    ctx.addIssue({ code: 'custom', path: ['route'], message: 'total destination weight is 0: give at least one destination a weight above 0' });
  }
});
export type HTTPRoute = z.infer<typeof httpRouteSchema>;

const routeDestinationSchema = obj({
  destination: destinationSchema,
  weight: int32().min(0, { message: 'weight must not be negative' }).optional(),
});

const subnetSchema = z.string();

export const tlsRouteSchema = obj({
  match: z.array(
    obj({
      sniHosts: z.array(hostname()).min(1, { message: 'TLS match must have at least one SNI host' }),
      destinationSubnets: z.array(subnetSchema).optional(),
      port: port().optional(),
      sourceLabels: labels().optional(),
      gateways: z.array(gatewayNameSchema).optional(),
      sourceNamespace: str().optional(),
    }),
  ).min(1, { message: 'TLS route must have at least one match condition' }),
  route: z.array(routeDestinationSchema).min(1, { message: 'TLS route is required' }).optional(),
});

export const tcpRouteSchema = obj({
  match: z
    .array(
      obj({
        destinationSubnets: z.array(subnetSchema).optional(),
        port: port().optional(),
        sourceLabels: labels().optional(),
        gateways: z.array(gatewayNameSchema).optional(),
        sourceNamespace: str().optional(),
        sourceSubnet: deprecated(str(), 'no longer supported').optional(),
      }),
    )
    .optional(),
  route: z.array(routeDestinationSchema).min(1, { message: 'TCP route is required' }),
});

export const virtualServiceSpecSchema = obj({
  hosts: z.array(hostname()).optional(),
  gateways: z.array(gatewayNameSchema).optional(),
  http: z.array(httpRouteSchema).optional(),
  tls: z.array(tlsRouteSchema).optional(),
  tcp: z.array(tcpRouteSchema).optional(),
  exportTo: exportToSchema.optional(),
}).superRefine((vs, ctx) => {
  const hosts = vs.hosts ?? [];
  const delegate = hosts.length === 0;
  if ((vs.http ?? []).length + (vs.tls ?? []).length + (vs.tcp ?? []).length === 0) {
    ctx.addIssue({ code: 'custom', message: 'http, tcp or tls must be provided in virtual service' });
  }
  if (delegate) {
    if ((vs.gateways ?? []).length > 0) ctx.addIssue({ code: 'custom', path: ['gateways'], message: 'delegate virtual service (one with no hosts) must have no gateways' });
    if ((vs.tls ?? []).length + (vs.tcp ?? []).length > 0) ctx.addIssue({ code: 'custom', path: ['hosts'], message: 'virtual service must have at least one host' });
  }
  const meshBound = (vs.gateways ?? []).length === 0 || (vs.gateways ?? []).includes('mesh');
  hosts.forEach((h, i) => {
    if (h === '*' && meshBound) ctx.addIssue({ code: 'custom', path: ['hosts', i], message: 'wildcard host * is not allowed for virtual services bound to the mesh gateway' });
  });
  (vs.http ?? []).forEach((r, i) => {
    if (delegate && r.delegate) ctx.addIssue({ code: 'custom', path: ['http', i, 'delegate'], message: 'a delegate virtual service cannot delegate again' });
    (r.match ?? []).forEach((m, j) => {
      if (delegate && m.gateways) ctx.addIssue({ code: 'custom', path: ['http', i, 'match', j, 'gateways'], message: 'a delegate virtual service cannot match on gateways' });
    });
  });
  (vs.tls ?? []).forEach((r, i) => {
    r.match.forEach((m, j) => {
      m.sniHosts.forEach((sni, k) => {
        if (!hosts.some((h) => hostCovers(h, sni))) {
          ctx.addIssue({ code: 'custom', path: ['tls', i, 'match', j, 'sniHosts', k], message: `the SNI host ${sni} is not a subset of any of the virtual service hosts` });
        }
      });
    });
  });
});
export type VirtualServiceSpec = z.infer<typeof virtualServiceSpecSchema>;

/** True if host pattern `outer` (possibly `*.x` or `*`) includes every name `inner` can stand for. */
function hostCovers(outer: string, inner: string): boolean {
  if (outer === '*' || outer === inner) return true;
  if (outer.startsWith('*.')) {
    const suffix = outer.slice(1);
    return inner.endsWith(suffix) || (inner.startsWith('*.') && inner.slice(1).endsWith(suffix));
  }
  return false;
}

export const VirtualService = defineKind({
  kind: 'VirtualService',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  plural: 'virtualservices',
  shortNames: ['vs'],
  body: { spec: virtualServiceSpecSchema, status: statusField },
});
export type VirtualServiceObject = z.infer<typeof VirtualService.schema>;
