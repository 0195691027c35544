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
    ['PeerAuthentication STRICT', 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default}\nspec:\n  mtls: {mode: STRICT}\n', ['5 spec.mtls: mtls STRICT is accepted but not enforced yet']],
    ['AuthorizationPolicy deny-all', 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: deny}\nspec: {}\n', ['4 spec: action ALLOW with no rules (in Istio: deny every request) is accepted but not enforced yet']],
    ['AuthorizationPolicy with rules', 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a}\nspec:\n  action: DENY\n  rules: [{}]\n', ['4 spec: action DENY with 1 rule(s) is accepted but not enforced yet']],
    [
      'DestinationRule ISTIO_MUTUAL at the top and in a subset: one warning naming both',
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\nspec:\n  host: r\n  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}\n  subsets:\n  - name: v1\n    labels: {version: v1}\n    trafficPolicy:\n      tls: {mode: DISABLE}\n',
      ['7 spec.trafficPolicy.tls: tls mode ISTIO_MUTUAL; subset v1 tls mode DISABLE are accepted but not enforced yet'],
    ],
    ['a VirtualService with only http routes', 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec:\n  hosts: [v]\n  http: [{route: [{destination: {host: v}}]}]\n', []],
    ['a VirtualService with tcp routes', 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec:\n  hosts: [v]\n  tcp: [{route: [{destination: {host: v}}]}]\n', ['6 spec.tcp: tcp routes is accepted but not enforced yet']],
    ['a Gateway with httpsRedirect', 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: ["*"]\n    tls: {httpsRedirect: true}\n', ['8 spec.servers[0].tls: httpsRedirect is accepted but not enforced yet']],
  ])('%s', (_name, yaml, want) => {
    expect(warnings(yaml)).toEqual(want);
  });
});
