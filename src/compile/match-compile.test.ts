/**
 * Simulation from manifests: which routes and clusters does each proxy get? Conditions on the
 * caller (sourceLabels, sourceNamespace), on the gateway and on the port are decided here, per proxy.
 */
import { describe, it, expect } from 'vitest';
import { loadText, validateDocuments, type Resource } from '../api/index.js';
import type { StoreSnapshot, WorkloadInstance } from '../store/index.js';
import type { ClusterConfig, ProxyConfig, RouteConfig } from './config.js';
import { compileProxyConfig } from './index.js';
import { meshFromYaml } from '../../test/support/mesh-fixture.js';

const FQDN = (name: string, ns = 'default'): string => `${name}.${ns}.svc.cluster.local`;

function workload(snapshot: StoreSnapshot, app: string, namespace = 'default'): WorkloadInstance {
  const w = snapshot.workloads.find((x) => x.namespace === namespace && x.labels['app'] === app);
  if (!w) throw new Error(`no workload app=${app} in ${namespace}`);
  return w;
}

function proxy(snapshot: StoreSnapshot, app: string, namespace = 'default'): ProxyConfig {
  return compileProxyConfig(snapshot, workload(snapshot, app, namespace));
}

function gateway(snapshot: StoreSnapshot): ProxyConfig {
  const w = snapshot.workloads.find((x) => x.gatewayPorts !== undefined);
  if (!w) throw new Error('no gateway');
  return compileProxyConfig(snapshot, w);
}

/** The routes of the virtual host answering `domain` in one route table. */
function routes(config: ProxyConfig, table: string, domain: string): RouteConfig[] {
  const t = config.routes[table];
  if (!t) throw new Error(`no route table ${table} in ${config.node.id}: ${Object.keys(config.routes).join(', ')}`);
  const vh = t.virtualHosts.find((v) => v.domains.includes(domain));
  if (!vh) throw new Error(`no virtual host for ${domain} in table ${table} of ${config.node.id}`);
  return vh.routes;
}

/** `<route name> → <cluster>[,<cluster>]`, one line per match block. */
function summary(config: ProxyConfig, table: string, domain: string): string[] {
  return routes(config, table, domain).map((r) => `${r.name} → ${r.action.kind === 'forward' ? r.action.clusters.map((c) => c.cluster).join(',') : r.action.kind}`);
}

function cluster(config: ProxyConfig, name: string): ClusterConfig {
  const c = config.clusters[name];
  if (!c) throw new Error(`no cluster ${name} in ${config.node.id}: ${Object.keys(config.clusters).join(', ')}`);
  return c;
}

function resources(yaml: string): Resource[] {
  const loaded = loadText(yaml, 'more.yaml');
  const validated = validateDocuments(loaded.documents);
  const errors = [...loaded.checks, ...validated.checks].filter((c) => c.level === 'Error');
  if (errors.length > 0) throw new Error(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  return validated.resources;
}

function deployment(name: string, labels: Record<string, string>, ports: number[], namespace = 'default'): string {
  const l = JSON.stringify(labels);
  const containerPorts = ports.length > 0 ? `, ports: [${ports.map((p) => `{containerPort: ${p}}`).join(', ')}]` : '';
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {matchLabels: ${l}}
  template:
    metadata: {labels: ${l}}
    spec: {containers: [{name: app, image: example/${name}${containerPorts}}]}
---`;
}

const MESH = `
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: ratings}
spec:
  selector: {app: ratings}
  ports: [{name: http, port: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: details}
spec:
  selector: {app: details}
  ports: [{name: http, port: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: multi}
spec:
  selector: {app: multi}
  ports: [{name: http, port: 8080}, {name: http-admin, port: 9090}]
---
${deployment('reviews-v1', { app: 'reviews', version: 'v1' }, [9080])}
${deployment('reviews-v2', { app: 'reviews', version: 'v2' }, [9080])}
${deployment('ratings', { app: 'ratings' }, [9080])}
${deployment('details', { app: 'details' }, [9080])}
${deployment('productpage', { app: 'productpage' }, [9080])}
${deployment('multi', { app: 'multi' }, [8080, 9090])}
${deployment('client', { app: 'client' }, [], 'other')}
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: reviews-gw}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["reviews.example.com"]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBIN}
    connectionPool: {tcp: {maxConnections: 5}}
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
    trafficPolicy:
      loadBalancer: {simple: RANDOM}
  - name: v2-sticky
    labels: {version: v2}
    trafficPolicy:
      loadBalancer: {consistentHash: {httpCookie: {name: session, ttl: 10s}}}
      connectionPool: {http: {http2MaxRequests: 9}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: multi}
spec:
  host: multi.default.svc.cluster.local
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBIN}
    connectionPool: {tcp: {maxConnections: 7}}
    portLevelSettings:
    - port: {number: 9090}
      loadBalancer: {consistentHash: {httpHeaderName: X-User}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews, reviews.example.com]
  gateways: [mesh, reviews-gw]
  http:
  - name: from-productpage
    match:
    - sourceLabels: {app: productpage}
      headers: {end-user: {exact: jason}}
    route:
    - destination: {host: reviews, subset: v2}
  - name: from-other-ns
    match:
    - sourceNamespace: other
    route:
    - destination: {host: reviews, subset: v2-sticky}
  - name: mesh-only
    match:
    - gateways: [mesh]
      uri: {prefix: /mesh}
    route:
    - destination: {host: reviews, subset: v1}
  - name: gateway-only
    match:
    - gateways: [reviews-gw]
      uri: {prefix: /gw}
    route:
    - destination: {host: reviews, subset: v2}
  - name: mixed
    match:
    - gateways: [mesh]
      uri: {prefix: /a}
    - gateways: [default/reviews-gw]
      uri: {prefix: /b}
    - uri: {prefix: /c}
    route:
    - destination: {host: reviews, subset: v1}
  - name: missing-subset
    match:
    - uri: {prefix: /v3}
    route:
    - destination: {host: reviews, subset: v3}
  - name: split
    match:
    - uri: {prefix: /split}
    route:
    - destination: {host: reviews, subset: v1}
      weight: 3
    - destination: {host: reviews, subset: v2}
      weight: 1
  - name: default
    route:
    - destination: {host: reviews, subset: v1}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: multi}
spec:
  hosts: [multi]
  http:
  - name: port-8080
    match:
    - port: 8080
      uri: {prefix: /p}
    route:
    - destination: {host: multi}
  - name: port-9090
    match:
    - port: 9090
      uri: {prefix: /p}
    route:
    - destination: {host: multi}
  - name: to-ratings
    match:
    - uri: {prefix: /ratings}
    route:
    - destination: {host: ratings}
  - name: explicit-port
    match:
    - uri: {prefix: /admin}
    route:
    - destination: {host: multi, port: {number: 9090}}
  - name: default
    route:
    - destination: {host: multi}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: details}
spec:
  hosts: [details]
  exportTo: ["."]
  http:
  - name: private
    route:
    - destination: {host: details}
      headers: {request: {set: {x-private: "1"}}}
`;

const { store } = meshFromYaml(MESH);
const snap = store.snapshot();
const REVIEWS = FQDN('reviews');
const sub = (subset: string, port = 9080, host = REVIEWS): string => `outbound|${port}|${subset}|${host}`;

describe('conditions on the caller are decided per proxy', () => {
  it('sourceLabels: only the labelled caller keeps the block, without the label condition', () => {
    const pp = proxy(snap, 'productpage');
    const ratings = proxy(snap, 'ratings');
    expect(summary(pp, '9080', REVIEWS)[0]).toBe(`default/reviews#from-productpage → ${sub('v2')}`);
    expect(routes(pp, '9080', REVIEWS)[0]?.match).toEqual({ headers: [{ name: 'end-user', match: { exact: 'jason' } }] });
    expect(summary(ratings, '9080', REVIEWS).some((l) => l.includes('from-productpage'))).toBe(false);
    // Everything else is the same for both callers.
    expect(summary(pp, '9080', REVIEWS).slice(1)).toEqual(summary(ratings, '9080', REVIEWS));
  });

  it('sourceNamespace: only callers in that namespace keep the block', () => {
    const client = proxy(snap, 'client', 'other');
    const pp = proxy(snap, 'productpage');
    expect(summary(client, '9080', REVIEWS)[0]).toBe(`default/reviews#from-other-ns → ${sub('v2-sticky')}`);
    expect(routes(client, '9080', REVIEWS)[0]?.match).toEqual({});
    expect(summary(pp, '9080', REVIEWS).some((l) => l.includes('from-other-ns'))).toBe(false);
  });

  it('a sidecar gets exactly the mesh blocks, in order, one route per block', () => {
    expect(summary(proxy(snap, 'ratings'), '9080', REVIEWS)).toEqual([
      `default/reviews#mesh-only → ${sub('v1')}`,
      `default/reviews#mixed → ${sub('v1')}`,
      `default/reviews#mixed → ${sub('v1')}`,
      `default/reviews#missing-subset → ${sub('v3')}`,
      `default/reviews#split → ${sub('v1')},${sub('v2')}`,
      `default/reviews#default → ${sub('v1')}`,
    ]);
    const mixed = routes(proxy(snap, 'ratings'), '9080', REVIEWS).filter((r) => r.name === 'default/reviews#mixed');
    expect(mixed.map((r) => r.match)).toEqual([{ uri: { prefix: '/a' } }, { uri: { prefix: '/c' } }]);
  });

  it('the gateway gets exactly its blocks, and none decided by the callers', () => {
    const gw = gateway(snap);
    expect(summary(gw, 'http.8080', 'reviews.example.com')).toEqual([
      `default/reviews#gateway-only → ${sub('v2')}`,
      `default/reviews#mixed → ${sub('v1')}`,
      `default/reviews#mixed → ${sub('v1')}`,
      `default/reviews#missing-subset → ${sub('v3')}`,
      `default/reviews#split → ${sub('v1')},${sub('v2')}`,
      `default/reviews#default → ${sub('v1')}`,
    ]);
    const mixed = routes(gw, 'http.8080', 'reviews.example.com').filter((r) => r.name === 'default/reviews#mixed');
    expect(mixed.map((r) => r.match)).toEqual([{ uri: { prefix: '/b' } }, { uri: { prefix: '/c' } }]);
    // The gateway answers only the Gateway's host, not the mesh name.
    expect(gw.routes['http.8080']?.virtualHosts.map((v) => v.domains)).toEqual([['reviews.example.com']]);
  });

  it('weights are kept as written (3/1), with their total', () => {
    const split = routes(proxy(snap, 'ratings'), '9080', REVIEWS).find((r) => r.name === 'default/reviews#split');
    expect(split?.action).toMatchObject({ kind: 'forward', totalWeight: 4, clusters: [{ cluster: sub('v1'), weight: 3 }, { cluster: sub('v2'), weight: 1 }] });
  });
});

describe('ports', () => {
  const MULTI = FQDN('multi');
  const m = (port: number): string => `outbound|${port}||${MULTI}`;
  const ratings = `outbound|9080||${FQDN('ratings')}`;

  it('match `port` keeps a block only in the table of that port', () => {
    const pp = proxy(snap, 'productpage');
    expect(summary(pp, '8080', MULTI)).toEqual([
      `default/multi#port-8080 → ${m(8080)}`,
      `default/multi#to-ratings → ${ratings}`,
      `default/multi#explicit-port → ${m(9090)}`,
      `default/multi#default → ${m(8080)}`,
    ]);
    expect(summary(pp, '9090', MULTI)).toEqual([
      `default/multi#port-9090 → ${m(9090)}`,
      `default/multi#to-ratings → ${ratings}`,
      `default/multi#explicit-port → ${m(9090)}`,
      `default/multi#default → ${m(9090)}`,
    ]);
    expect(routes(pp, '8080', MULTI)[0]?.match).toEqual({ uri: { prefix: '/p' } });
  });

  it('a destination without a port: the only port of a single-port service, else the request port', () => {
    // Covered line by line above: `to-ratings` goes to 9080 from both tables; `default` follows the table.
    const pp = proxy(snap, 'productpage');
    expect(cluster(pp, ratings).port).toBe(9080);
    expect(cluster(pp, m(8080)).port).toBe(8080);
    expect(cluster(pp, m(9090)).port).toBe(9090);
  });
});

describe('clusters and traffic policy', () => {
  it('a subset no DestinationRule defines: the route names a cluster that does not exist (503 NC)', () => {
    for (const config of [proxy(snap, 'ratings'), gateway(snap)]) {
      expect(config.clusters[sub('v3')]).toBeUndefined();
      expect(config.clusters[sub('v1')]).toBeDefined();
    }
  });

  it('subsets select their endpoints by label', () => {
    const pp = proxy(snap, 'productpage');
    expect(cluster(pp, sub('v1')).endpoints.map((e) => e.labels['version'])).toEqual(['v1']);
    expect(cluster(pp, sub('v2')).endpoints.map((e) => e.labels['version'])).toEqual(['v2']);
  });

  it("a subset's trafficPolicy overrides the host's, field group by field group", () => {
    const client = proxy(snap, 'client', 'other');
    const pp = proxy(snap, 'productpage');
    // v1: the host's policy.
    expect(cluster(pp, sub('v1'))).toMatchObject({ lb: 'ROUND_ROBIN', connectionPool: { maxConnections: 5 } });
    // v2: its own load balancer, the host's connection pool.
    expect(cluster(pp, sub('v2'))).toMatchObject({ lb: 'RANDOM', connectionPool: { maxConnections: 5 } });
    // v2-sticky: its own load balancer and connection pool.
    const sticky = cluster(client, sub('v2-sticky'));
    expect(sticky.lb).toBe('LEAST_REQUEST');
    expect(sticky.consistentHash).toEqual({ cookie: { name: 'session', ttlMs: 10_000 } });
    expect(sticky.connectionPool).toEqual({ maxRequests: 9 });
  });

  it('portLevelSettings apply to their port only, and do not inherit the top-level fields they omit', () => {
    const pp = proxy(snap, 'productpage');
    const MULTI = FQDN('multi');
    expect(cluster(pp, `outbound|8080||${MULTI}`)).toMatchObject({ lb: 'ROUND_ROBIN', connectionPool: { maxConnections: 7 } });
    const admin = cluster(pp, `outbound|9090||${MULTI}`);
    expect(admin.lb).toBe('LEAST_REQUEST');
    expect(admin.consistentHash).toEqual({ header: 'x-user' });
    // Istio: "default values will be applied to fields omitted in port-level traffic policies".
    expect(admin.connectionPool).toBeUndefined();
  });

  it('with no DestinationRule, clusters use the default load balancer (LEAST_REQUEST)', () => {
    const pp = proxy(snap, 'productpage');
    const c = cluster(pp, `outbound|9080||${FQDN('ratings')}`);
    expect(c.lb).toBe('LEAST_REQUEST');
    expect(c.consistentHash).toBeUndefined();
    expect(c.connectionPool).toBeUndefined();
  });
});

describe('subset port-level settings', () => {
  const yaml = `
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  selector: {app: echo}
  ports: [{name: http, port: 80}, {name: http-alt, port: 81}]
---
${deployment('echo', { app: 'echo', version: 'v1' }, [80, 81])}
${deployment('caller', { app: 'caller' }, [])}
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: echo}
spec:
  host: echo
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBIN}
    connectionPool: {tcp: {maxConnections: 5}}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy:
      portLevelSettings:
      - port: {number: 81}
        loadBalancer: {simple: RANDOM}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: echo}
spec:
  hosts: [echo]
  http:
  - route:
    - destination: {host: echo, subset: v1}
`;
  const s = meshFromYaml(yaml).store.snapshot();
  const caller = proxy(s, 'caller');
  const ECHO = FQDN('echo');

  it('on other ports the subset has the host policy', () => {
    expect(cluster(caller, `outbound|80|v1|${ECHO}`)).toMatchObject({ lb: 'ROUND_ROBIN', connectionPool: { maxConnections: 5 } });
  });

  it("on its port, the subset's port-level policy replaces the host's groups entirely", () => {
    const c = cluster(caller, `outbound|81|v1|${ECHO}`);
    expect(c.lb).toBe('RANDOM');
    expect(c.connectionPool).toBeUndefined();
  });
});

describe('which VirtualService a proxy sees', () => {
  it('exportTo "." hides a VirtualService from other namespaces', () => {
    const DETAILS = FQDN('details');
    const inside = routes(proxy(snap, 'productpage'), '9080', DETAILS);
    const outside = routes(proxy(snap, 'client', 'other'), '9080', DETAILS);
    expect(inside.map((r) => r.name)).toEqual(['default/details#private']);
    expect(inside[0]?.action).toMatchObject({ clusters: [{ cluster: `outbound|9080||${DETAILS}`, headers: { requestSet: { 'x-private': '1' } } }] });
    // The other namespace gets the service's default route, as if no VirtualService existed.
    expect(outside.map((r) => r.name)).toEqual(['default']);
    expect(outside[0]?.action).toMatchObject({ clusters: [{ cluster: `outbound|9080||${DETAILS}`, weight: 100 }] });
  });

  it('from another namespace, a service answers to its namespaced names only', () => {
    const t = proxy(snap, 'client', 'other').routes['9080'];
    const vh = t?.virtualHosts.find((v) => v.domains.includes(REVIEWS));
    expect(vh?.domains).toEqual([REVIEWS, 'reviews.default.svc', 'reviews.default']);
    const own = proxy(snap, 'ratings').routes['9080']?.virtualHosts.find((v) => v.domains.includes(REVIEWS));
    expect(own?.domains).toEqual([REVIEWS, 'reviews.default.svc', 'reviews.default', 'reviews']);
  });

  const ECHO_MESH = `
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  selector: {app: echo}
  ports: [{name: http, port: 80}]
---
${deployment('echo', { app: 'echo' }, [80])}
${deployment('caller', { app: 'caller' }, [])}
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web-gw}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop.example.com"]
---
`;
  const vs = (name: string, path: string, extra = ''): string => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}}
spec:
  hosts: [${extra ? 'shop.example.com' : 'echo'}]
  ${extra}
  http:
  - match: [{uri: {prefix: ${path}}}]
    route:
    - destination: {host: echo}
`;

  it('on sidecars, the oldest VirtualService for a host wins (not the first by name)', () => {
    const { store: st } = meshFromYaml(ECHO_MESH + vs('zz-old', '/old'));
    st.apply(resources(vs('aa-new', '/new')));
    const ECHO = FQDN('echo');
    expect(summary(proxy(st.snapshot(), 'caller'), '80', ECHO)).toEqual([`default/zz-old#0 → outbound|80||${ECHO}`]);
    // Re-applying the old one unchanged or changed keeps its age.
    st.apply(resources(vs('zz-old', '/old2')));
    expect(routes(proxy(st.snapshot(), 'caller'), '80', ECHO).map((r) => [r.name, r.match])).toEqual([['default/zz-old#0', { uri: { prefix: '/old2' } }]]);
    // Once the old one is gone, the newer one takes over.
    st.delete([{ kind: 'VirtualService', namespace: 'default', name: 'zz-old' }]);
    expect(summary(proxy(st.snapshot(), 'caller'), '80', ECHO)).toEqual([`default/aa-new#0 → outbound|80||${ECHO}`]);
  });

  it('on a gateway, the routes of two VirtualServices for one host merge, oldest first', () => {
    const { store: st } = meshFromYaml(ECHO_MESH + vs('shop-z', '/z', 'gateways: [web-gw]'));
    st.apply(resources(vs('shop-a', '/a', 'gateways: [web-gw]')));
    const gw = gateway(st.snapshot());
    const ECHO = FQDN('echo');
    expect(routes(gw, 'http.8080', 'shop.example.com').map((r) => [r.name, r.match])).toEqual([
      ['default/shop-z#0', { uri: { prefix: '/z' } }],
      ['default/shop-a#0', { uri: { prefix: '/a' } }],
    ]);
    expect(summary(gw, 'http.8080', 'shop.example.com')).toEqual([`default/shop-z#0 → outbound|80||${ECHO}`, `default/shop-a#0 → outbound|80||${ECHO}`]);
    // Gateway-only VirtualServices do not reach sidecars: the service keeps its default route.
    expect(summary(proxy(st.snapshot(), 'caller'), '80', ECHO)).toEqual([`default → outbound|80||${ECHO}`]);
  });
});
