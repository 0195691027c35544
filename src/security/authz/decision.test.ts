import { describe, it, expect } from 'vitest';
import { compileAuthorization, type AuthzWorkload } from './compile.js';
import { buildAuthorizer } from './authorizer.js';
import { AuthzCodes } from './findings.js';
import { RBAC_DENIED_BODY, RBAC_DENIED_STATUS, rbacDeniedDetails } from './config.js';
import { authorizer, http, policy, tcp, WORKLOAD } from './test-helpers.js';
import { remoteAddress } from './attributes.js';

const denyPath = (name: string, path: string) => policy(name, { action: 'DENY', rules: [{ to: [{ operation: { paths: [path] } }] }] });
const allowPath = (name: string, path: string) => policy(name, { rules: [{ to: [{ operation: { paths: [path] } }] }] });

describe('evaluation order and edge cases', () => {
  it.each<[string, ReturnType<typeof policy>[], string, boolean, string | undefined]>([
    ['no policy: allow', [], '/x', true, undefined],
    ['spec: {} (ALLOW, no rules) denies all', [policy('none', {})], '/x', false, 'rbac_access_denied_matched_policy[none]'],
    ['rules: [{}] allows all', [policy('all', { rules: [{}] })], '/x', true, undefined],
    ['DENY rules: [{}] denies all', [policy('deny-all', { action: 'DENY', rules: [{}] })], '/x', false, 'rbac_access_denied_matched_policy[ns[foo]-policy[deny-all]-rule[0]]'],
    ['DENY beats ALLOW', [denyPath('d', '/admin'), policy('all', { rules: [{}] })], '/admin', false, 'rbac_access_denied_matched_policy[ns[foo]-policy[d]-rule[0]]'],
    ['a DENY that does not match leaves the request to ALLOW', [denyPath('d', '/admin'), allowPath('a', '/x')], '/x', true, undefined],
    ['ALLOW present, none matches: deny with [none]', [allowPath('a', '/x')], '/y', false, 'rbac_access_denied_matched_policy[none]'],
    ['only DENY policies, no match: allow', [denyPath('d', '/admin')], '/x', true, undefined],
    ['AUDIT never changes the decision', [policy('audit', { action: 'AUDIT', rules: [{}] })], '/x', true, undefined],
    ['rules OR within a policy', [policy('a', { rules: [{ to: [{ operation: { paths: ['/a'] } }] }, { to: [{ operation: { paths: ['/x'] } }] }] })], '/x', true, undefined],
    ['from OR within a rule', [policy('a', { rules: [{ from: [{ source: { namespaces: ['bar'] } }, { source: { namespaces: ['foo'] } }] }] })], '/x', true, undefined],
    ['from AND to within a rule', [policy('a', { rules: [{ from: [{ source: { namespaces: ['foo'] } }], to: [{ operation: { paths: ['/y'] } }] }] })], '/x', false, 'rbac_access_denied_matched_policy[none]'],
  ])('%s', (_n, policies, path, allowed, details) => {
    const d = authorizer(policies).checkHttp(http({ path }));
    expect(d.allowed).toBe(allowed);
    expect(d.details).toBe(details);
  });

  it('names the deciding policy and rule', () => {
    const d = authorizer([policy('p', { rules: [{ to: [{ operation: { paths: ['/a'] } }] }, { to: [{ operation: { paths: ['/x'] } }] }] })]).checkHttp(http({ path: '/x' }));
    expect(d).toMatchObject({ allowed: true, action: 'ALLOW', policy: 'foo.p', rule: 1, policyId: 'ns[foo]-policy[p]-rule[1]' });
  });

  it('reports the first matching policy in Envoy id order, not creation order', () => {
    const older = policy('zz', { action: 'DENY', rules: [{}] }, { creationTimestamp: '2020-01-01T00:00:00Z' });
    const d = authorizer([older, policy('aa', { action: 'DENY', rules: [{}] })]).checkHttp(http());
    expect(d.policy).toBe('foo.aa');
  });

  it('an AUDIT match is reported beside the decision', () => {
    const d = authorizer([policy('log', { action: 'AUDIT', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })]).checkHttp(http());
    expect(d).toMatchObject({ allowed: true, audit: { policy: 'foo.log', rule: 0 } });
  });

  it('names the first failed clause when no ALLOW rule matches (for tack explain)', () => {
    const az = authorizer([policy('p', { rules: [{ from: [{ source: { namespaces: ['bar'] } }], to: [{ operation: { methods: ['POST'] } }] }] })]);
    expect(az.checkHttp(http()).firstFailedClause).toBe('ns[foo]-policy[p]-rule[0]: from[0].source.namespaces');
    expect(az.checkHttp(http({ sourcePrincipal: 'spiffe://cluster.local/ns/bar/sa/x' })).firstFailedClause).toBe('ns[foo]-policy[p]-rule[0]: to[0].operation.methods');
    expect(authorizer([policy('none', {})]).checkHttp(http()).firstFailedClause).toContain('no rules');
  });

  it('exports Envoy\'s wire strings', () => {
    expect([RBAC_DENIED_STATUS, RBAC_DENIED_BODY]).toEqual([403, 'RBAC: access denied']);
    expect(rbacDeniedDetails('ns[a b]-policy[x]-rule[0]')).toBe('rbac_access_denied_matched_policy[ns[a_b]-policy[x]-rule[0]]');
  });

  it('allocates nothing for a plain decision: the same result object comes back', () => {
    const az = authorizer([allowPath('a', '/x')]);
    expect(az.checkHttp(http({ path: '/x' }))).toBe(az.checkHttp(http({ path: '/x?q' })));
    expect(Object.isFrozen(az.checkHttp(http({ path: '/x' })))).toBe(true);
  });
});

describe('HTTP-only fields on TCP (research §2.3, model.go checkError)', () => {
  it.each<[string, ReturnType<typeof policy>[], boolean]>([
    ['ALLOW rule with methods is dropped: nothing allowed on TCP', [policy('a', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })], false],
    ['ALLOW rule with notPaths is dropped too', [policy('a', { rules: [{ to: [{ operation: { notPaths: ['/x'] } }] }] })], false],
    ['ALLOW rule with requestPrincipals is dropped', [policy('a', { rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] })], false],
    ['ALLOW rule with a request.headers condition is dropped', [policy('a', { rules: [{ when: [{ key: 'request.headers[x]', values: ['y'] }] }] })], false],
    ['the other ALLOW rules of the policy still apply', [policy('a', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }, { to: [{ operation: { ports: ['8000'] } }] }] })], true],
    ['DENY methods:[POST], ports:[8000] denies all TCP on 8000 (the proto\'s example)', [policy('d', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['POST'], ports: ['8000'] } }] }] })], false],
    ['DENY with only HTTP-only fields denies every TCP connection', [policy('d', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] })], false],
    ['DENY keeps its TCP fields: another port is not denied', [policy('d', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['POST'], ports: ['9000'] } }] }] })], true],
    ['DENY with a request.auth.claims condition loses it', [policy('d', { action: 'DENY', rules: [{ when: [{ key: 'request.auth.claims[g]', values: ['x'] }] }] })], false],
    ['ALLOW on principals works on TCP', [policy('a', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/foo/sa/sleep'] } }] }] })], true],
    ['DenyPlaintext scenario: DENY notPrincipals ["*"] refuses a plaintext peer', [policy('d', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }] })], true],
  ])('%s', (_n, policies, allowed) => {
    expect(authorizer(policies).checkTcp(tcp()).allowed).toBe(allowed);
  });

  it('DenyPlaintext scenario, plaintext side', () => {
    const az = authorizer([policy('d', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }] })]);
    expect(az.checkTcp(tcp({ sourcePrincipal: '' })).allowed).toBe(false);
    expect(az.checkHttp(http({ sourcePrincipal: '' })).allowed).toBe(false);
  });

  it('the same policy still works over HTTP, and explain says why TCP was refused', () => {
    const az = authorizer([policy('a', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })]);
    expect(az.checkHttp(http()).allowed).toBe(true);
    expect(az.checkTcp(tcp()).firstFailedClause).toBe('ns[foo]-policy[a]-rule[0]: dropped on TCP (HTTP-only to[0].operation.methods)');
  });

  it('the compiler warns about HTTP-only fields', () => {
    const { findings } = compileAuthorization([policy('a', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })], WORKLOAD);
    expect(findings.find((f) => f.code === AuthzCodes.HttpOnlyFieldsOnTcp)?.message).toContain('dropped');
  });
});

describe('dry-run (istio.io/dry-run)', () => {
  const dry = { annotations: { 'istio.io/dry-run': 'true' } };
  it('a dry-run DENY reports it would deny and changes nothing', () => {
    const d = authorizer([policy('d', { action: 'DENY', rules: [{}] }, dry)]).checkHttp(http());
    expect(d.allowed).toBe(true);
    expect(d.dryRun).toEqual({ deny: { allowed: false, match: { policy: 'foo.d', rule: 0, policyId: 'ns[foo]-policy[d]-rule[0]' } } });
  });
  it('a dry-run ALLOW that matches nothing would deny; with no enforced ALLOW the request passes', () => {
    const d = authorizer([policy('a', { rules: [{ to: [{ operation: { paths: ['/only'] } }] }] }, dry)]).checkHttp(http());
    expect(d.allowed).toBe(true);
    expect(d.dryRun).toEqual({ allow: { allowed: false } });
  });
  it('a dry-run ALLOW beside an enforced one does not count as "ALLOW present"', () => {
    const az = authorizer([policy('a', { rules: [{}] }, dry), allowPath('real', '/x')]);
    expect(az.checkHttp(http({ path: '/y' }))).toMatchObject({ allowed: false, dryRun: { allow: { allowed: true } } });
  });
  it.each([['1', true], ['True', true], ['false', false], ['yes', false]])('annotation %s → dry-run %s (Go ParseBool)', (text, isDry) => {
    const { config, findings } = compileAuthorization([policy('d', { action: 'DENY', rules: [{}] }, { annotations: { 'istio.io/dry-run': text } })], WORKLOAD);
    expect(config.deny[0]?.dryRun).toBe(isDry);
    expect(findings.some((f) => f.code === AuthzCodes.BadDryRunAnnotation)).toBe(text === 'yes');
    expect(buildAuthorizer(config).checkHttp(http()).allowed).toBe(isDry);
  });
});

describe('CUSTOM', () => {
  const custom = policy('ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] });
  it('an unknown provider is refused with a finding and what it matches is denied, as Istio does', () => {
    const { config, findings } = compileAuthorization([custom], WORKLOAD);
    expect(findings.map((f) => f.code)).toContain(AuthzCodes.UnknownCustomProvider);
    const az = buildAuthorizer(config);
    expect(az.checkHttp(http({ path: '/admin' }))).toMatchObject({ allowed: false, action: 'CUSTOM', details: 'rbac_access_denied_matched_policy[istio-ext-authz-opa-ns[foo]-policy[ext]-rule[0]-deny-due-to-bad-CUSTOM-action]' });
    expect(az.checkHttp(http({ path: '/x' })).allowed).toBe(true);
  });
  it('a named provider: a match is handed to the caller as extAuthz', () => {
    const az = authorizer([custom], { extensionProviders: ['opa'] });
    expect(az.checkHttp(http({ path: '/admin' }))).toMatchObject({ allowed: true, extAuthz: { provider: 'opa', policy: 'foo.ext', rule: 0 } });
    expect(az.checkHttp(http({ path: '/x' })).extAuthz).toBeUndefined();
  });
});

describe('selection (ListAuthorizationPolicies / ShouldAttachPolicy for sidecars)', () => {
  const names = (policies: ReturnType<typeof policy>[], workload: AuthzWorkload = WORKLOAD) => compileAuthorization(policies, workload).config.deny.map((p) => `${p.namespace}/${p.name}`);
  const deny = (ns: string, name: string, extra: object = {}) => policy(name, { action: 'DENY', rules: [{}], ...extra }, { namespace: ns });
  it.each<[string, ReturnType<typeof policy>[], string[]]>([
    ['own namespace, no selector', [deny('foo', 'a')], ['foo/a']],
    ['other namespace does not apply', [deny('bar', 'a')], []],
    ['root namespace applies mesh-wide, root first', [deny('foo', 'a'), deny('istio-system', 'mesh')], ['istio-system/mesh', 'foo/a']],
    ['a root-namespace selector matches in every namespace', [deny('istio-system', 'sel', { selector: { matchLabels: { app: 'httpbin' } } })], ['istio-system/sel']],
    ['selector must be a subset of the labels (WorkloadSelector scenario)', [deny('foo', 'a', { selector: { matchLabels: { app: 'other' } } })], []],
    ['targetRefs never attach to a sidecar', [deny('foo', 'a', { targetRefs: [{ kind: 'Service', name: 'httpbin' }] })], []],
  ])('%s', (_n, policies, want) => {
    expect(names(policies)).toEqual(want);
  });
  it('targetRef to a Gateway attaches to that Gateway API deployment only', () => {
    const gw = { namespace: 'foo', labels: { 'gateway.networking.k8s.io/gateway-name': 'web' } };
    const ref = (name: string) => deny('foo', `to-${name}`, { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name }] });
    expect(names([ref('web'), ref('other')], gw)).toEqual(['foo/to-web']);
    const { findings } = compileAuthorization([ref('web')], WORKLOAD);
    expect(findings.map((f) => f.code)).toEqual([AuthzCodes.TargetRefNotAttached]);
  });
  it('the compiled config is plain JSON', () => {
    const { config } = compileAuthorization([deny('foo', 'a'), policy('b', { rules: [{ from: [{ source: { namespaces: ['x*'] } }], when: [{ key: 'request.headers[a]', values: ['*'] }] }] })], WORKLOAD);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(config.allow[0]?.rules[0]?.principals[0]?.map((f) => f.clause)).toEqual(['from[0].source.namespaces', 'when[0](request.headers[a]).values']);
  });
});

describe('remoteAddress (x-forwarded-for, as Envoy picks the original client)', () => {
  it.each<[string | undefined, { useRemoteAddress?: boolean; trustedHops?: number }, string]>([
    [undefined, {}, '10.0.0.1'],
    ['203.0.113.7', {}, '203.0.113.7'],
    ['198.51.100.1, 203.0.113.7', {}, '203.0.113.7'],
    ['198.51.100.1, 203.0.113.7', { trustedHops: 1 }, '198.51.100.1'],
    ['203.0.113.7', { trustedHops: 1 }, '10.0.0.1'],
    ['198.51.100.1, 203.0.113.7', { useRemoteAddress: true }, '10.0.0.1'],
    ['198.51.100.1, 203.0.113.7', { useRemoteAddress: true, trustedHops: 1 }, '203.0.113.7'],
    ['198.51.100.1, 203.0.113.7', { useRemoteAddress: true, trustedHops: 2 }, '198.51.100.1'],
    ['203.0.113.7', { useRemoteAddress: true, trustedHops: 2 }, '10.0.0.1'],
  ])('%s %j → %s', (xff, opts, want) => {
    expect(remoteAddress('10.0.0.1', xff, opts)).toBe(want);
  });
});
