/**
 * Resilience settings from manifests to proxy config: fault injection, mirroring, CORS, delegate
 * VirtualServices, retries, outlier detection and connection-pool limits, as Istio translates them.
 */
import { describe, it, expect } from 'vitest';
import type { StoreSnapshot } from '../store/index.js';
import type { ClusterConfig, ProxyConfig, RouteConfig } from './config.js';
import { compileProxyConfig } from './index.js';
import { DEFAULT_RETRY_POLICY, NO_RETRY_POLICY } from './http-routes.js';
import { meshFromYaml } from '../../test/support/mesh-fixture.js';

const FQDN = (name: string, ns = 'default'): string => `${name}.${ns}.svc.cluster.local`;
const out = (port: number, host: string, subset = ''): string => `outbound|${port}|${subset}|${FQDN(host)}`;

function service(name: string, port = 9080): string {
  return `
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: ${port}}]
---`;
}

function deployment(name: string, labels: Record<string, string>): string {
  const l = JSON.stringify(labels);
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  selector: {matchLabels: ${l}}
  template:
    metadata: {labels: ${l}}
    spec: {containers: [{name: app, image: example/${name}, ports: [{containerPort: 9080}]}]}
---`;
}

const MESH = `
${service('reviews')}
${service('ratings')}
${service('details')}
${service('mirror-a')}
${service('mirror-b')}
${deployment('reviews-v1', { app: 'reviews', version: 'v1' })}
${deployment('reviews-v2', { app: 'reviews', version: 'v2' })}
${deployment('ratings', { app: 'ratings' })}
${deployment('details', { app: 'details' })}
${deployment('mirror-a', { app: 'mirror-a' })}
${deployment('mirror-b', { app: 'mirror-b' })}
${deployment('productpage', { app: 'productpage' })}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - name: fault-new
    match: [{uri: {prefix: /fault-new}}]
    fault:
      delay: {fixedDelay: 7s, percentage: {value: 12.5}}
      abort: {httpStatus: 500, percentage: {value: 0.1}}
    route: [{destination: {host: reviews, subset: v1}}]
  - name: fault-legacy
    match: [{uri: {prefix: /fault-legacy}}]
    fault:
      delay: {fixedDelay: 1500ms, percent: 30}
    route: [{destination: {host: reviews, subset: v1}}]
  - name: fault-grpc
    match: [{uri: {prefix: /fault-grpc}}]
    fault:
      abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}
    route: [{destination: {host: reviews, subset: v1}}]
  - name: fault-grpc-lower
    match: [{uri: {prefix: /fault-grpc-lower}}]
    fault:
      abort: {grpcStatus: permission_denied, percentage: {value: 50}}
    route: [{destination: {host: reviews, subset: v1}}]
  - name: mirror-one
    match: [{uri: {prefix: /mirror-one}}]
    route: [{destination: {host: reviews, subset: v1}}]
    mirror: {host: mirror-a}
    mirrorPercentage: {value: 25}
  - name: mirror-all
    match: [{uri: {prefix: /mirror-all}}]
    route: [{destination: {host: reviews, subset: v1}}]
    mirror: {host: mirror-a, subset: shadow}
  - name: mirror-legacy
    match: [{uri: {prefix: /mirror-legacy}}]
    route: [{destination: {host: reviews, subset: v1}}]
    mirror: {host: mirror-b}
    mirrorPercent: 40
  - name: mirrors
    match: [{uri: {prefix: /mirrors}}]
    route: [{destination: {host: reviews, subset: v1}}]
    mirrors:
    - destination: {host: mirror-a}
      percentage: {value: 50}
    - destination: {host: mirror-b}
  - name: cors
    match: [{uri: {prefix: /cors}}]
    route: [{destination: {host: reviews, subset: v1}}]
    corsPolicy:
      allowOrigins:
      - exact: https://app.example.com
      - prefix: https://dev.
      - regex: 'https://[a-z]+\\.corp\\.example'
      allowMethods: [GET, POST]
      allowHeaders: [X-Custom, Content-Type]
      exposeHeaders: [X-Trace]
      maxAge: 24h
      allowCredentials: true
      unmatchedPreflights: IGNORE
  - name: cors-legacy
    match: [{uri: {prefix: /cors-legacy}}]
    route: [{destination: {host: reviews, subset: v1}}]
    corsPolicy:
      allowOrigin: [https://old.example.com]
      maxAge: 1500ms
  - name: retries-explicit
    match: [{uri: {prefix: /retry}}]
    route: [{destination: {host: reviews, subset: v2}}]
    retries:
      attempts: 3
      perTryTimeout: 2s
      retryOn: gateway-error, connect-failure,503,504
      retryIgnorePreviousHosts: false
  - name: retries-no-retry-on
    match: [{uri: {prefix: /retry-default-on}}]
    route: [{destination: {host: reviews, subset: v2}}]
    retries: {attempts: 5}
  - name: retries-off
    match: [{uri: {prefix: /no-retry}}]
    route: [{destination: {host: reviews, subset: v2}}]
    retries: {attempts: 0}
  - name: retries-on-without-attempts
    match: [{uri: {prefix: /retry-on-only}}]
    route: [{destination: {host: reviews, subset: v2}}]
    retries: {retryOn: 5xx, perTryTimeout: 1s}
  - name: plain
    route: [{destination: {host: reviews, subset: v2}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 1, connectTimeout: 250ms}
      http: {http1MaxPendingRequests: 2, http2MaxRequests: 10, maxRequestsPerConnection: 1, maxRetries: 3, idleTimeout: 30s}
    outlierDetection: {consecutive5xxErrors: 7}
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
    trafficPolicy:
      outlierDetection:
        consecutiveGatewayErrors: 2
        interval: 1s
        baseEjectionTime: 1m
        maxEjectionPercent: 100
        minHealthPercent: 50
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings}
spec:
  host: ratings
  trafficPolicy:
    outlierDetection: {}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: mirror-a}
spec:
  host: mirror-a
  trafficPolicy:
    outlierDetection:
      consecutiveErrors: 4
      splitExternalLocalOriginErrors: true
  subsets:
  - name: shadow
    labels: {app: mirror-a}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: mirror-b}
spec:
  host: mirror-b
  trafficPolicy:
    outlierDetection:
      consecutive5xxErrors: 0
      splitExternalLocalOriginErrors: true
      consecutiveLocalOriginFailures: 3
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: details-root}
spec:
  hosts: [details]
  http:
  - name: api
    match:
    - uri: {prefix: /api}
      headers: {x-team: {exact: books}}
    delegate: {name: details-child, namespace: team}
  - name: rest
    route: [{destination: {host: details}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: details-child, namespace: team}
spec:
  http:
  - name: jason
    match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: details.default.svc.cluster.local}}]
    fault:
      abort: {httpStatus: 418, percentage: {value: 100}}
  - name: narrower
    match: [{uri: {prefix: /api/v2}}, {uri: {exact: /api}}]
    route: [{destination: {host: details.default.svc.cluster.local}}]
  - name: outside
    match: [{uri: {prefix: /other}}, {uri: {exact: /other}}, {uri: {regex: '/api/.*'}}, {headers: {x-team: {exact: other}}}]
    route: [{destination: {host: details.default.svc.cluster.local}}]
  - name: catch-all
    route: [{destination: {host: details.default.svc.cluster.local}}]
`;

function productpage(snapshot: StoreSnapshot): ProxyConfig {
  const w = snapshot.workloads.find((x) => x.labels['app'] === 'productpage');
  if (!w) throw new Error('no productpage workload');
  return compileProxyConfig(snapshot, w);
}

function routesFor(config: ProxyConfig, host: string): RouteConfig[] {
  const vh = config.routes['9080']?.virtualHosts.find((v) => v.domains.includes(FQDN(host)));
  if (!vh) throw new Error(`no virtual host for ${host}`);
  return vh.routes;
}

function route(config: ProxyConfig, name: string): RouteConfig {
  const r = routesFor(config, 'reviews').find((x) => x.name === `default/reviews#${name}`);
  if (!r) throw new Error(`no route ${name}`);
  return r;
}

function cluster(config: ProxyConfig, name: string): ClusterConfig {
  const c = config.clusters[name];
  if (!c) throw new Error(`no cluster ${name}: ${Object.keys(config.clusters).join(', ')}`);
  return c;
}

const { store } = meshFromYaml(MESH);
const pp = productpage(store.snapshot());

describe('fault injection', () => {
  it('percentage, delay and abort', () => {
    expect(route(pp, 'fault-new').filters?.['envoy.filters.http.fault']).toEqual({ delay: { ms: 7000, percent: 12.5 }, abort: { httpStatus: 500, percent: 0.1 } });
  });

  it('the deprecated integer percent of a delay', () => {
    expect(route(pp, 'fault-legacy').filters?.['envoy.filters.http.fault']).toEqual({ delay: { ms: 1500, percent: 30 } });
  });

  it('grpcStatus by name becomes its code, in any case', () => {
    expect(route(pp, 'fault-grpc').filters?.['envoy.filters.http.fault']).toEqual({ abort: { grpcStatus: 14, percent: 100 } });
    expect(route(pp, 'fault-grpc-lower').filters?.['envoy.filters.http.fault']).toEqual({ abort: { grpcStatus: 7, percent: 50 } });
  });

  it('routes without a fault carry none', () => {
    expect(route(pp, 'plain').filters?.['envoy.filters.http.fault']).toBeUndefined();
  });
});

describe('mirroring', () => {
  it('mirror with mirrorPercentage', () => {
    expect(route(pp, 'mirror-one').mirrors).toEqual([{ cluster: out(9080, 'mirror-a'), percent: 25 }]);
  });

  it('mirror without a percentage mirrors everything; a subset names its cluster', () => {
    expect(route(pp, 'mirror-all').mirrors).toEqual([{ cluster: out(9080, 'mirror-a', 'shadow'), percent: 100 }]);
    expect(pp.clusters[out(9080, 'mirror-a', 'shadow')]).toBeDefined();
  });

  it('the deprecated integer mirrorPercent', () => {
    expect(route(pp, 'mirror-legacy').mirrors).toEqual([{ cluster: out(9080, 'mirror-b'), percent: 40 }]);
  });

  it('mirrors[], each with its own percentage (absent: 100)', () => {
    expect(route(pp, 'mirrors').mirrors).toEqual([
      { cluster: out(9080, 'mirror-a'), percent: 50 },
      { cluster: out(9080, 'mirror-b'), percent: 100 },
    ]);
  });

  it('routes without a mirror carry none', () => {
    expect(route(pp, 'plain').mirrors).toBeUndefined();
  });
});

describe('corsPolicy', () => {
  it('origins exact, prefix and regex; lists joined; maxAge in seconds', () => {
    expect(route(pp, 'cors').filters?.['envoy.filters.http.cors']).toEqual({
      allowOrigins: [{ exact: 'https://app.example.com' }, { prefix: 'https://dev.' }, { regex: 'https://[a-z]+\\.corp\\.example' }],
      allowMethods: 'GET,POST',
      allowHeaders: 'X-Custom,Content-Type',
      exposeHeaders: 'X-Trace',
      maxAge: '86400',
      allowCredentials: true,
      unmatchedPreflights: 'IGNORE',
    });
  });

  it('the deprecated allowOrigin list means exact matches; preflights are forwarded by default', () => {
    expect(route(pp, 'cors-legacy').filters?.['envoy.filters.http.cors']).toEqual({ allowOrigins: [{ exact: 'https://old.example.com' }], maxAge: '1', unmatchedPreflights: 'FORWARD' });
  });
});

describe('retries', () => {
  it("no retries field: Istio's default policy", () => {
    const a = route(pp, 'plain').action;
    expect(a.kind === 'forward' ? a.retries : undefined).toEqual(DEFAULT_RETRY_POLICY);
    expect(DEFAULT_RETRY_POLICY).toEqual({
      attempts: 2,
      retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'],
      retriableStatusCodes: [],
      retryOtherHosts: true,
    });
  });

  it('explicit: status codes in retryOn become retriable-status-codes', () => {
    const a = route(pp, 'retries-explicit').action;
    expect(a.kind === 'forward' ? a.retries : undefined).toEqual({
      attempts: 3,
      perTryTimeoutMs: 2000,
      retryOn: ['gateway-error', 'connect-failure', 'retriable-status-codes'],
      retriableStatusCodes: [503, 504],
      retryOtherHosts: false,
    });
  });

  it('explicit attempts without retryOn keep the default conditions', () => {
    const a = route(pp, 'retries-no-retry-on').action;
    expect(a.kind === 'forward' ? a.retries : undefined).toEqual({ ...DEFAULT_RETRY_POLICY, attempts: 5 });
  });

  it('attempts 0 turns retries off', () => {
    const a = route(pp, 'retries-off').action;
    expect(a.kind === 'forward' ? a.retries : undefined).toEqual(NO_RETRY_POLICY);
    expect(NO_RETRY_POLICY.attempts).toBe(0);
  });

  it('retryOn without attempts turns retries off too: only a missing retries block gets the 2 default attempts', () => {
    const a = route(pp, 'retries-on-without-attempts').action;
    expect(a.kind === 'forward' ? a.retries : undefined).toEqual(NO_RETRY_POLICY);
  });
});

describe('outlier detection and connection pool', () => {
  const OUTLIER_DEFAULTS = { consecutive5xx: 5, consecutiveGateway: 0, consecutiveLocalOrigin: 0, splitLocalOrigin: false, intervalMs: 10_000, baseEjectionMs: 30_000, maxEjectionPercent: 10, minHealthPercent: 0 };

  it("an empty outlierDetection gets Istio's defaults", () => {
    expect(cluster(pp, out(9080, 'ratings')).outlierDetection).toEqual(OUTLIER_DEFAULTS);
  });

  it('no outlierDetection: off', () => {
    expect(cluster(pp, out(9080, 'details')).outlierDetection).toBeUndefined();
    expect(cluster(pp, out(9080, 'details')).connectionPool).toBeUndefined();
  });

  it('the host policy applies to subsets that set nothing', () => {
    expect(cluster(pp, out(9080, 'reviews', 'v1')).outlierDetection).toEqual({ ...OUTLIER_DEFAULTS, consecutive5xx: 7 });
  });

  it("a subset's outlierDetection replaces the host's as a whole", () => {
    expect(cluster(pp, out(9080, 'reviews', 'v2')).outlierDetection).toEqual({
      consecutive5xx: 5,
      consecutiveGateway: 2,
      consecutiveLocalOrigin: 0,
      splitLocalOrigin: false,
      intervalMs: 1000,
      baseEjectionMs: 60_000,
      maxEjectionPercent: 100,
      minHealthPercent: 50,
    });
  });

  it('deprecated consecutiveErrors counts gateway errors only; split local-origin errors default to 5', () => {
    expect(cluster(pp, out(9080, 'mirror-a')).outlierDetection).toEqual({ ...OUTLIER_DEFAULTS, consecutive5xx: 0, consecutiveGateway: 4, splitLocalOrigin: true, consecutiveLocalOrigin: 5 });
    expect(cluster(pp, out(9080, 'mirror-b')).outlierDetection).toEqual({ ...OUTLIER_DEFAULTS, consecutive5xx: 0, splitLocalOrigin: true, consecutiveLocalOrigin: 3 });
  });

  it('connectionPool limits apply to every subset that does not override them', () => {
    const want = { maxConnections: 1, connectTimeoutMs: 250, maxPendingRequests: 2, maxRequests: 10, maxRequestsPerConnection: 1, maxRetries: 3, idleTimeoutMs: 30_000 };
    expect(cluster(pp, out(9080, 'reviews', 'v1')).connectionPool).toEqual(want);
    expect(cluster(pp, out(9080, 'reviews', 'v2')).connectionPool).toEqual(want);
  });
});

describe('delegate VirtualService', () => {
  const details = routesFor(pp, 'details');

  it("child routes replace the delegating route, each match merged with the parent's", () => {
    expect(details.map((r) => ({ name: r.name, match: r.match }))).toEqual([
      { name: 'team/details-child#jason', match: { uri: { prefix: '/api' }, headers: [{ name: 'x-team', match: { exact: 'books' } }, { name: 'end-user', match: { exact: 'jason' } }] } },
      { name: 'team/details-child#narrower', match: { uri: { prefix: '/api/v2' }, headers: [{ name: 'x-team', match: { exact: 'books' } }] } },
      { name: 'team/details-child#narrower', match: { uri: { exact: '/api' }, headers: [{ name: 'x-team', match: { exact: 'books' } }] } },
      { name: 'team/details-child#catch-all', match: { uri: { prefix: '/api' }, headers: [{ name: 'x-team', match: { exact: 'books' } }] } },
      { name: 'default/details-root#rest', match: {} },
    ]);
  });

  it("child routes keep their own actions and faults", () => {
    const jason = details[0] as RouteConfig;
    expect(jason.action.kind === 'forward' ? jason.action.clusters.map((c) => c.cluster) : []).toEqual([out(9080, 'details')]);
    expect(jason.filters?.['envoy.filters.http.fault']).toEqual({ abort: { httpStatus: 418, percent: 100 } });
  });

  it('a delegate VirtualService has no routes of its own (no hosts)', () => {
    for (const table of Object.values(pp.routes)) {
      for (const vh of table.virtualHosts) expect(vh.routes.filter((r) => r.name.startsWith('team/details-child') && !vh.domains.includes(FQDN('details')))).toEqual([]);
    }
  });
});
