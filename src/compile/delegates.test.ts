/** Delegate merging as Istio's mergeHTTPRoute / mergeHTTPMatchRequests / hasConflict do it. */
import { describe, it, expect } from 'vitest';
import { meshFromYaml } from '../../test/support/mesh-fixture.js';
import { indexSnapshot } from './mesh-index.js';
import { matchConflict, mergeDelegates, type MergedRoute } from './delegates.js';
import type { VirtualServiceResource } from './mesh-index.js';

const MESH = `
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  selector: {app: shop}
  ports: [{name: http, port: 8000}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: root}
spec:
  hosts: [shop]
  http:
  - name: api
    match:
    - uri: {prefix: /api}
      headers: {x-team: {exact: books}}
    - uri: {prefix: /v2/api}
    timeout: 3s
    retries: {attempts: 4, retryOn: 5xx}
    headers: {request: {set: {x-root: "1"}}}
    mirror: {host: shop-mirror}
    delegate: {name: child, namespace: team}
  - name: hidden
    match: [{uri: {prefix: /hidden}}]
    delegate: {name: private-child, namespace: team}
  - name: scoped
    match: [{uri: {prefix: /scoped}, sourceNamespace: default}]
    delegate: {name: scoped-child, namespace: team}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: child, namespace: team}
spec:
  http:
  - name: own-timeout
    match: [{uri: {prefix: /api/slow}, headers: {end-user: {exact: jason}}}]
    timeout: 30s
    route: [{destination: {host: slow}}]
  - name: inherits
    match: [{uri: {exact: /api/items}}]
    route: [{destination: {host: items}}]
  - name: presence
    # a present-but-empty header condition: conflicts with the root's exact x-team, fits its /v2/api block
    match: [{headers: {x-team: {}}}]
    route: [{destination: {host: items}}]
  - name: rest
    route: [{destination: {host: items}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: private-child, namespace: team}
spec:
  exportTo: ["."]
  http:
  - route: [{destination: {host: items}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: scoped-child, namespace: team}
spec:
  http:
  - name: no-namespace
    match: [{uri: {prefix: /scoped/a}}]
    route: [{destination: {host: items}}]
  - name: same-namespace
    match: [{uri: {prefix: /scoped/b}, sourceNamespace: default}]
    route: [{destination: {host: items}}]
`;

function merged(): MergedRoute[] {
  const { store } = meshFromYaml(MESH);
  const index = indexSnapshot(store.snapshot());
  const root = index.virtualServices.find((v) => v.name === 'root') as VirtualServiceResource;
  return mergeDelegates(root, index);
}

const byLabel = (routes: MergedRoute[], label: string): MergedRoute | undefined => routes.find((r) => r.label === label);

describe('mergeDelegates', () => {
  const routes = merged();

  it("gives a delegate route the root's timeout, retries, headers and mirror where it sets none, its own winning", () => {
    const own = byLabel(routes, 'own-timeout')?.route;
    const inherits = byLabel(routes, 'inherits')?.route;
    expect(own?.timeout).toBe('30s');
    expect(inherits?.timeout).toBe('3s');
    expect(inherits?.retries).toEqual({ attempts: 4, retryOn: '5xx' });
    expect(inherits?.headers).toEqual({ request: { set: { 'x-root': '1' } } });
    // The root's short names resolve in the root's namespace, the delegate's in its own.
    expect(inherits?.mirror?.host).toBe('shop-mirror.default.svc.cluster.local');
    expect(inherits?.route?.[0]?.destination.host).toBe('items.team.svc.cluster.local');
  });

  it('merges each delegate block with every root block it fits, delegate block first', () => {
    expect(byLabel(routes, 'own-timeout')?.route.match).toEqual([
      { uri: { prefix: '/api/slow' }, headers: { 'x-team': { exact: 'books' }, 'end-user': { exact: 'jason' } } },
    ]);
    expect(byLabel(routes, 'rest')?.route.match).toEqual([
      { uri: { prefix: '/api' }, headers: { 'x-team': { exact: 'books' } } },
      { uri: { prefix: '/v2/api' } },
    ]);
  });

  it('keeps a delegate block only under the root blocks it can narrow (an empty match cannot narrow an exact one)', () => {
    expect(byLabel(routes, 'presence')?.route.match).toEqual([{ uri: { prefix: '/v2/api' }, headers: { 'x-team': {} } }]);
  });

  it('keeps delegate routes in their order, in place of the delegating route', () => {
    expect(routes.map((r) => `${r.origin.name}#${r.label}`)).toEqual(['child#own-timeout', 'child#inherits', 'child#presence', 'child#rest', 'scoped-child#same-namespace']);
  });

  it("ignores a delegate not exported to the root's namespace", () => {
    expect(routes.some((r) => r.origin.name === 'private-child')).toBe(false);
  });

  it("a root sourceNamespace binds the delegate: a route that names none conflicts", () => {
    expect(byLabel(routes, 'no-namespace')).toBeUndefined();
    expect(byLabel(routes, 'same-namespace')?.route.match).toEqual([{ uri: { prefix: '/scoped/b' }, sourceNamespace: 'default' }]);
  });
});

describe('matchConflict', () => {
  it('compares withoutHeaders with the root withoutHeaders only', () => {
    expect(matchConflict({ headers: { a: { exact: 'x' } } }, { withoutHeaders: { a: { exact: 'y' } } })).toBe(false);
    expect(matchConflict({ withoutHeaders: { a: { prefix: 'x' } } }, { withoutHeaders: { a: { prefix: 'xy' } } })).toBe(false);
    expect(matchConflict({ withoutHeaders: { a: { prefix: 'x' } } }, { withoutHeaders: { a: { prefix: 'y' } } })).toBe(true);
    expect(matchConflict({ withoutHeaders: { a: {} } }, { withoutHeaders: { a: {} } })).toBe(true);
  });

  it('lets a delegate narrow: same exact, exact or longer prefix under a prefix; a regex on either side conflicts', () => {
    expect(matchConflict({ uri: { exact: '/a' } }, { uri: { exact: '/a' } })).toBe(false);
    expect(matchConflict({ uri: { exact: '/a' } }, { uri: { prefix: '/a' } })).toBe(true);
    expect(matchConflict({ uri: { prefix: '/a' } }, { uri: { exact: '/a/b' } })).toBe(false);
    expect(matchConflict({ uri: { prefix: '/a/b' } }, { uri: { prefix: '/a' } })).toBe(true);
    expect(matchConflict({ uri: { regex: '/a.*' } }, { uri: { prefix: '/a' } })).toBe(true);
    expect(matchConflict({ uri: { prefix: '/a' } }, { uri: { regex: '/a.*' } })).toBe(true);
  });

  it('checks ports, sourceLabels and gateways as Istio does', () => {
    expect(matchConflict({ port: 80 }, { port: 81 })).toBe(true);
    expect(matchConflict({ port: 80 }, {})).toBe(false);
    expect(matchConflict({ sourceLabels: { app: 'a' } }, { sourceLabels: { app: 'b' } })).toBe(true);
    expect(matchConflict({ sourceLabels: { app: 'a' } }, { sourceLabels: { version: 'v1' } })).toBe(false);
    expect(matchConflict({ gateways: ['ns/gw'] }, { gateways: ['ns/other'] })).toBe(true);
    expect(matchConflict({ ignoreUriCase: true }, {})).toBe(true);
  });
});
