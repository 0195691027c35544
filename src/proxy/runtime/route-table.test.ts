/**
 * Simulation: which virtual host, route and cluster does a request hit in a compiled route table?
 * No sockets: tables are built by hand (or compiled from YAML) and asked directly.
 */
import { describe, it, expect } from 'vitest';
import type { RouteConfig, RouteMatchConfig, RouteTableConfig, WeightedClusterConfig } from '../../compile/config.js';
import { compileProxyConfig } from '../../compile/index.js';
import { meshFromYaml } from '../../../test/support/mesh-fixture.js';
import { DEFAULT_RETRY_POLICY } from '../../compile/http-routes.js';
import type { RequestView } from './matchers.js';
import { RouteTable, hostOf, pickWeighted, portOf, type CompiledRoute } from './route-table.js';

interface Req {
  /** Path with optional query string. */
  url?: string;
  method?: string;
  authority?: string;
  scheme?: string;
  headers?: Record<string, string | string[]>;
}

function view(r: Req): RequestView {
  const url = r.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: r.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    scheme: r.scheme ?? 'http',
    authority: r.authority ?? 'svc',
    headers: r.headers ?? {},
  };
}

function forward(name: string, match: RouteMatchConfig, clusters: WeightedClusterConfig[] = [{ cluster: `c-${name}`, weight: 100 }]): RouteConfig {
  return {
    name,
    match,
    action: { kind: 'forward', clusters, totalWeight: clusters.reduce((s, c) => s + c.weight, 0), retries: DEFAULT_RETRY_POLICY },
  };
}

function table(vhosts: { name: string; domains: string[]; routes?: RouteConfig[] }[]): RouteTable {
  const config: RouteTableConfig = { name: 't', virtualHosts: vhosts.map((v) => ({ name: v.name, domains: v.domains, routes: v.routes ?? [] })) };
  return new RouteTable(config);
}

/** What the proxy does: virtual host by authority, then the first route whose match holds. */
function simulate(t: RouteTable, r: Req): { vhost: string | undefined; route: CompiledRoute | undefined } {
  const vh = t.virtualHost(hostOf(r.authority ?? 'svc'));
  const v = view(r);
  return { vhost: vh?.name, route: vh?.routes.find((x) => x.test(v)) };
}

function routeName(routes: RouteConfig[], r: Req): string | undefined {
  return simulate(table([{ name: 'vh', domains: ['*'], routes }]), r).route?.name;
}

describe('virtual host selection (Envoy domain precedence)', () => {
  const t = table([
    { name: 'catch-all', domains: ['*'] },
    { name: 'prefix-short', domains: ['www.*'] },
    { name: 'prefix-long', domains: ['www.example.*'] },
    { name: 'suffix-short', domains: ['*.example.com'] },
    { name: 'suffix-dash', domains: ['*-bar.example.com'] },
    { name: 'suffix-long', domains: ['*.api.example.com'] },
    { name: 'exact', domains: ['www.example.com'] },
    { name: 'mixed-case', domains: ['Reviews.Default.SVC.cluster.local', 'reviews'] },
    { name: 'ipv6', domains: ['[::1]', '[fd00::1]'] },
    { name: 'ipv4', domains: ['10.0.0.1'] },
  ]);

  it.each([
    // exact beats every wildcard that also matches
    ['www.example.com', 'exact'],
    ['WWW.Example.COM', 'exact'],
    ['www.example.com:8080', 'exact'],
    // longest suffix wins
    ['a.api.example.com', 'suffix-long'],
    ['x.y.api.example.com', 'suffix-long'],
    // the wildcard never matches the empty string: `*.api.example.com` does not take api.example.com
    ['api.example.com', 'suffix-short'],
    ['baz-bar.example.com', 'suffix-dash'],
    ['-bar.example.com', 'suffix-short'],
    ['foo.example.com:443', 'suffix-short'],
    // suffixes beat prefixes; longest prefix wins
    ['www.example.org', 'prefix-long'],
    ['www.other.net', 'prefix-short'],
    ['WWW.Other.Net:9080', 'prefix-short'],
    // `www.*` needs at least one character after the prefix
    ['www.', 'catch-all'],
    ['example.com', 'catch-all'],
    ['other.net:80', 'catch-all'],
    ['', 'catch-all'],
    // case-insensitive, port stripped
    ['reviews.default.svc.cluster.local:9080', 'mixed-case'],
    ['REVIEWS:9080', 'mixed-case'],
    // IP literals
    ['[::1]:15001', 'ipv6'],
    ['[::1]', 'ipv6'],
    ['[FD00::1]:80', 'ipv6'],
    ['10.0.0.1:8080', 'ipv4'],
    ['10.0.0.2:8080', 'catch-all'],
  ])('%s → %s', (authority, want) => {
    expect(simulate(t, { authority }).vhost).toBe(want);
  });

  it('a suffix wildcard beats a longer prefix wildcard', () => {
    const t2 = table([
      { name: 'prefix', domains: ['www.example.*'] },
      { name: 'suffix', domains: ['*.com'] },
    ]);
    expect(simulate(t2, { authority: 'www.example.com' }).vhost).toBe('suffix');
    expect(simulate(t2, { authority: 'www.example.net' }).vhost).toBe('prefix');
  });

  it('without `*`, an unknown host has no virtual host', () => {
    const t2 = table([{ name: 'only', domains: ['reviews'] }]);
    expect(simulate(t2, { authority: 'ratings:9080' }).vhost).toBeUndefined();
    expect(simulate(t2, { authority: 'reviewsx' }).vhost).toBeUndefined();
    expect(simulate(t2, { authority: 'reviews:9080' }).vhost).toBe('only');
  });

  it('the first virtual host naming a domain keeps it', () => {
    const t2 = table([
      { name: 'first', domains: ['a.com', '*'] },
      { name: 'second', domains: ['a.com', '*'] },
    ]);
    expect(simulate(t2, { authority: 'a.com' }).vhost).toBe('first');
    expect(simulate(t2, { authority: 'b.com' }).vhost).toBe('first');
  });
});

describe('hostOf / portOf', () => {
  it.each([
    ['Reviews:9080', 'reviews', 9080],
    ['reviews', 'reviews', 80],
    ['[::1]:80', '[::1]', 80],
    ['[::1]', '[::1]', 80],
    ['[FD00::AB]:9443', '[fd00::ab]', 9443],
    ['10.1.2.3:31000', '10.1.2.3', 31000],
    ['host:notaport', 'host', 80],
    ['host:70000', 'host', 80],
  ])('%s → host %s, port %i', (authority, host, port) => {
    expect(hostOf(authority)).toBe(host);
    expect(portOf(authority, 80)).toBe(port);
  });
});

describe('route matching', () => {
  interface Case {
    title: string;
    match: RouteMatchConfig;
    hit: Req[];
    miss: Req[];
  }
  const SEED_001_COOKIE = '^(.*?; ?)?(featureflag=on)(;.*)?$';
  const BRIEF_COOKIE = '^(.*?;)?(featureflag=on)(;.*)?$';
  const cases: Case[] = [
    { title: 'empty match takes everything', match: {}, hit: [{ url: '/' }, { url: '/anything?x=1', method: 'DELETE' }], miss: [] },
    {
      title: 'uri exact',
      match: { uri: { exact: '/api' } },
      hit: [{ url: '/api' }, { url: '/api?x=1' }],
      miss: [{ url: '/api/' }, { url: '/API' }, { url: '/apix' }, { url: '/' }],
    },
    {
      title: 'uri prefix (a string prefix, not a segment prefix)',
      match: { uri: { prefix: '/api' } },
      hit: [{ url: '/api' }, { url: '/api/v1' }, { url: '/apix' }, { url: '/api?q=1' }],
      miss: [{ url: '/ap' }, { url: '/API/v1' }, { url: '/x/api' }],
    },
    {
      title: 'uri regex matches the whole path only',
      match: { uri: { regex: '/api/v[12]' } },
      hit: [{ url: '/api/v1' }, { url: '/api/v2' }, { url: '/api/v2?page=3' }],
      miss: [{ url: '/api/v1/x' }, { url: '/x/api/v1' }, { url: '/api/v3' }, { url: '/api/v12' }],
    },
    {
      title: 'uri regex alternation is anchored as a whole',
      match: { uri: { regex: '/a|/b' } },
      hit: [{ url: '/a' }, { url: '/b' }],
      miss: [{ url: '/ab' }, { url: '/a/x' }, { url: '/x/b' }],
    },
    {
      title: 'ignoreUriCase with exact',
      match: { uri: { exact: '/Login' }, ignoreUriCase: true },
      hit: [{ url: '/login' }, { url: '/LOGIN' }, { url: '/Login' }],
      miss: [{ url: '/login/' }, { url: '/logout' }],
    },
    {
      title: 'ignoreUriCase with prefix',
      match: { uri: { prefix: '/Static/' }, ignoreUriCase: true },
      hit: [{ url: '/static/app.css' }, { url: '/STATIC/x' }],
      miss: [{ url: '/static' }, { url: '/assets/static/' }],
    },
    {
      // Istio: "The case will be ignored only in the case of exact and prefix URI matches";
      // Envoy: case_sensitive is ignored for safe_regex.
      title: 'ignoreUriCase does not apply to regex',
      match: { uri: { regex: '/Admin/[a-z]+' }, ignoreUriCase: true },
      hit: [{ url: '/Admin/panel' }],
      miss: [{ url: '/admin/panel' }, { url: '/ADMIN/panel' }, { url: '/Admin/Panel' }],
    },
    {
      title: 'RE2 (?i) prefix',
      match: { uri: { regex: '(?i)/admin(/.*)?' } },
      hit: [{ url: '/ADMIN' }, { url: '/Admin/Users' }],
      miss: [{ url: '/administrator' }, { url: '/x/admin' }],
    },
    {
      title: 'RE2 named group (?P<name>...)',
      match: { uri: { regex: '/users/(?P<id>[0-9]+)' } },
      hit: [{ url: '/users/42' }, { url: '/users/7?x=y' }],
      miss: [{ url: '/users/' }, { url: '/users/abc' }, { url: '/users/42/posts' }],
    },
    {
      title: 'header exact (case-sensitive value)',
      match: { headers: [{ name: 'end-user', match: { exact: 'jason' } }] },
      hit: [{ headers: { 'end-user': 'jason' } }],
      miss: [{ headers: { 'end-user': 'Jason' } }, { headers: { 'end-user': 'jason2' } }, { headers: {} }, { headers: { 'x-end-user': 'jason' } }],
    },
    {
      title: 'header prefix',
      match: { headers: [{ name: 'x-version', match: { prefix: 'v1' } }] },
      hit: [{ headers: { 'x-version': 'v1' } }, { headers: { 'x-version': 'v1.2' } }],
      miss: [{ headers: { 'x-version': 'v2' } }, { headers: { 'x-version': 'xv1' } }, { headers: {} }],
    },
    {
      title: 'header regex is a full match',
      match: { headers: [{ name: 'x-version', match: { regex: 'v[0-9]' } }] },
      hit: [{ headers: { 'x-version': 'v1' } }, { headers: { 'x-version': 'v9' } }],
      miss: [{ headers: { 'x-version': 'v10' } }, { headers: { 'x-version': 'xv1' } }, { headers: {} }],
    },
    {
      title: 'header presence (no value matcher)',
      match: { headers: [{ name: 'x-canary' }] },
      hit: [{ headers: { 'x-canary': '' } }, { headers: { 'x-canary': 'anything' } }],
      miss: [{ headers: {} }, { headers: { 'x-canary-2': '1' } }],
    },
    {
      title: 'seed 001 cookie canary regex on the cookie header',
      match: { uri: { prefix: '/' }, headers: [{ name: 'cookie', match: { regex: SEED_001_COOKIE } }] },
      hit: [
        { headers: { cookie: 'featureflag=on' } },
        { headers: { cookie: 'a=b; featureflag=on' } },
        { headers: { cookie: 'a=b;featureflag=on' } },
        { headers: { cookie: 'a=b; featureflag=on; c=d' } },
        { headers: { cookie: 'featureflag=on;c=d' } },
      ],
      miss: [
        { headers: {} },
        { headers: { cookie: 'featureflag=off' } },
        { headers: { cookie: 'featureflag=onx' } },
        { headers: { cookie: 'xfeatureflag=on' } },
        { headers: { cookie: 'a=b; featureflag=off; c=on' } },
        { headers: { 'x-cookie': 'featureflag=on' } },
      ],
    },
    {
      title: 'cookie regex without the optional space after `;`',
      match: { headers: [{ name: 'cookie', match: { regex: BRIEF_COOKIE } }] },
      hit: [{ headers: { cookie: 'featureflag=on' } }, { headers: { cookie: 'a=b;featureflag=on' } }, { headers: { cookie: 'a=b;featureflag=on;c=d' } }],
      miss: [{ headers: { cookie: 'a=b; featureflag=on' } }, { headers: { cookie: 'featureflag=onx' } }],
    },
    {
      title: 'withoutHeaders (inverted): absent or different value matches',
      match: { headers: [{ name: 'end-user', match: { exact: 'jason' }, invert: true }] },
      hit: [{ headers: { 'end-user': 'mark' } }, { headers: {} }, { headers: { 'end-user': 'Jason' } }],
      miss: [{ headers: { 'end-user': 'jason' } }],
    },
    {
      title: 'withoutHeaders presence: only requests without the header',
      match: { headers: [{ name: 'x-debug', invert: true }] },
      hit: [{ headers: {} }, { headers: { 'x-other': '1' } }],
      miss: [{ headers: { 'x-debug': '1' } }, { headers: { 'x-debug': '' } }],
    },
    {
      title: 'query parameter exact',
      match: { queryParams: [{ name: 'version', match: { exact: 'v2' } }] },
      hit: [{ url: '/?version=v2' }, { url: '/p?a=1&version=v2' }, { url: '/p?version=v2&a=1' }],
      miss: [{ url: '/?version=v22' }, { url: '/?version=V2' }, { url: '/?version' }, { url: '/' }, { url: '/?xversion=v2' }, { url: '/version=v2' }],
    },
    {
      title: 'query parameter regex is a full match',
      match: { queryParams: [{ name: 'id', match: { regex: '[0-9]+' } }] },
      hit: [{ url: '/?id=123' }, { url: '/?x=a&id=7' }],
      miss: [{ url: '/?id=12a' }, { url: '/?id=' }, { url: '/?ids=1' }],
    },
    {
      title: 'query parameter presence',
      match: { queryParams: [{ name: 'debug' }] },
      hit: [{ url: '/?debug' }, { url: '/?debug=1' }, { url: '/?debug=' }, { url: '/?a=1&debug' }],
      miss: [{ url: '/' }, { url: '/?nodebug=1' }, { url: '/debug' }],
    },
    {
      title: 'method exact (case-sensitive)',
      match: { method: { exact: 'POST' } },
      hit: [{ method: 'POST' }],
      miss: [{ method: 'GET' }, { method: 'post' }],
    },
    {
      title: 'method regex',
      match: { method: { regex: 'PUT|PATCH' } },
      hit: [{ method: 'PUT' }, { method: 'PATCH' }],
      miss: [{ method: 'POST' }, { method: 'PUTX' }],
    },
    {
      title: 'authority exact compares the whole authority, port included',
      match: { authority: { exact: 'reviews:9080' } },
      hit: [{ authority: 'reviews:9080' }],
      miss: [{ authority: 'reviews' }, { authority: 'reviews:9081' }],
    },
    {
      title: 'authority prefix',
      match: { authority: { prefix: 'stable.' } },
      hit: [{ authority: 'stable.example.com' }],
      miss: [{ authority: 'canary.example.com' }],
    },
    {
      title: 'scheme',
      match: { scheme: { exact: 'https' } },
      hit: [{ scheme: 'https' }],
      miss: [{ scheme: 'http' }],
    },
    {
      title: 'conditions within a block AND',
      match: { uri: { prefix: '/api' }, method: { exact: 'GET' }, headers: [{ name: 'x-a', match: { exact: '1' } }], queryParams: [{ name: 'q' }] },
      hit: [{ url: '/api/x?q=1', method: 'GET', headers: { 'x-a': '1' } }],
      miss: [
        { url: '/web?q=1', method: 'GET', headers: { 'x-a': '1' } },
        { url: '/api/x?q=1', method: 'POST', headers: { 'x-a': '1' } },
        { url: '/api/x?q=1', method: 'GET', headers: { 'x-a': '2' } },
        { url: '/api/x', method: 'GET', headers: { 'x-a': '1' } },
      ],
    },
    {
      title: 'two header conditions AND',
      match: { headers: [{ name: 'x-a', match: { exact: '1' } }, { name: 'x-b', match: { exact: '2' }, invert: true }] },
      hit: [{ headers: { 'x-a': '1' } }, { headers: { 'x-a': '1', 'x-b': '3' } }],
      miss: [{ headers: { 'x-a': '1', 'x-b': '2' } }, { headers: { 'x-b': '3' } }],
    },
  ];

  for (const c of cases) {
    describe(c.title, () => {
      it.each(c.hit.map((r) => [JSON.stringify(r), r] as const))('hits %s', (_t, r) => {
        expect(routeName([forward('m', c.match)], r)).toBe('m');
      });
      if (c.miss.length > 0) {
        it.each(c.miss.map((r) => [JSON.stringify(r), r] as const))('misses %s', (_t, r) => {
          expect(routeName([forward('m', c.match)], r)).toBeUndefined();
        });
      }
    });
  }

  it('a multi-valued header is matched on its values joined by a comma', () => {
    const routes = [forward('m', { headers: [{ name: 'x-tag', match: { exact: 'a,b' } }] })];
    expect(routeName(routes, { headers: { 'x-tag': ['a', 'b'] } })).toBe('m');
    expect(routeName(routes, { headers: { 'x-tag': ['a'] } })).toBeUndefined();
  });

  it('first match wins, in order', () => {
    const routes = [
      forward('api', { uri: { prefix: '/api' } }),
      forward('api-special', { uri: { exact: '/api/special' } }), // shadowed by the prefix above
      forward('jason', { headers: [{ name: 'end-user', match: { exact: 'jason' } }] }),
      forward('rest', {}),
      forward('never', { uri: { prefix: '/' } }),
    ];
    expect(routeName(routes, { url: '/api/special' })).toBe('api');
    expect(routeName(routes, { url: '/api/special', headers: { 'end-user': 'jason' } })).toBe('api');
    expect(routeName(routes, { url: '/web', headers: { 'end-user': 'jason' } })).toBe('jason');
    expect(routeName(routes, { url: '/web' })).toBe('rest');
  });

  it('no route matches → undefined (404 NR)', () => {
    const routes = [forward('api', { uri: { prefix: '/api' } })];
    expect(routeName(routes, { url: '/web' })).toBeUndefined();
  });

  it('match blocks OR: one RouteConfig per block, same route name', () => {
    const routes = [
      forward('reviews-v2', { headers: [{ name: 'end-user', match: { exact: 'jason' } }] }),
      forward('reviews-v2', { uri: { prefix: '/v2/' } }),
      forward('reviews-v1', {}),
    ];
    const t = table([{ name: 'vh', domains: ['*'], routes }]);
    const hit = (r: Req): string | undefined => {
      const route = simulate(t, r).route;
      return route ? pickWeighted(route, () => 0)?.cluster : undefined;
    };
    expect(hit({ headers: { 'end-user': 'jason' } })).toBe('c-reviews-v2');
    expect(hit({ url: '/v2/x' })).toBe('c-reviews-v2');
    expect(hit({ url: '/v2/x', headers: { 'end-user': 'jason' } })).toBe('c-reviews-v2');
    expect(hit({ url: '/v1/x', headers: { 'end-user': 'mark' } })).toBe('c-reviews-v1');
  });
});

describe('weighted destinations', () => {
  function compiled(clusters: WeightedClusterConfig[]): CompiledRoute {
    const t = table([{ name: 'vh', domains: ['*'], routes: [forward('w', {}, clusters)] }]);
    const r = simulate(t, {}).route;
    if (!r) throw new Error('no route');
    return r;
  }
  const seq = (x: number) => () => x;

  it('75/25: the boundary draw goes to the second destination', () => {
    const r = compiled([
      { cluster: 'v1', weight: 75 },
      { cluster: 'v2', weight: 25 },
    ]);
    expect(pickWeighted(r, seq(0))?.cluster).toBe('v1');
    expect(pickWeighted(r, seq(0.5))?.cluster).toBe('v1');
    expect(pickWeighted(r, seq(0.7499))?.cluster).toBe('v1');
    expect(pickWeighted(r, seq(0.75))?.cluster).toBe('v2');
    expect(pickWeighted(r, seq(0.9999))?.cluster).toBe('v2');
  });

  it('weights need not sum to 100 (3/1)', () => {
    const r = compiled([
      { cluster: 'a', weight: 3 },
      { cluster: 'b', weight: 1 },
    ]);
    expect(pickWeighted(r, seq(0))?.cluster).toBe('a');
    expect(pickWeighted(r, seq(0.7499))?.cluster).toBe('a');
    expect(pickWeighted(r, seq(0.75))?.cluster).toBe('b');
    expect(pickWeighted(r, seq(0.99))?.cluster).toBe('b');
  });

  it('three destinations 10/20/70', () => {
    const r = compiled([
      { cluster: 'a', weight: 10 },
      { cluster: 'b', weight: 20 },
      { cluster: 'c', weight: 70 },
    ]);
    expect(pickWeighted(r, seq(0.0999))?.cluster).toBe('a');
    expect(pickWeighted(r, seq(0.1))?.cluster).toBe('b');
    expect(pickWeighted(r, seq(0.2999))?.cluster).toBe('b');
    expect(pickWeighted(r, seq(0.3))?.cluster).toBe('c');
  });

  it('a zero weight is never picked', () => {
    const r = compiled([
      { cluster: 'a', weight: 0 },
      { cluster: 'b', weight: 5 },
    ]);
    for (const x of [0, 0.25, 0.5, 0.999]) expect(pickWeighted(r, seq(x))?.cluster).toBe('b');
  });

  it('a single destination takes everything, without drawing', () => {
    const r = compiled([{ cluster: 'only', weight: 100 }]);
    let draws = 0;
    const random = (): number => {
      draws++;
      return 0.999;
    };
    expect(pickWeighted(r, random)?.cluster).toBe('only');
    expect(draws).toBe(0);
  });

  it('no destination with weight → undefined (503 NC)', () => {
    const r = compiled([
      { cluster: 'a', weight: 0 },
      { cluster: 'b', weight: 0 },
    ]);
    expect(pickWeighted(r, seq(0.5))).toBeUndefined();
  });

  it('non-forward actions have no destination', () => {
    const t = new RouteTable({ name: 't', virtualHosts: [{ name: 'vh', domains: ['*'], routes: [{ name: 'd', match: {}, action: { kind: 'direct', status: 418 } }] }] });
    const r = t.virtualHost('x')?.routes[0];
    expect(r && pickWeighted(r, seq(0))).toBeUndefined();
  });

  it('the split converges on the weights over many draws', () => {
    const r = compiled([
      { cluster: 'v1', weight: 80 },
      { cluster: 'v2', weight: 20 },
    ]);
    const counts = { v1: 0, v2: 0 } as Record<string, number>;
    for (let i = 0; i < 1000; i++) {
      const c = pickWeighted(r, seq(i / 1000))?.cluster ?? '';
      counts[c] = (counts[c] ?? 0) + 1;
    }
    expect(counts).toEqual({ v1: 800, v2: 200 });
  });
});

describe('compiled from VirtualService YAML (seed 001 cookie canary on the gateway)', () => {
  const yaml = `
apiVersion: v1
kind: Service
metadata: {name: todoui, namespace: todo}
spec:
  selector: {app: todoui}
  ports: [{name: http, port: 8090}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: todoui-0-2, namespace: todo}
spec:
  selector: {matchLabels: {app: todoui, version: "0.2"}}
  template:
    metadata: {labels: {app: todoui, version: "0.2"}}
    spec: {containers: [{name: app, image: example/todoui, ports: [{containerPort: 8090}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: todoui-0-3, namespace: todo}
spec:
  selector: {matchLabels: {app: todoui, version: "0.3"}}
  template:
    metadata: {labels: {app: todoui, version: "0.3"}}
    spec: {containers: [{name: app, image: example/todoui, ports: [{containerPort: 8090}]}]}
---
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: todoui, namespace: todo}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["todo.example.nip.io"]
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: todoui, namespace: todo}
spec:
  host: todoui
  subsets:
  - {name: v0-2, labels: {version: "0.2"}}
  - {name: v0-3, labels: {version: "0.3"}}
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: todoui, namespace: todo}
spec:
  hosts: ["todo.example.nip.io"]
  gateways: [todoui]
  http:
  - match:
    - uri: {prefix: /}
      headers:
        cookie:
          regex: "^(.*?; ?)?(featureflag=on)(;.*)?$"
    route:
    - destination: {host: todoui.todo.svc.cluster.local, subset: v0-3, port: {number: 8090}}
  - match:
    - uri: {prefix: /}
    route:
    - destination: {host: todoui.todo.svc.cluster.local, subset: v0-2, port: {number: 8090}}
`;
  const { store } = meshFromYaml(yaml);
  const snapshot = store.snapshot();
  const gw = snapshot.workloads.find((w) => w.gatewayPorts !== undefined);
  if (!gw) throw new Error('no gateway');
  const config = compileProxyConfig(snapshot, gw);
  const tableConfig = config.routes['http.8080'];
  if (!tableConfig) throw new Error('no http.8080 table');
  const t = new RouteTable(tableConfig);

  function cluster(r: Req): string | undefined {
    const route = simulate(t, r).route;
    return route ? pickWeighted(route, () => 0)?.cluster : undefined;
  }

  it.each([
    [{ authority: 'todo.example.nip.io', headers: { cookie: 'featureflag=on' } }, 'outbound|8090|v0-3|todoui.todo.svc.cluster.local'],
    [{ authority: 'TODO.example.nip.io:80', url: '/todos', headers: { cookie: 'session=1; featureflag=on' } }, 'outbound|8090|v0-3|todoui.todo.svc.cluster.local'],
    [{ authority: 'todo.example.nip.io', headers: { cookie: 'featureflag=off' } }, 'outbound|8090|v0-2|todoui.todo.svc.cluster.local'],
    [{ authority: 'todo.example.nip.io' }, 'outbound|8090|v0-2|todoui.todo.svc.cluster.local'],
    [{ authority: 'other.example.nip.io' }, undefined],
  ])('%j → %s', (r, want) => {
    expect(cluster(r)).toBe(want);
  });

  it('the chosen subsets are real clusters with the right endpoints', () => {
    const v3 = config.clusters['outbound|8090|v0-3|todoui.todo.svc.cluster.local'];
    const v2 = config.clusters['outbound|8090|v0-2|todoui.todo.svc.cluster.local'];
    expect(v3?.endpoints.map((e) => e.labels['version'])).toEqual(['0.3']);
    expect(v2?.endpoints.map((e) => e.labels['version'])).toEqual(['0.2']);
  });
});
