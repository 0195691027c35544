/**
 * A resource that cannot be compiled for a proxy is left out of that proxy's config and reported;
 * the rest of the config is compiled as usual. Validation keeps such resources out of the store, so
 * the broken one is shaped by hand here, as a bug in a compiler step would meet a valid one.
 */
import { describe, it, expect } from 'vitest';
import { meshFromYaml, gatewayWorkload } from '../../test/support/mesh-fixture.js';
import type { Resource } from '../api/index.js';
import type { WorkloadInstance } from '../store/index.js';
import { compileProxy } from './index.js';

const MESH = `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}, ports: [{name: http, port: 8080}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web}
spec:
  hosts: [web, web.example.com]
  gateways: [mesh, istio-system/ingressgateway]
  http:
  - route: [{destination: {host: web}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api}
spec:
  hosts: [api, api.example.com]
  gateways: [mesh, istio-system/ingressgateway]
  http:
  - match: [{uri: {prefix: /v2}}]
    directResponse: {status: 418}
  - route: [{destination: {host: api}}]
`;

/** The mesh, with VirtualService api's match list replaced by something the route compiler chokes on. */
function brokenMesh() {
  const { store } = meshFromYaml(MESH);
  const api = store.get('VirtualService', 'default', 'api') as Resource<{ spec: { http: { match?: unknown }[] } }>;
  const http = api.object.spec.http;
  const broken = { ...api, object: { ...api.object, spec: { ...api.object.spec, http: [{ ...http[0], match: { length: 1, map: 'not a function' } }, ...http.slice(1)] } } };
  store.apply([broken as unknown as Resource]);
  return store;
}

const CLIENT: WorkloadInstance = { namespace: 'default', name: 'client-0', labels: { app: 'client' }, serviceAccount: 'default', address: '127.0.0.1', ports: [], sidecar: true, ready: true, phase: 'Running', restarts: 0, startedAt: 0, outboundPort: 15001 };

describe('a resource that cannot be compiled', () => {
  it('is left out of a sidecar config and reported; the other resources are compiled', () => {
    const store = brokenMesh();
    store.putWorkload(CLIENT);
    const snapshot = store.snapshot();
    const { config, skipped } = compileProxy(snapshot, CLIENT);
    expect(skipped).toEqual([{ resource: { kind: 'VirtualService', namespace: 'default', name: 'api' }, source: { file: 'fixture.yaml', line: 20 }, error: expect.stringMatching(/not a function/) as string }]);
    const hosts = Object.values(config.routes).flatMap((t) => t.virtualHosts);
    // api keeps a route (the default one, as if it had no VirtualService); web has its VirtualService's.
    expect(hosts.find((h) => h.name === 'api.default.svc.cluster.local:8080')?.routes.map((r) => r.name)).toEqual(['default']);
    expect(hosts.find((h) => h.name === 'web.default.svc.cluster.local:80')?.routes.map((r) => r.name)).toEqual(['default/web#0']);
    // Compiling again (from the caches) reports it again.
    expect(compileProxy(snapshot, CLIENT).skipped).toHaveLength(1);
  });

  it('is left out of a gateway config and reported; the other VirtualServices are bound', () => {
    const store = brokenMesh();
    store.putWorkload(gatewayWorkload());
    const snapshot = store.snapshot();
    const gateway = snapshot.workloads.find((w) => w.namespace === 'istio-system')!;
    const { config, skipped } = compileProxy(snapshot, gateway);
    expect(skipped.map((s) => `${s.resource.kind} ${s.resource.namespace}/${s.resource.name}`)).toEqual(['VirtualService default/api']);
    const domains = Object.values(config.routes).flatMap((t) => t.virtualHosts.flatMap((h) => h.domains));
    expect(domains).toContain('web.example.com');
    expect(domains).not.toContain('api.example.com');
  });
});
