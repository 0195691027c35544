/**
 * Analyzer behaviour the Istio corpus does not cover: tack's own codes (TK01xx), tack's built-in
 * ingress gateway, Deployments counted as pods, and cases whose corpus input is missing.
 */
import { describe, it, expect } from 'vitest';
import { loadText, validateDocuments, type Check } from '../index.js';
import { ANALYZERS, analyze } from './index.js';

// A self-signed EC certificate for shop.example.com (valid until 2126), its key, and an unrelated key.
const CERT = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBjjCCATOgAwIBAgIUZlWGAnIYX11FJN9lUrnKuIqlQu8wCgYIKoZIzj0EAwIw',
  'GzEZMBcGA1UEAwwQc2hvcC5leGFtcGxlLmNvbTAgFw0yNjExMjEyMzM5MDRaGA8y',
  'MTI2MTAyODIzMzkwNFowGzEZMBcGA1UEAwwQc2hvcC5leGFtcGxlLmNvbTBZMBMG',
  'ByqGSM49AgEGCCqGSM49AwEHA0IABMhmcbJImYRr+jor8NcSBAWOaxmiHeBXLcwp',
  'ARNx5cXalwAura3X2fvVrT5A6guWkPoduYna5BTNSZj+yLVG9t+jUzBRMB0GA1Ud',
  'DgQWBBQi1g9nN5Jaht2vuJlpevOhlf1Z/zAfBgNVHSMEGDAWgBQi1g9nN5Jaht2v',
  'uJlpevOhlf1Z/zAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDN',
  'zVExTP4b6jc2lvG+SSfDWithNpmEy/eA1LMX5GXIcwIhAMs2sOlitlOi+Pf0wdsF',
  'MYL950eTfoXq6nK1fgwQmoxz',
  '-----END CERTIFICATE-----',
].join('\n');
const KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgAXKwnZ+qM9wso0OI',
  'ytc5Tbw1dC3hnWdo3LTxvGMNMlWhRANCAATIZnGySJmEa/o6K/DXEgQFjmsZoh3g',
  'Vy3MKQETceXF2pcALq2t19n71a0+QOoLlpD6HbmJ2uQUzUmY/si1Rvbf',
  '-----END PRIVATE KEY-----',
].join('\n');
const OTHER_KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOSWWa3IzLQcoGWKO',
  'zQpwVB0gxbe9EgKnzAXXcR31F4OhRANCAAQT3S9FVbX2jang1o0lSpky8d1NGogH',
  'kBUxsinX6ttDfedyJq8m0CcWMT+pvRJHfyOdDN49c5+Fqbm35CJDrd0T',
  '-----END PRIVATE KEY-----',
].join('\n');

function run(yaml: string, opts: { only?: string[]; now?: Date } = {}): Check[] {
  const loaded = loadText(yaml, 'test.yaml');
  expect(loaded.checks.filter((c) => c.level === 'Error')).toEqual([]);
  const validated = validateDocuments(loaded.documents);
  const only = opts.only ? ANALYZERS.filter((a) => opts.only?.includes(a.name)) : undefined;
  return analyze(validated.resources, { unchecked: validated.unchecked, ...(only ? { only } : {}), ...(opts.now ? { now: opts.now } : {}) });
}

const codes = (checks: Check[]): string[] => checks.map((c) => `${c.code} ${c.resource?.kind ?? ''} ${c.resource?.namespace ?? ''}/${c.resource?.name ?? ''} ${c.path}`).sort();

const indent = (text: string, n: number): string => text.split('\n').join(`\n${' '.repeat(n)}`);

const gateway = (name: string, credential: string) => `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [${name}.example.com]
    tls: {mode: SIMPLE, credentialName: ${credential}}
`;
const secret = (name: string, cert: string, key: string) => `
apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: istio-system}
type: kubernetes.io/tls
stringData:
  tls.crt: |
    ${indent(cert, 4)}
  tls.key: |
    ${indent(key, 4)}
`;

describe('tack-only analyzers', () => {
  it('TK0101: two DestinationRules for one host', () => {
    const yaml = ['a', 'b'].map((n) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ${n}, namespace: default}\nspec: {host: reviews}\n`).join('---\n');
    expect(codes(run(yaml, { only: ['destinationrule.multiple-for-host'] }))).toEqual(['TK0101 DestinationRule default/a spec.host', 'TK0101 DestinationRule default/b spec.host']);
  });

  it('TK0101: DestinationRules with workload selectors do not count', () => {
    const yaml = ['a', 'b'].map((n) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ${n}, namespace: default}\nspec: {host: reviews, workloadSelector: {matchLabels: {app: ${n}}}}\n`).join('---\n');
    expect(run(yaml, { only: ['destinationrule.multiple-for-host'] })).toEqual([]);
  });

  it('TK0102: a Deployment whose pods lack a version label', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web}]}
`;
    const found = run(yaml, { only: ['deployment.app-version-labels'] });
    expect(codes(found)).toEqual(['TK0102 Deployment shop/web spec.template.metadata.labels']);
    expect(found[0]?.message).toMatch(/"version"/);
  });

  it('TK0104: two VirtualServices claim one host on one Gateway', () => {
    const vs = (name: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}, namespace: default}\nspec:\n  hosts: [shop.example.com]\n  gateways: [web]\n  http: [{route: [{destination: {host: shop}}]}]\n`;
    const found = run([vs('one'), vs('two')].join('---\n'), { only: ['virtualservice.conflicting-gateway-hosts'] });
    expect(codes(found)).toEqual(['TK0104 VirtualService default/one spec.hosts', 'TK0104 VirtualService default/two spec.hosts']);
    expect(found[0]?.message).toContain('default/web');
  });

  it('TK0105: a gateway credential whose key does not belong to its certificate', () => {
    const yaml = [gateway('good', 'good-cert'), secret('good-cert', CERT, KEY), gateway('bad', 'bad-cert'), secret('bad-cert', CERT, OTHER_KEY)].join('---\n');
    expect(codes(run(yaml))).toEqual(['TK0105 Gateway default/bad spec.servers[0].tls.credentialName']);
  });
});

describe('gateway credentials', () => {
  it('IST0161: a certificate past its expiry, checked against the given time', () => {
    const yaml = [gateway('shop', 'shop-cert'), secret('shop-cert', CERT, KEY)].join('---\n');
    expect(run(yaml, { only: ['gateway.secret'] })).toEqual([]);
    const later = run(yaml, { only: ['gateway.secret'], now: new Date('2127-01-01T00:00:00Z') });
    expect(codes(later)).toEqual(['IST0161 Gateway default/shop spec.servers[0].tls.credentialName']);
    expect(later[0]?.message).toMatch(/expired on 2126/);
  });

  it('IST0101: the Secret must be in the gateway workload\'s namespace, not the Gateway\'s', () => {
    const yaml = [gateway('shop', 'shop-cert'), secret('shop-cert', CERT, KEY).replace('namespace: istio-system', 'namespace: default')].join('---\n');
    const found = run(yaml, { only: ['gateway.secret'] });
    expect(codes(found)).toEqual(['IST0101 Gateway default/shop spec.servers[0].tls.credentialName']);
    expect(found[0]?.message).toContain('istio-system/shop-cert');
  });

  it('reports a selector nothing matches once, though two analyzers find it', () => {
    const yaml = gateway('lost', 'x').replace('istio: ingressgateway', 'istio: nowhere');
    const found = run(yaml).filter((c) => c.path === 'spec.selector');
    expect(codes(found)).toEqual(['IST0101 Gateway default/lost spec.selector']);
  });
});

describe('virtual services', () => {
  it('IST0140: a gateway route without subset to a host another VirtualService splits by subset', () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [shop.example.com]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: default}
spec:
  hosts: [shop.example.com]
  gateways: [web]
  http: [{route: [{destination: {host: cart}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge-v2, namespace: default}
spec:
  hosts: [shop.example.com]
  gateways: [web]
  http: [{route: [{destination: {host: cart, subset: v2}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cart, namespace: default}
spec:
  hosts: [cart]
  http: [{route: [{destination: {host: cart, subset: v1}}]}]
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: default}
spec: {selector: {app: cart}, ports: [{name: http, port: 80}]}
`;
    const found = run(yaml, { only: ['virtualservice.destination-host'] });
    expect(codes(found)).toEqual(['IST0140 VirtualService default/edge spec.http[0].route[0].destination.host']);
    expect(found[0]?.message).toContain('default/cart');
  });

  it('IST0101: a destination the VirtualService\'s exportTo namespaces cannot see', () => {
    const yaml = `apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop, annotations: {networking.istio.io/exportTo: "."}}
spec: {selector: {app: cart}, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: local, namespace: shop}
spec: {hosts: [cart], http: [{route: [{destination: {host: cart}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: elsewhere, namespace: shop}
spec: {hosts: [cart], exportTo: [other], http: [{route: [{destination: {host: cart}}]}]}
`;
    expect(codes(run(yaml, { only: ['virtualservice.destination-host'] }))).toEqual(['IST0101 VirtualService shop/elsewhere spec.http[0].route[0].destination.host']);
  });

  it('IST0165 and IST0132: a generated gateway name, and a gateway whose hosts are bound to another namespace', () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [./shop.example.com]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: edge}
spec: {hosts: [shop.example.com], gateways: [web, "edge/web~istio-autogenerated-k8s-gateway~http"], http: [{route: [{destination: {host: shop}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: default}
spec: {hosts: [shop.example.com], gateways: [edge/web], http: [{route: [{destination: {host: shop}}]}]}
`;
    expect(codes(run(yaml, { only: ['virtualservice.gateway'] }))).toEqual(['IST0132 VirtualService default/shop spec.gateways[0]', 'IST0165 VirtualService edge/shop spec.gateways[1]']);
  });
});

describe('workloads tack runs', () => {
  const deployment = (name: string, labels: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  selector: {matchLabels: {app: reviews}}
  template:
    metadata: {labels: ${labels}}
    spec: {containers: [{name: app, image: reviews}]}
`;

  it('IST0173: subsets are checked against the pod templates of Deployments behind the Service', () => {
    const yaml = `${deployment('reviews-v1', '{app: reviews, version: v1}')}---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  - {name: west, labels: {version: v1, topology.kubernetes.io/region: us-west-1}}
`;
    expect(codes(run(yaml, { only: ['destinationrule.pod-not-selected'] }))).toEqual(['IST0173 DestinationRule default/reviews spec.subsets[1].labels']);
  });

  it('IST0110: two Sidecars selecting one Deployment\'s pods', () => {
    const sidecar = (name: string) => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: ${name}, namespace: default}\nspec: {workloadSelector: {labels: {app: reviews}}, egress: [{hosts: ["./*"]}]}\n`;
    const yaml = [deployment('reviews-v1', '{app: reviews, version: v1}'), sidecar('a'), sidecar('b')].join('---\n');
    expect(codes(run(yaml, { only: ['sidecar.selector'] }))).toEqual(['IST0110 Sidecar default/a spec.workloadSelector.labels', 'IST0110 Sidecar default/b spec.workloadSelector.labels']);
  });

  it('IST0149: claim routing on the built-in ingress gateway, fixed by a RequestAuthentication in the root namespace', () => {
    const base = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [shop.example.com]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: default}
spec:
  hosts: [shop.example.com]
  gateways: [web]
  http:
  - match: [{headers: {"@request.auth.claims.group": {exact: admin}}}]
    route: [{destination: {host: shop}}]
`;
    expect(codes(run(base, { only: ['virtualservice.jwt-claim-route'] }))).toEqual(['IST0149 VirtualService default/shop spec.http[0].match[0].headers[@request.auth.claims.group]']);
    const ra = `---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  jwtRules: [{issuer: "https://issuer.example.com", jwksUri: "https://issuer.example.com/jwks.json"}]
`;
    expect(run(base + ra, { only: ['virtualservice.jwt-claim-route'] })).toEqual([]);
  });
});

describe('robustness', () => {
  it('no analyzer throws on invalid (unchecked) resources', () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: broken, namespace: default}
spec: {selector: 3, servers: [{hosts: 7, tls: {credentialName: 5}}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: broken, namespace: default}
spec: {host: 4, subsets: [{labels: 1}], trafficPolicy: {tls: {mode: 2}, portLevelSettings: [null]}}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: broken, namespace: default}
spec: {hosts: [3], ports: [{number: "x"}], exportTo: 2}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: broken, namespace: default}
spec: {rules: [{from: [{source: {namespaces: 5}}]}]}
`;
    const validated = validateDocuments(loadText(yaml, 'test.yaml').documents);
    expect(validated.unchecked.length).toBeGreaterThan(0);
    for (const a of ANALYZERS) expect(() => analyze(validated.resources, { only: [a], unchecked: validated.unchecked })).not.toThrow();
  });
});
