import { describe, it, expect } from 'vitest';
import { composePeerAuthentication, namespaceMtlsMode, type PeerAuthenticationInput } from './compose.js';
import { mtlsModeForPort, type MtlsMode } from './config.js';

type Mode = 'UNSET' | MtlsMode | undefined;

function pa(namespace: string, name: string, mode: Mode, extra: { t?: string; sel?: Record<string, string>; ports?: Record<string, Mode> } = {}): PeerAuthenticationInput {
  const spec: PeerAuthenticationInput['spec'] = {};
  if (mode) spec.mtls = { mode };
  if (extra.sel) spec.selector = { matchLabels: extra.sel };
  if (extra.ports) spec.portLevelMtls = Object.fromEntries(Object.entries(extra.ports).map(([k, m]) => [k, m ? { mode: m } : {}]));
  return { namespace, name, creationTimestamp: extra.t ?? '2024-01-01T00:00:00Z', spec };
}

const app = { namespace: 'foo', labels: { app: 'httpbin', version: 'v1' } };
const T1 = '2024-01-01T00:00:00Z';
const T2 = '2024-01-02T00:00:00Z';

describe('composePeerAuthentication: scope precedence and UNSET inheritance', () => {
  it.each<[string, PeerAuthenticationInput[], MtlsMode]>([
    ['no policy at all: PERMISSIVE', [], 'PERMISSIVE'],
    ['global mtls strict (reachability scenario)', [pa('istio-system', 'default', 'STRICT')], 'STRICT'],
    ['global mtls permissive (reachability scenario)', [pa('istio-system', 'default', 'PERMISSIVE')], 'PERMISSIVE'],
    ['global mtls disabled (reachability scenario)', [pa('istio-system', 'default', 'DISABLE')], 'DISABLE'],
    ['mesh UNSET counts as PERMISSIVE', [pa('istio-system', 'default', 'UNSET')], 'PERMISSIVE'],
    ['mesh with no mtls field counts as PERMISSIVE', [pa('istio-system', 'default', undefined)], 'PERMISSIVE'],
    ['namespace overrides mesh', [pa('istio-system', 'default', 'STRICT'), pa('foo', 'ns', 'DISABLE')], 'DISABLE'],
    ['namespace UNSET inherits mesh', [pa('istio-system', 'default', 'STRICT'), pa('foo', 'ns', 'UNSET')], 'STRICT'],
    ['workload mtls strict overrides namespace (reachability scenario)', [pa('foo', 'ns', 'PERMISSIVE'), pa('foo', 'w', 'STRICT', { sel: { app: 'httpbin' } })], 'STRICT'],
    ['workload mtls disabled overrides mesh STRICT (reachability scenario)', [pa('istio-system', 'default', 'STRICT'), pa('foo', 'w', 'DISABLE', { sel: { app: 'httpbin' } })], 'DISABLE'],
    ['workload UNSET inherits namespace which inherits mesh', [pa('istio-system', 'default', 'DISABLE'), pa('foo', 'ns', 'UNSET'), pa('foo', 'w', 'UNSET', { sel: { app: 'httpbin' } })], 'DISABLE'],
    ['a selector that does not match is not a candidate', [pa('foo', 'w', 'STRICT', { sel: { app: 'other' } })], 'PERMISSIVE'],
    ['a selector with extra labels the workload lacks does not match', [pa('foo', 'w', 'STRICT', { sel: { app: 'httpbin', tier: 'x' } })], 'PERMISSIVE'],
    ['a namespace policy of another namespace does not apply', [pa('bar', 'ns', 'STRICT')], 'PERMISSIVE'],
    ['a selector policy in the root namespace is ignored', [pa('istio-system', 'w', 'STRICT', { sel: { app: 'httpbin' } })], 'PERMISSIVE'],
    ['oldest namespace policy wins', [pa('foo', 'b-new', 'STRICT', { t: T2 }), pa('foo', 'a-old', 'DISABLE', { t: T1 })].reverse(), 'DISABLE'],
    ['oldest namespace policy wins whatever the name', [pa('foo', 'a-new', 'STRICT', { t: T2 }), pa('foo', 'z-old', 'DISABLE', { t: T1 })], 'DISABLE'],
    ['equal times: the first by name wins', [pa('foo', 'zeta', 'STRICT', { t: T1 }), pa('foo', 'alpha', 'DISABLE', { t: T1 })], 'DISABLE'],
    ['oldest mesh policy wins', [pa('istio-system', 'b', 'DISABLE', { t: T2 }), pa('istio-system', 'a', 'STRICT', { t: T1 })], 'STRICT'],
    ['oldest workload policy wins', [pa('foo', 'w2', 'DISABLE', { t: T2, sel: { app: 'httpbin' } }), pa('foo', 'w1', 'STRICT', { t: T1, sel: { version: 'v1' } })], 'STRICT'],
    ['equal-time workload policies: the first by name wins', [pa('foo', 'wb', 'DISABLE', { sel: { app: 'httpbin' } }), pa('foo', 'wa', 'STRICT', { sel: { version: 'v1' } })], 'STRICT'],
    ['a missing creationTimestamp is oldest (Go zero time)', [pa('foo', 'a', 'STRICT', { t: T1 }), { ...pa('foo', 'z', 'DISABLE'), creationTimestamp: undefined }], 'DISABLE'],
  ])('%s', (_name, policies, want) => {
    expect(composePeerAuthentication(policies, app).defaultMode).toBe(want);
  });

  it('a workload in the root namespace takes the mesh policy and ignores root selector policies', () => {
    const policies = [pa('istio-system', 'default', 'STRICT'), pa('istio-system', 'w', 'DISABLE', { sel: { app: 'gw' } })];
    const got = composePeerAuthentication(policies, { namespace: 'istio-system', labels: { app: 'gw' } });
    expect(got.defaultMode).toBe('STRICT');
    expect(got.chain.find((c) => c.policy === 'istio-system/w')).toMatchObject({ ignored: true });
  });

  it('a custom root namespace is honoured', () => {
    const policies = [pa('mesh-root', 'default', 'STRICT'), pa('istio-system', 'default', 'DISABLE')];
    expect(composePeerAuthentication(policies, app, { rootNamespace: 'mesh-root' }).defaultMode).toBe('STRICT');
    expect(composePeerAuthentication(policies, app).defaultMode).toBe('DISABLE');
  });

  it("candidates include the namespaces of the workload's Services, as Istio's getConfigsForWorkload does", () => {
    const policies = [pa('svc-ns', 'w', 'STRICT', { sel: { app: 'httpbin' } })];
    expect(composePeerAuthentication(policies, app).defaultMode).toBe('PERMISSIVE');
    expect(composePeerAuthentication(policies, { ...app, serviceNamespaces: ['svc-ns'] }).defaultMode).toBe('STRICT');
  });
});

describe('composePeerAuthentication: portLevelMtls', () => {
  it.each<[string, PeerAuthenticationInput[], number, MtlsMode]>([
    ['mtls port override: DISABLE on one port of a STRICT workload (reachability scenario)', [pa('foo', 'w', 'STRICT', { sel: { app: 'httpbin' }, ports: { '8080': 'DISABLE' } })], 8080, 'DISABLE'],
    ['other ports keep the workload mode', [pa('foo', 'w', 'STRICT', { sel: { app: 'httpbin' }, ports: { '8080': 'DISABLE' } })], 9090, 'STRICT'],
    ['an UNSET port takes the workload mode', [pa('foo', 'w', 'DISABLE', { sel: { app: 'httpbin' }, ports: { '8080': 'UNSET' } })], 8080, 'DISABLE'],
    ['an UNSET port of an UNSET workload takes the namespace mode', [pa('foo', 'ns', 'STRICT'), pa('foo', 'w', 'UNSET', { sel: { app: 'httpbin' }, ports: { '8080': undefined } })], 8080, 'STRICT'],
    ['PERMISSIVE port on a STRICT namespace (pass-through scenario "STRICT with PERMISSIVE")', [pa('foo', 'ns', 'STRICT'), pa('foo', 'w', undefined, { sel: { app: 'httpbin' }, ports: { '8080': 'PERMISSIVE' } })], 8080, 'PERMISSIVE'],
    ['STRICT port on a DISABLE mesh (pass-through scenario "DISABLE with STRICT")', [pa('istio-system', 'default', 'DISABLE'), pa('foo', 'w', undefined, { sel: { app: 'httpbin' }, ports: { '8080': 'STRICT' } })], 8080, 'STRICT'],
    ['port levels of the losing (younger) workload policy are not read', [pa('foo', 'w1', 'STRICT', { t: T1, sel: { app: 'httpbin' } }), pa('foo', 'w2', 'STRICT', { t: T2, sel: { app: 'httpbin' }, ports: { '8080': 'DISABLE' } })], 8080, 'STRICT'],
  ])('%s', (_name, policies, port, want) => {
    expect(mtlsModeForPort(composePeerAuthentication(policies, app), port)).toBe(want);
  });

  it('ports are keyed by number text and the result is plain JSON', () => {
    const got = composePeerAuthentication([pa('foo', 'w', 'STRICT', { sel: { app: 'httpbin' }, ports: { '8080': 'DISABLE', '9000': 'UNSET' } })], app);
    expect(got.ports).toEqual({ '8080': 'DISABLE', '9000': 'STRICT' });
    expect(JSON.parse(JSON.stringify(got))).toEqual(got);
  });
});

describe('composePeerAuthentication: the explain chain', () => {
  it('names which resource set each value, what was inherited and what was ignored', () => {
    const policies = [
      pa('istio-system', 'mesh', 'STRICT', { t: T1 }),
      pa('istio-system', 'mesh-younger', 'DISABLE', { t: T2 }),
      pa('foo', 'ns', 'UNSET'),
      pa('foo', 'w', 'DISABLE', { sel: { app: 'httpbin' }, ports: { '80': 'STRICT' } }),
    ];
    const { chain } = composePeerAuthentication(policies, app);
    const brief = chain.map((c) => [c.scope, c.policy ?? '', c.mode ?? 'ignored']);
    expect(brief).toEqual([
      ['default', '', 'PERMISSIVE'],
      ['mesh', 'istio-system/mesh-younger', 'ignored'],
      ['mesh', 'istio-system/mesh', 'STRICT'],
      ['namespace', 'foo/ns', 'STRICT'],
      ['workload', 'foo/w', 'DISABLE'],
      ['port', 'foo/w', 'STRICT'],
    ]);
    expect(chain[3]?.why).toContain('UNSET');
  });
});

describe('namespaceMtlsMode', () => {
  it.each<[string, PeerAuthenticationInput[], MtlsMode]>([
    ['nothing: PERMISSIVE', [], 'PERMISSIVE'],
    ['mesh only', [pa('istio-system', 'default', 'STRICT')], 'STRICT'],
    ['namespace beats mesh', [pa('istio-system', 'default', 'STRICT'), pa('foo', 'ns', 'DISABLE')], 'DISABLE'],
    ['namespace UNSET inherits mesh', [pa('istio-system', 'default', 'DISABLE'), pa('foo', 'ns', 'UNSET')], 'DISABLE'],
    ['workload policies do not count', [pa('foo', 'w', 'DISABLE', { sel: { app: 'x' } })], 'PERMISSIVE'],
    ['oldest namespace policy', [pa('foo', 'b', 'DISABLE', { t: T2 }), pa('foo', 'a', 'STRICT', { t: T1 })], 'STRICT'],
  ])('%s', (_n, policies, want) => {
    expect(namespaceMtlsMode(policies, 'foo')).toBe(want);
  });
});
