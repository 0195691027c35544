/**
 * The compiler keeps parts from one snapshot to the next (virtual hosts, clusters, the registry).
 * Through a series of changes to one store, every proxy's config must be exactly what a compiler
 * that never saw the earlier snapshots makes; and parts a change does not touch stay the same objects.
 */
import { describe, it, expect, vi } from 'vitest';
import { loadText, validateDocuments, type Resource } from '../api/index.js';
import { ConfigStore, resourceKey, workloadKey, type WorkloadInstance } from '../store/index.js';
import type { ProxyConfig } from './config.js';
import { compileProxyConfig } from './index.js';

type Docs = Record<string, string>;

const INITIAL: Docs = {
  'svc a/web': `apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
spec: {selector: {app: web}, ports: [{name: http, port: 80}, {name: tcp-db, port: 5432}]}`,
  'svc a/api': `apiVersion: v1
kind: Service
metadata: {name: api, namespace: a}
spec: {selector: {app: api}, ports: [{name: http, port: 8080}, {name: http-admin, port: 9090}]}`,
  'svc b/api': `apiVersion: v1
kind: Service
metadata: {name: api, namespace: b}
spec: {selector: {app: api}, ports: [{name: http, port: 8080}]}`,
  'svc b/shop': `apiVersion: v1
kind: Service
metadata: {name: shop, namespace: b}
spec: {selector: {app: shop}, ports: [{name: http, port: 80}]}`,
  'dr a/api': `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: a}
spec:
  host: api
  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]`,
  'vs a/api': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: a}
spec:
  hosts: [api]
  http:
  - match: [{headers: {end-user: {exact: tester}}}]
    route: [{destination: {host: api, subset: v2}}]
    mirror: {host: web}
  - route:
    - {destination: {host: api, subset: v1}, weight: 90}
    - {destination: {host: api, subset: v2}, weight: 10}`,
  'vs a/web': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: a}
spec:
  hosts: [web]
  http:
  - match: [{uri: {prefix: /d}}]
    delegate: {name: web-delegate, namespace: a}
  - route: [{destination: {host: web}}]`,
  'vs a/web-delegate': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web-delegate, namespace: a}
spec:
  http:
  - route: [{destination: {host: api.a.svc.cluster.local}}]`,
  'gw istio-system/gw': `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]`,
  'vs a/edge': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: a}
spec:
  hosts: ["*"]
  gateways: [istio-system/gw]
  http:
  - route: [{destination: {host: web, port: {number: 80}}}]`,
};

let nextPort = 20000;
function pod(namespace: string, name: string, labels: Record<string, string>, containerPorts: number[]): WorkloadInstance {
  return {
    namespace, name, labels, serviceAccount: 'default', address: '127.0.0.1', sidecar: true, ready: true, phase: 'Running', restarts: 0, startedAt: 0, outboundPort: nextPort++,
    ports: containerPorts.map((containerPort) => ({ containerPort, protocol: 'TCP' as const, appPort: nextPort++, endpointPort: nextPort++ })),
  };
}

const PODS: WorkloadInstance[] = [
  pod('a', 'web-0', { app: 'web' }, [80, 5432]),
  pod('a', 'api-0', { app: 'api', version: 'v1' }, [8080, 9090]),
  pod('a', 'api-1', { app: 'api', version: 'v2' }, [8080, 9090]),
  pod('b', 'api-0', { app: 'api', version: 'v1' }, [8080]),
  pod('b', 'shop-0', { app: 'shop' }, [80]),
  { ...pod('istio-system', 'gw-0', { istio: 'ingressgateway' }, []), sidecar: false, gatewayPorts: { 80: nextPort++ } },
];

interface State {
  docs: Docs;
  pods: WorkloadInstance[];
}

function setPod(state: State, namespace: string, name: string, change: (w: WorkloadInstance) => WorkloadInstance): void {
  state.pods = state.pods.map((w) => (w.namespace === namespace && w.name === name ? change(w) : w));
}

/** Each step changes the state the one before left. */
const STEPS: [string, (s: State) => void][] = [
  ['a VirtualService changes', (s) => (s.docs['vs a/api'] = (s.docs['vs a/api'] as string).replace('weight: 90', 'weight: 70').replace('weight: 10', 'weight: 30'))],
  ['a subset changes', (s) => (s.docs['dr a/api'] = (s.docs['dr a/api'] as string).replace('{version: v2}', '{version: v3}'))],
  ['a pod stops being ready', (s) => setPod(s, 'a', 'api-1', (w) => ({ ...w, ready: false }))],
  ['an app moves to another port behind its sidecar', (s) => setPod(s, 'a', 'web-0', (w) => ({ ...w, ports: w.ports.map((p) => ({ ...p, appPort: p.appPort + 1000 })) }))],
  ['a pod changes labels', (s) => setPod(s, 'a', 'api-0', (w) => ({ ...w, labels: { app: 'api', version: 'v3' } }))],
  ['a service and its pod appear', (s) => {
    s.docs['svc a/new'] = `apiVersion: v1\nkind: Service\nmetadata: {name: new, namespace: a}\nspec: {selector: {app: new}, ports: [{name: http, port: 80}]}`;
    s.pods.push(pod('a', 'new-0', { app: 'new' }, [80]));
  }],
  ['a VirtualService goes', (s) => delete s.docs['vs a/api']],
  ['a VirtualService matching on the caller comes', (s) => (s.docs['vs a/api'] = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: a}
spec:
  hosts: [api]
  http:
  - match: [{sourceLabels: {app: web}}]
    route: [{destination: {host: api, subset: v2}}]
  - match: [{sourceNamespace: b}]
    route: [{destination: {host: api, subset: v1}}]
  - route: [{destination: {host: shop.b.svc.cluster.local}}]`)],
  ['a delegate changes', (s) => (s.docs['vs a/web-delegate'] = (s.docs['vs a/web-delegate'] as string).replace('api.a.svc.cluster.local', 'shop.b.svc.cluster.local'))],
  ['a delegate goes', (s) => delete s.docs['vs a/web-delegate']],
  ['a delegate comes back', (s) => (s.docs['vs a/web-delegate'] = INITIAL['vs a/web-delegate'] as string)],
  ['a DestinationRule in the caller namespace takes over', (s) => (s.docs['dr b/api-a'] = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api-a, namespace: b}
spec:
  host: api.a.svc.cluster.local
  trafficPolicy: {loadBalancer: {simple: RANDOM}}
  subsets: [{name: v1, labels: {version: v1}}]`)],
  ['a destination service gains a port', (s) => (s.docs['svc b/shop'] = (s.docs['svc b/shop'] as string).replace('[{name: http, port: 80}]', '[{name: http, port: 80}, {name: http-alt, port: 8000}]'))],
  ['a destination service goes', (s) => {
    delete s.docs['svc b/shop'];
    s.pods = s.pods.filter((w) => w.name !== 'shop-0');
  }],
  ['a ServiceEntry comes', (s) => (s.docs['se a/ext'] = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: a}
spec:
  hosts: [ext.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]`)],
  ['a service is no longer exported', (s) => (s.docs['svc a/web'] = (s.docs['svc a/web'] as string).replace('metadata: {name: web, namespace: a}', 'metadata: {name: web, namespace: a, annotations: {networking.istio.io/exportTo: "."}}'))],
  ['a Sidecar restricts a namespace', (s) => (s.docs['sidecar b/default'] = `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: b}
spec: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}`)],
  ['the caller-dependent VirtualService goes', (s) => delete s.docs['vs a/api']],
  ['nothing changes', () => undefined],
];

function parse(docs: Docs): Resource[] {
  const loaded = loadText(Object.values(docs).join('\n---\n'), 'mesh.yaml');
  const validated = validateDocuments(loaded.documents);
  const errors = [...loaded.checks, ...validated.checks].filter((c) => c.level === 'Error');
  if (errors.length > 0) throw new Error(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  return validated.resources;
}

function compileAll(store: ConfigStore, compile = compileProxyConfig): Map<string, ProxyConfig> {
  const snapshot = store.snapshot();
  return new Map(snapshot.workloads.map((w) => [workloadKey(w), compile(snapshot, w)]));
}

/** A compiler with nothing cached: its own instance of the compile modules. */
async function freshCompiler(): Promise<typeof compileProxyConfig> {
  vi.resetModules();
  return (await import('./index.js')).compileProxyConfig;
}

function withoutVersion(config: ProxyConfig): string {
  const { version: _version, ...rest } = config;
  return JSON.stringify(rest);
}

describe('compiling change after change', () => {
  it('gives what a compiler that starts afresh gives', async () => {
    const state: State = { docs: { ...INITIAL }, pods: [...PODS] };
    const store = new ConfigStore();
    store.apply(parse(state.docs));
    for (const w of state.pods) store.putWorkload(w);
    // The store orders resources oldest first, so a fresh one is given them in the same order.
    const order = (): string[] => store.snapshot().resources.map(resourceKey);
    const states: { name: string; docs: Docs; order: string[]; pods: WorkloadInstance[]; configs: Map<string, ProxyConfig> }[] = [{ name: 'the start', docs: { ...state.docs }, order: order(), pods: [...state.pods], configs: compileAll(store) }];
    for (const [name, change] of STEPS) {
      const before = new Map(Object.entries(state.docs));
      const podsBefore = new Set(state.pods);
      change(state);
      store.apply(parse(state.docs));
      const gone = [...before.keys()].filter((k) => !(k in state.docs));
      if (gone.length > 0) store.delete(parse(Object.fromEntries(gone.map((k) => [k, before.get(k) as string]))));
      for (const w of state.pods) if (!podsBefore.has(w)) store.putWorkload(w);
      for (const w of podsBefore) if (!state.pods.some((p) => workloadKey(p) === workloadKey(w))) store.removeWorkload(w.namespace, w.name);
      states.push({ name, docs: { ...state.docs }, order: order(), pods: [...state.pods], configs: compileAll(store) });
    }
    for (const s of states) {
      const fresh = new ConfigStore();
      const byKey = new Map(parse(s.docs).map((r) => [resourceKey(r), r]));
      for (const key of s.order) fresh.apply([byKey.get(key) as Resource]);
      for (const w of s.pods) fresh.putWorkload(structuredClone(w));
      const expected = compileAll(fresh, await freshCompiler());
      expect([...s.configs.keys()].sort(), s.name).toEqual([...expected.keys()].sort());
      for (const [key, config] of s.configs) expect(withoutVersion(config), `${s.name}: ${key}`).toBe(withoutVersion(expected.get(key) as ProxyConfig));
    }
  });

  it('keeps what a change does not touch as the same objects', () => {
    const docs = { ...INITIAL };
    const store = new ConfigStore();
    store.apply(parse(docs));
    for (const w of PODS) store.putWorkload(w);
    const before = compileAll(store).get('b/api-0') as ProxyConfig;
    docs['vs a/api'] = (docs['vs a/api'] as string).replace('weight: 90', 'weight: 80').replace('weight: 10', 'weight: 20');
    store.apply(parse(docs));
    const after = compileAll(store).get('b/api-0') as ProxyConfig;
    const table = (c: ProxyConfig, name: string) => c.routes[name]?.virtualHosts ?? [];
    const changed = table(after, '8080').find((v) => v.name === 'api.a.svc.cluster.local:8080');
    expect(changed).not.toBe(table(before, '8080').find((v) => v.name === 'api.a.svc.cluster.local:8080'));
    expect(table(after, '8080').find((v) => v.name === 'api.b.svc.cluster.local:8080')).toBe(table(before, '8080').find((v) => v.name === 'api.b.svc.cluster.local:8080'));
    expect(after.routes['80']).toBe(before.routes['80']);
    expect(after.clusters).toBe(before.clusters);
  });
});
