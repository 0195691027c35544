/**
 * A delta merged into its base must be exactly the config a full push would have delivered: same
 * content, same key and list order (route order decides matching), whatever changed.
 */
import { describe, it, expect } from 'vitest';
import type { ClusterConfig, ConfigDelta, ListenerConfig, ProxyConfig, RouteTableConfig, VirtualHostConfig } from '../compile/config.js';
import { applyDelta, ConfigDeltaError } from './config-delta.js';
import { configMessageJson, deltaMessageJson, diffConfig } from '../push/config-delta.js';

function vhost(host: string, port: number, weight = 100): VirtualHostConfig {
  return {
    name: `${host}:${port}`,
    domains: [host, host.split('.')[0] as string],
    routes: [{ name: `default/${host}#0`, match: { uri: { prefix: '/' } }, action: { kind: 'forward', clusters: [{ cluster: `outbound|${port}||${host}`, weight }], totalWeight: weight, retries: { attempts: 2, retryOn: ['connect-failure'], retriableStatusCodes: [], retryOtherHosts: true } } }],
  };
}

function cluster(host: string, port: number, endpoints = 2): ClusterConfig {
  return { name: `outbound|${port}||${host}`, service: host, port, lb: 'LEAST_REQUEST', endpoints: Array.from({ length: endpoints }, (_, i) => ({ address: '127.0.0.1', port: 30000 + i, labels: { app: host }, sidecar: true, weight: 1 })) };
}

const HOSTS = ['a.default.svc.cluster.local', 'b.default.svc.cluster.local', 'c.other.svc.cluster.local', 'd.other.svc.cluster.local'];

function baseConfig(): ProxyConfig {
  const table = (port: number): RouteTableConfig => ({ name: String(port), virtualHosts: HOSTS.map((h) => vhost(h, port)) });
  return {
    version: '7',
    node: { id: 'a-0.default', role: 'sidecar', pod: 'a-0', namespace: 'default', labels: { app: 'a' }, serviceAccount: 'default' },
    listeners: [
      { name: 'outbound', direction: 'outbound', address: '127.0.0.1', port: 15001, protocol: 'HTTP', routeTablePrefix: '' },
      { name: 'inbound|80', direction: 'inbound', address: '127.0.0.1', port: 30001, protocol: 'HTTP', appPort: 20001 },
    ],
    routes: { '80': table(80), '9080': table(9080) },
    clusters: Object.fromEntries([...HOSTS.flatMap((h) => [cluster(h, 80), cluster(h, 9080)]).sort((x, y) => x.name.localeCompare(y.name)), { name: 'inbound|80||', service: '', port: 80, lb: 'ROUND_ROBIN' as const, endpoints: [] }].map((c) => [c.name, c])),
    outboundTrafficPolicy: 'ALLOW_ANY',
  };
}

/** The config's clusters and `more`: outbound ones sorted by name, then the rest, as the compiler orders them. */
function sortedClusters(c: ProxyConfig, more: ClusterConfig[]): Record<string, ClusterConfig> {
  const all = [...Object.values(c.clusters), ...more];
  const outbound = all.filter((x) => x.name.startsWith('outbound|')).sort((x, y) => x.name.localeCompare(y.name));
  return Object.fromEntries([...outbound, ...all.filter((x) => !x.name.startsWith('outbound|'))].map((x) => [x.name, x]));
}

/** A copy of `c` at the next version, changed by `change` (which may mutate the copy). */
function changed(c: ProxyConfig, change: (next: ProxyConfig) => void): ProxyConfig {
  const next = structuredClone(c);
  next.version = String(Number(c.version) + 1);
  change(next);
  return next;
}

function table(c: ProxyConfig, name: string): RouteTableConfig {
  return c.routes[name] as RouteTableConfig;
}

/** What the proxy ends up with: the delta goes over the wire as JSON, as it does in a push. */
function roundTrip(old: ProxyConfig, next: ProxyConfig): ProxyConfig {
  const delta = diffConfig(old, next);
  expect(delta, 'a change must give a delta').toBeDefined();
  const wire = JSON.parse(deltaMessageJson(delta as ConfigDelta)) as ConfigDelta;
  expect(wire).toStrictEqual(JSON.parse(JSON.stringify(delta)));
  return applyDelta(old, wire);
}

function expectExactly(actual: ProxyConfig, expected: ProxyConfig): void {
  expect(actual).toStrictEqual(expected);
  // Key order too: JSON.stringify follows it, and so does anything iterating the config.
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

const CASES: [string, (c: ProxyConfig) => void][] = [
  ['a virtual host modified', (c) => table(c, '80').virtualHosts.splice(1, 1, vhost(HOSTS[1] as string, 80, 50))],
  ['a virtual host added at the end', (c) => table(c, '80').virtualHosts.push(vhost('e.default.svc.cluster.local', 80))],
  ['a virtual host added in the middle', (c) => table(c, '80').virtualHosts.splice(1, 0, vhost('e.default.svc.cluster.local', 80))],
  ['a virtual host removed', (c) => table(c, '9080').virtualHosts.splice(2, 1)],
  ['virtual hosts reordered', (c) => table(c, '80').virtualHosts.reverse()],
  ['every virtual host removed', (c) => (table(c, '80').virtualHosts = [])],
  ['virtual hosts with the same name', (c) => table(c, '80').virtualHosts.push(vhost(HOSTS[0] as string, 80, 10))],
  ['a route table added', (c) => (c.routes['8080'] = { name: '8080', virtualHosts: [vhost(HOSTS[0] as string, 8080)] })],
  ['a route table with a name key added', (c) => (c.routes['http.80'] = { name: 'http.80', virtualHosts: [vhost(HOSTS[0] as string, 80)] })],
  ['a route table removed', (c) => delete c.routes['9080']],
  ['a route table renamed inside', (c) => (table(c, '80').name = 'eighty')],
  ['a cluster modified', (c) => (c.clusters['outbound|80||a.default.svc.cluster.local'] = cluster(HOSTS[0] as string, 80, 5))],
  ['a cluster added', (c) => (c.clusters['outbound|80|v2|a.default.svc.cluster.local'] = { ...cluster(HOSTS[0] as string, 80), name: 'outbound|80|v2|a.default.svc.cluster.local', subset: 'v2' })],
  ['a cluster removed', (c) => delete c.clusters['outbound|9080||b.default.svc.cluster.local']],
  ['a cluster inserted where sorting puts it', (c) => (c.clusters = sortedClusters(c, [cluster('b2.default.svc.cluster.local', 80)]))],
  ['clusters inserted first, in a row in the middle and last', (c) => (c.clusters = sortedClusters(c, [cluster('0.default.svc.cluster.local', 80), cluster('b2.default.svc.cluster.local', 80), cluster('b3.default.svc.cluster.local', 80), cluster('zz.default.svc.cluster.local', 9080)]))],
  [
    'clusters inserted and removed around each other',
    (c) => {
      delete c.clusters['outbound|80||b.default.svc.cluster.local'];
      c.clusters = sortedClusters(c, [cluster('b.default.svc.cluster.local', 81), cluster('a2.default.svc.cluster.local', 80)]);
    },
  ],
  ['a virtual host inserted first', (c) => table(c, '80').virtualHosts.unshift(vhost('e.default.svc.cluster.local', 80))],
  ['virtual hosts inserted in a row, and one moved', (c) => {
    const vhosts = table(c, '9080').virtualHosts;
    vhosts.splice(2, 0, vhost('e.default.svc.cluster.local', 9080), vhost('f.default.svc.cluster.local', 9080));
    vhosts.push(...vhosts.splice(0, 1));
  }],
  ['clusters reordered', (c) => (c.clusters = Object.fromEntries(Object.entries(c.clusters).reverse()))],
  ['a cluster named __proto__', (c) => (c.clusters = Object.fromEntries([...Object.entries(c.clusters), ['__proto__', cluster('x', 1)]]))],
  ['a listener modified', (c) => ((c.listeners[1] as ListenerConfig).port = 30002)],
  ['a listener added', (c) => c.listeners.push({ name: 'inbound|9080', direction: 'inbound', address: '127.0.0.1', port: 30003, protocol: 'TCP', tcpCluster: 'inbound|9080||', appPort: 20003 })],
  ['a listener removed', (c) => c.listeners.splice(0, 1)],
  ['listeners reordered', (c) => c.listeners.reverse()],
  ['the node changed', (c) => (c.node = { ...c.node, labels: { app: 'a', version: 'v2' }, locality: 'r/z' })],
  ['the outbound traffic policy changed', (c) => (c.outboundTrafficPolicy = 'REGISTRY_ONLY')],
  [
    'everything at once',
    (c) => {
      table(c, '80').virtualHosts.splice(0, 1, vhost('z.default.svc.cluster.local', 80));
      delete c.routes['9080'];
      c.routes['7070'] = { name: '7070', virtualHosts: [] };
      delete c.clusters['outbound|80||c.other.svc.cluster.local'];
      c.clusters['outbound|80||z.default.svc.cluster.local'] = cluster('z.default.svc.cluster.local', 80);
      c.listeners.pop();
      c.outboundTrafficPolicy = 'REGISTRY_ONLY';
    },
  ],
];

describe('config deltas', () => {
  it.each(CASES)('reproduce the full config: %s', (_name, change) => {
    const old = baseConfig();
    const next = changed(old, change);
    expectExactly(roundTrip(old, next), next);
  });

  it('reproduce the full config over a random walk of changes', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const mutations: ((c: ProxyConfig) => void)[] = CASES.map(([, m]) => m);
    const extra: ((c: ProxyConfig) => void)[] = [
      (c) => {
        const vhosts = table(c, Object.keys(c.routes)[0] ?? '80')?.virtualHosts;
        if (vhosts && vhosts.length > 1) vhosts.splice(random(vhosts.length), 1);
      },
      (c) => {
        const t = c.routes[Object.keys(c.routes)[random(Math.max(1, Object.keys(c.routes).length))] ?? ''];
        t?.virtualHosts.splice(random(t.virtualHosts.length + 1), 0, vhost(`h${random(1000)}.default.svc.cluster.local`, 80));
      },
      (c) => {
        const names = Object.keys(c.clusters);
        delete c.clusters[names[random(names.length)] ?? ''];
      },
    ];
    let config = baseConfig();
    const placements = { after: 0, order: 0 };
    for (let step = 0; step < 400; step++) {
      const all = [...mutations, ...extra];
      const next = changed(config, (c) => {
        try {
          (all[random(all.length)] as (c: ProxyConfig) => void)(c);
        } catch {
          // A mutation that does not fit this config (a table it removed earlier) changes nothing.
        }
      });
      const delta = diffConfig(config, next);
      const json = delta ? deltaMessageJson(delta) : '';
      if (json.includes('"after":')) placements.after++;
      if (json.includes('"order":')) placements.order++;
      if (delta) expectExactly(applyDelta(config, JSON.parse(json) as ConfigDelta), next);
      else expect(JSON.stringify({ ...config, version: next.version })).toBe(JSON.stringify(next));
      config = next;
    }
    // The walk went through both ways of placing new items.
    expect(placements.after).toBeGreaterThan(10);
    expect(placements.order).toBeGreaterThan(10);
  });

  it('is nothing when only the version changed', () => {
    const old = baseConfig();
    expect(diffConfig(old, changed(old, () => undefined))).toBeUndefined();
  });

  it('sends one virtual host of a large table, and keeps untouched parts as they were', () => {
    const old = baseConfig();
    const next = changed(old, (c) => (table(c, '80').virtualHosts[2] = vhost(HOSTS[2] as string, 80, 1)));
    const delta = diffConfig(old, next) as ConfigDelta;
    expect(delta).toStrictEqual({ type: 'delta', version: '8', base: '7', routes: { virtualHosts: { '80': { set: [vhost(HOSTS[2] as string, 80, 1)] } } } });
    const merged = applyDelta(old, delta);
    expect(merged.routes['9080']).toBe(old.routes['9080']);
    expect(merged.routes['80']?.virtualHosts[0]).toBe(old.routes['80']?.virtualHosts[0]);
    expect(merged.clusters).toBe(old.clusters);
    expect(merged.listeners).toBe(old.listeners);
  });

  it('places a new cluster by naming its neighbour, not by listing every cluster', () => {
    const old = baseConfig();
    const added = cluster('b2.default.svc.cluster.local', 80);
    const delta = diffConfig(old, changed(old, (c) => (c.clusters = sortedClusters(c, [added])))) as ConfigDelta;
    expect(delta.clusters).toStrictEqual({ set: { [added.name]: added }, after: { [added.name]: 'outbound|80||b.default.svc.cluster.local' } });
  });

  it('refuses a delta made for another base', () => {
    const old = baseConfig();
    const delta = diffConfig(old, changed(old, (c) => (c.outboundTrafficPolicy = 'REGISTRY_ONLY'))) as ConfigDelta;
    expect(() => applyDelta({ ...old, version: '6' }, delta)).toThrow(ConfigDeltaError);
    expect(() => applyDelta(old, { ...delta, clusters: { remove: ['no such cluster'] } })).toThrow(ConfigDeltaError);
    expect(() => applyDelta(old, { ...delta, routes: { virtualHosts: { '1234': { set: [] } } } })).toThrow(ConfigDeltaError);
    expect(() => applyDelta(old, { ...delta, clusters: { set: { x: cluster('x', 1) }, after: { x: 'no such cluster' } } })).toThrow(ConfigDeltaError);
  });

  it('writes a full config as JSON.stringify would', () => {
    const config = baseConfig();
    expect(configMessageJson(config)).toBe(JSON.stringify({ type: 'config', version: config.version, config }));
  });
});
