/** Resources that use what tack does not enforce yet get exactly one warning; everything else none. */
import { describe, it, expect } from 'vitest';
import { loadText } from './yaml/load.js';
import { validateDocuments } from './validate.js';
import { notEnforcedChecks } from './not-enforced.js';

function warnings(yaml: string): string[] {
  const loaded = loadText(yaml, 'm.yaml');
  return notEnforcedChecks(validateDocuments(loaded.documents).resources).map((c) => `${c.source?.line} ${c.path}: ${c.message}`);
}

describe('not enforced yet', () => {
  it.each([
    ['PeerAuthentication STRICT: enforced, no warning', 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default}\nspec:\n  mtls: {mode: STRICT}\n', []],
    ['AuthorizationPolicy deny-all: enforced by sidecars, no warning', 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: deny}\nspec: {}\n', []],
    ['AuthorizationPolicy for the ingress gateway', 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a, namespace: istio-system}\nspec:\n  selector: {matchLabels: {istio: ingressgateway}}\n  action: DENY\n  rules: [{}]\n', ['4 spec: a policy for the ingress gateway is accepted but not enforced yet']],
    ['AuthorizationPolicy on request principals: enforced, no warning', 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a}\nspec:\n  rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]\n', []],
    [
      'DestinationRule SIMPLE at the top and MUTUAL in a subset: one warning naming both; ISTIO_MUTUAL and DISABLE take effect',
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\nspec:\n  host: r\n  trafficPolicy:\n    tls: {mode: SIMPLE}\n  subsets:\n  - name: v1\n    labels: {version: v1}\n    trafficPolicy:\n      tls: {mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem}\n  - name: v2\n    labels: {version: v2}\n    trafficPolicy:\n      tls: {mode: ISTIO_MUTUAL}\n',
      ['7 spec.trafficPolicy.tls: tls mode SIMPLE; tls mode MUTUAL at spec.subsets[0].trafficPolicy.tls are accepted but not enforced yet'],
    ],
    ['a VirtualService with only http routes', 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec:\n  hosts: [v]\n  http: [{route: [{destination: {host: v}}]}]\n', []],
    ['a VirtualService with tcp routes', 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec:\n  hosts: [v]\n  tcp: [{route: [{destination: {host: v}}]}]\n', ['6 spec.tcp: 1 tcp route is accepted but not enforced yet']],
    ['a Gateway with httpsRedirect', 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: ["*"]\n    tls: {httpsRedirect: true}\n', ['8 spec.servers[0].tls: httpsRedirect is accepted but not enforced yet']],
    ['a Service with a nodePort: served, no warning', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n  - port: 80\n    nodePort: 30080\n', []],
    ['a Service whose fields have no local meaning: no warning', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: LoadBalancer\n  sessionAffinity: ClientIP\n  selector: {app: web}\n  ports: [{port: 80}]\n', []],
    [
      'PeerAuthentication with port-level mtls: enforced, no warning',
      'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: p, namespace: shop}\nspec:\n  selector: {matchLabels: {app: db}}\n  mtls: {mode: STRICT}\n  portLevelMtls:\n    "5432": {mode: DISABLE}\n',
      [],
    ],
    ['a Sidecar with egress hosts: no warning', 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default}\nspec:\n  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n  egress:\n  - hosts: ["./*"]\n', []],
    ['a Sidecar egress listener with a bind address', 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default}\nspec:\n  egress:\n  - port: {number: 9080, protocol: HTTP, name: http}\n    bind: 127.0.0.2\n    hosts: ["./*"]\n', ['7 spec.egress[0].bind: egress bind 127.0.0.2 is accepted but not enforced yet']],
    ['a Sidecar with only outboundTrafficPolicy: no warning', 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default}\nspec:\n  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n', []],
    ['a WorkloadEntry', 'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: vm}\nspec:\n  address: 10.0.0.7\n  labels: {app: legacy}\n', ['4 spec: WorkloadEntry 10.0.0.7 (no endpoint is made from it) is accepted but not enforced yet']],
    ['a DestinationRule scoped by workloadSelector', 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\nspec:\n  host: r\n  workloadSelector: {matchLabels: {app: web}}\n', ['6 spec.workloadSelector: workloadSelector {"app":"web"} is accepted but not enforced yet']],
    ['a DestinationRule with only what takes effect: no warning', 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\nspec:\n  host: r\n  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}, outlierDetection: {consecutive5xxErrors: 1}}\n  subsets: [{name: v1, labels: {version: v1}}]\n', []],
  ])('%s', (_name, yaml, want) => {
    expect(warnings(yaml)).toEqual(want);
  });

  it('is a Warning with code TK0004, the resource and the file', () => {
    const loaded = loadText('apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: jwt, namespace: istio-system}\nspec:\n  selector: {matchLabels: {istio: ingressgateway}}\n  jwtRules: [{issuer: "https://issuer.example"}]\n', 'ra.yaml');
    const [check, ...rest] = notEnforcedChecks(validateDocuments(loaded.documents).resources);
    expect(rest).toEqual([]);
    expect(check).toMatchObject({ code: 'TK0004', level: 'Warning', resource: { kind: 'RequestAuthentication', namespace: 'istio-system', name: 'jwt' }, source: { file: 'ra.yaml', line: 4 } });
  });
});
