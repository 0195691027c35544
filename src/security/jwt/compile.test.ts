import { describe, expect, it } from 'vitest';
import type { RequestAuthenticationSpec } from '../../api/kinds/request-authentication.js';
import { compileJwtConfig, policiesForWorkload, type RequestAuthenticationResource } from './compile.js';

const ROOT = 'istio-system';

function ra(namespace: string, name: string, spec: RequestAuthenticationSpec, creationTimestamp?: string): RequestAuthenticationResource {
  return {
    name,
    namespace,
    metadata: { name, namespace, ...(creationTimestamp ? { creationTimestamp } : {}) },
    object: { apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name, namespace }, spec },
    source: { file: 'jwt.yaml', line: 3 },
  };
}

const rule = (issuer: string, extra: Record<string, unknown> = {}) => ({ issuer, jwksUri: `https://${issuer}/jwks.json`, ...extra });
const httpbin = { namespace: 'foo', labels: { app: 'httpbin', version: 'v1' } };

describe('which RequestAuthentications apply (Istio selection)', () => {
  const all = [
    ra(ROOT, 'mesh', { jwtRules: [rule('mesh.example')] }),
    ra(ROOT, 'mesh-selected', { selector: { matchLabels: { app: 'httpbin' } }, jwtRules: [rule('root-sel.example')] }),
    ra('foo', 'ns', { jwtRules: [rule('ns.example')] }),
    ra('foo', 'wl', { selector: { matchLabels: { app: 'httpbin' } }, jwtRules: [rule('wl.example')] }),
    ra('foo', 'other-wl', { selector: { matchLabels: { app: 'sleep' } }, jwtRules: [rule('other.example')] }),
    ra('bar', 'elsewhere', { jwtRules: [rule('bar.example')] }),
    ra('foo', 'gw-only', { targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress' }, jwtRules: [rule('gw.example')] }),
  ];
  const cases: Array<{ name: string; workload: { namespace: string; labels: Record<string, string> }; want: string[] }> = [
    { name: 'sidecar in foo: namespace, workload, root and root-selector policies; not the targetRef one', workload: httpbin, want: ['foo/ns', 'foo/wl', `${ROOT}/mesh`, `${ROOT}/mesh-selected`] },
    { name: 'another workload in foo', workload: { namespace: 'foo', labels: { app: 'sleep' } }, want: ['foo/ns', 'foo/other-wl', `${ROOT}/mesh`] },
    { name: 'a namespace with its own policy', workload: { namespace: 'bar', labels: { app: 'httpbin' } }, want: ['bar/elsewhere', `${ROOT}/mesh`, `${ROOT}/mesh-selected`] },
    { name: 'a namespace with none: mesh-wide only', workload: { namespace: 'baz', labels: {} }, want: [`${ROOT}/mesh`] },
    { name: 'a workload in the root namespace sees root policies once', workload: { namespace: ROOT, labels: { app: 'httpbin' } }, want: [`${ROOT}/mesh`, `${ROOT}/mesh-selected`] },
    {
      name: 'a Gateway API gateway takes the policy aimed at it',
      workload: { namespace: 'foo', labels: { 'gateway.networking.k8s.io/gateway-name': 'ingress' } },
      // Same creation time: by name.
      want: ['foo/gw-only', 'foo/ns', `${ROOT}/mesh`],
    },
    { name: 'another gateway does not', workload: { namespace: 'foo', labels: { 'gateway.networking.k8s.io/gateway-name': 'other' } }, want: ['foo/ns', `${ROOT}/mesh`] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(policiesForWorkload(all, c.workload, ROOT).map((r) => `${r.namespace}/${r.name}`)).toEqual(c.want);
    });
  }

  it('merges the rules of every policy, ordered by issuer', () => {
    const { config } = compileJwtConfig(all, httpbin, ROOT);
    expect(config?.providers.map((p) => [p.name, p.issuer, p.policy])).toEqual([
      ['origins-0', 'mesh.example', `${ROOT}/mesh`],
      ['origins-1', 'ns.example', 'foo/ns'],
      ['origins-2', 'root-sel.example', `${ROOT}/mesh-selected`],
      ['origins-3', 'wl.example', 'foo/wl'],
    ]);
  });

  it('orders policies of a namespace oldest first', () => {
    const older = ra('foo', 'b', { jwtRules: [rule('same', { audiences: ['old'] })] }, '2024-01-01T00:00:00Z');
    const newer = ra('foo', 'a', { jwtRules: [rule('same', { audiences: ['new'] })] }, '2025-01-01T00:00:00Z');
    const { config } = compileJwtConfig([newer, older], httpbin, ROOT);
    expect(config?.providers.map((p) => p.audiences[0])).toEqual(['old', 'new']);
  });

  it('emits no config when no rule applies', () => {
    expect(compileJwtConfig([ra('bar', 'x', { jwtRules: [rule('bar')] }), ra('foo', 'empty', {})], httpbin, ROOT).config).toBeUndefined();
  });
});

describe('a rule compiled', () => {
  it("fills in Istio's and Envoy's defaults", () => {
    const { config, findings } = compileJwtConfig([ra('foo', 'jwt', { jwtRules: [rule('issuer.example')] })], httpbin, ROOT);
    expect(findings).toEqual([]);
    expect(config).toEqual({
      bypassCorsPreflight: true,
      providers: [
        {
          name: 'origins-0',
          policy: 'foo/jwt',
          issuer: 'issuer.example',
          audiences: [],
          jwks: { kind: 'remote', uri: 'https://issuer.example/jwks.json', timeoutMs: 5000, cacheDurationMs: 300_000 },
          locations: { headers: [{ name: 'authorization', prefix: 'Bearer ' }], params: ['access_token'], cookies: [] },
          forwardOriginalToken: false,
          outputPayloadToHeader: '',
          outputClaimToHeaders: [],
          spaceDelimitedClaims: ['permission', 'scope'],
          clockSkewSeconds: 60,
        },
      ],
    });
    // Plain data: survives the trip to the proxy unchanged.
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });

  it('carries every field', () => {
    const spec: RequestAuthenticationSpec = {
      jwtRules: [
        {
          issuer: 'https://accounts.example/',
          audiences: ['a', 'b'],
          jwks: '{"keys":[]}',
          fromHeaders: [{ name: 'X-Jwt', prefix: 'Token ' }, { name: 'x-raw' }],
          fromParams: ['tok'],
          fromCookies: ['session'],
          outputPayloadToHeader: 'x-jwt-payload',
          forwardOriginalToken: true,
          outputClaimToHeaders: [{ header: 'x-group', claim: 'nested.group' }],
          timeout: '2s',
          spaceDelimitedClaims: ['roles', 'scope'],
        },
        { issuer: 'https://oidc.example/' },
        { jwks_uri: 'https://legacy.example/keys' },
      ],
    };
    const { config } = compileJwtConfig([ra('foo', 'full', spec)], httpbin, ROOT);
    const [legacy, full, oidc] = config!.providers;
    expect(legacy).toMatchObject({ issuer: '', jwks: { kind: 'remote', uri: 'https://legacy.example/keys', timeoutMs: 5000 } });
    expect(full).toMatchObject({
      audiences: ['a', 'b'],
      jwks: { kind: 'inline', jwks: '{"keys":[]}' },
      locations: { headers: [{ name: 'x-jwt', prefix: 'Token ' }, { name: 'x-raw', prefix: '' }], params: ['tok'], cookies: ['session'] },
      outputPayloadToHeader: 'x-jwt-payload',
      forwardOriginalToken: true,
      outputClaimToHeaders: [{ header: 'x-group', claim: 'nested.group' }],
      spaceDelimitedClaims: ['permission', 'roles', 'scope'],
    });
    expect(oidc).toMatchObject({ jwks: { kind: 'discovery', uri: 'https://oidc.example/.well-known/openid-configuration', timeoutMs: 5000, cacheDurationMs: 300_000 } });
    const timed = compileJwtConfig([ra('foo', 't', { jwtRules: [{ issuer: 'x', jwksUri: 'https://x/k', timeout: '2s' }] })], httpbin, ROOT).config;
    expect(timed?.providers[0]?.jwks).toMatchObject({ timeoutMs: 2000 });
  });

  it('reports what it does not carry out', () => {
    const { findings } = compileJwtConfig(
      [
        ra('foo', 'strict', { jwtRules: [rule('x', { presence: 'REQUIRED' })] }),
        ra('foo', 'svc', { targetRefs: [{ kind: 'Service', name: 'httpbin' }], jwtRules: [rule('y')] }),
      ],
      httpbin,
      ROOT,
    );
    expect(findings.map((f) => [f.code, f.level, f.resource?.name, f.path])).toEqual([
      ['TK0004', 'Warning', 'strict', 'spec.jwtRules[0].presence'],
      ['TK0004', 'Info', 'svc', 'spec.targetRefs'],
    ]);
    expect(findings[0]?.source).toEqual({ file: 'jwt.yaml', line: 3 });
    expect(findings[0]?.message).toContain('requestPrincipals');
  });
});
