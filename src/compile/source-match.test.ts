/** Which match blocks apply to a proxy (Istio's sourceMatchHTTP), and what a caller no route applies to gets. */
import { describe, it, expect } from 'vitest';
import { compileProxyConfig } from './index.js';
import { meshFromYaml } from '../../test/support/mesh-fixture.js';

const MESH = `
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{name: http, port: 8000}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: example/web, ports: [{containerPort: 8080}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api}
spec:
  hosts: [api]
  http:
  - name: mesh-named
    # names the mesh gateway: decided by it alone, the sourceLabels are not looked at
    match: [{gateways: [mesh], sourceLabels: {app: nobody}, uri: {prefix: /a}}]
    route: [{destination: {host: api}}]
  - name: labels-only
    match: [{sourceLabels: {app: nobody}}]
    route: [{destination: {host: api}}]
`;

function routeNames(): string[] {
  const { store } = meshFromYaml(MESH);
  const snapshot = store.snapshot();
  const web = snapshot.workloads.find((w) => w.labels.app === 'web');
  if (!web) throw new Error('no web workload');
  const vhost = compileProxyConfig(snapshot, web).routes['8000']?.virtualHosts.find((v) => v.name.startsWith('api.default'));
  return vhost?.routes.map((r) => r.name) ?? [];
}

describe('match blocks and the caller', () => {
  it('a block naming gateways ignores sourceLabels; one with only sourceLabels that exclude the caller is dropped', () => {
    expect(routeNames()).toEqual(['default/api#mesh-named']);
  });
});
