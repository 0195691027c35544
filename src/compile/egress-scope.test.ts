/** Sidecar egress host matching, as Istio's hostClassification and SidecarScope read `namespace/dnsName`. */
import { describe, it, expect } from 'vitest';
import type { RegistryService, WorkloadInstance } from '../store/index.js';
import type { MeshIndex, SidecarResource, VirtualServiceResource } from './mesh-index.js';
import { DEFAULT_MESH_SETTINGS } from './mesh-index.js';
import { egressScopeFor, importedAnywhere, importsService, importsVirtualService, listenerForPort, type EgressScope } from './egress-scope.js';

const svc = (name: string, namespace: string, ports = [80], hostname = `${name}.${namespace}.svc.cluster.local`): RegistryService =>
  ({ hostname, name, namespace, ports: ports.map((port) => ({ port, name: `http-${port}`, protocol: 'HTTP' })) }) as unknown as RegistryService;

const vs = (name: string, namespace: string, hosts: string[]): VirtualServiceResource =>
  ({ kind: 'VirtualService', name, namespace, object: { spec: { hosts } } }) as unknown as VirtualServiceResource;

function scopeOf(egress: unknown[] | undefined, workloadNs = 'app'): EgressScope {
  const sidecars = egress === undefined ? [] : [{ kind: 'Sidecar', name: 'default', namespace: workloadNs, object: { spec: { egress } } } as unknown as SidecarResource];
  const index = { sidecars, mesh: DEFAULT_MESH_SETTINGS } as unknown as MeshIndex;
  return egressScopeFor(index, { name: 'w', namespace: workloadNs, labels: {} } as unknown as WorkloadInstance);
}

/** Does the route table for `port` list the service? */
function routed(scope: EgressScope, s: RegistryService, port = 80): boolean {
  const l = listenerForPort(scope, port);
  return l !== undefined && importsService(l, s, port);
}

describe('egress scope', () => {
  it('no Sidecar: everything (*/*)', () => {
    const scope = scopeOf(undefined);
    expect(routed(scope, svc('a', 'x'))).toBe(true);
    expect(routed(scope, svc('ext', 'y', [80], 'api.example.com'))).toBe(true);
  });

  it('./* is the workload namespace, ns/* another one; nothing else', () => {
    const scope = scopeOf([{ hosts: ['./*', 'backend/*'] }]);
    expect(routed(scope, svc('a', 'app'))).toBe(true);
    expect(routed(scope, svc('b', 'backend'))).toBe(true);
    expect(routed(scope, svc('c', 'other'))).toBe(false);
  });

  it('an exact dnsName imports that host from that namespace only; */host from any', () => {
    const scope = scopeOf([{ hosts: ['backend/b.backend.svc.cluster.local', '*/api.example.com'] }]);
    expect(routed(scope, svc('b', 'backend'))).toBe(true);
    expect(routed(scope, svc('b2', 'backend'))).toBe(false);
    expect(routed(scope, svc('ext', 'anywhere', [80], 'api.example.com'))).toBe(true);
    expect(routed(scope, svc('ext', 'anywhere', [80], 'www.example.com'))).toBe(false);
  });

  it('a wildcard dnsName covers the names under it', () => {
    const scope = scopeOf([{ hosts: ['*/*.example.com'] }]);
    expect(routed(scope, svc('ext', 'e', [80], 'api.example.com'))).toBe(true);
    expect(routed(scope, svc('ext', 'e', [80], 'example.org'))).toBe(false);
  });

  it('a ~ host excludes: ~/* hides everything', () => {
    const scope = scopeOf([{ hosts: ['~/*'] }]);
    expect(routed(scope, svc('a', 'app'))).toBe(false);
    expect(importedAnywhere(scope, svc('a', 'app'), 80)).toBe(false);
  });

  it('a port listener owns its route table, the catch-all the rest; clusters come from all of them', () => {
    const scope = scopeOf([{ port: { number: 9080, protocol: 'HTTP', name: 'http' }, hosts: ['./a.app.svc.cluster.local'] }, { hosts: ['./*'] }]);
    const a = svc('a', 'app', [9080]);
    const b = svc('b', 'app', [9080, 8080]);
    expect(routed(scope, a, 9080)).toBe(true);
    expect(routed(scope, b, 9080)).toBe(false);
    expect(routed(scope, b, 8080)).toBe(true);
    expect(importedAnywhere(scope, b, 9080)).toBe(true);
  });

  it('without a catch-all, ports no listener names have no route table', () => {
    const scope = scopeOf([{ port: { number: 9080, protocol: 'HTTP', name: 'http' }, hosts: ['*/*'] }]);
    expect(listenerForPort(scope, 8080)).toBeUndefined();
    expect(importedAnywhere(scope, svc('b', 'app', [8080]), 8080)).toBe(false);
  });

  it('imports a VirtualService by its own namespace, its hosts overlapping the imported ones', () => {
    const l = listenerForPort(scopeOf([{ hosts: ['./*', 'ops/*.example.com'] }]), 80);
    if (!l) throw new Error('no listener');
    expect(importsVirtualService(l, vs('mine', 'app', ['reviews.shop.svc.cluster.local']))).toBe(true);
    expect(importsVirtualService(l, vs('theirs', 'shop', ['reviews.shop.svc.cluster.local']))).toBe(false);
    expect(importsVirtualService(l, vs('ext', 'ops', ['api.example.com']))).toBe(true);
    expect(importsVirtualService(l, vs('all', 'ops', ['*']))).toBe(true);
    expect(importsVirtualService(l, vs('other', 'ops', ['api.example.org']))).toBe(false);
  });
});
