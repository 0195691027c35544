import { describe, it, expect } from 'vitest';
import type { Rule } from '../../api/kinds/authorization-policy.js';
import { authorizer, http, policy, SLEEP } from './test-helpers.js';
import type { HttpAttributes } from './attributes.js';

const allowOnly = (rule: Rule) => authorizer([policy('p', { rules: [rule] })]);
const from = (source: NonNullable<Rule['from']>[number]['source']): Rule => ({ from: [{ source }] });
const to = (operation: NonNullable<Rule['to']>[number]['operation']): Rule => ({ to: [{ operation }] });
const when = (key: string, values?: string[], notValues?: string[]): Rule => ({ when: [{ key, ...(values ? { values } : {}), ...(notValues ? { notValues } : {}) }] });

const jwt = { iss: 'https://issuer.example.com', sub: 'alice', aud: ['web', 'api'], azp: 'cli', groups: ['admin', 'dev'], nested: { level: 'gold' }, scope: 'read write', num: 5 };

type Case = [string, Rule, Partial<HttpAttributes>, boolean];

describe('every source field, with values and notValues', () => {
  it.each<Case>([
    ['principals exact', from({ principals: ['cluster.local/ns/foo/sa/sleep'] }), {}, true],
    ['principals exact, other identity', from({ principals: ['cluster.local/ns/foo/sa/other'] }), {}, false],
    ['principals "*" needs an mTLS identity', from({ principals: ['*'] }), { sourcePrincipal: '' }, false],
    ['principals "*" any identity', from({ principals: ['*'] }), {}, true],
    ['principals prefix', from({ principals: ['cluster.local/ns/foo/*'] }), {}, true],
    ['principals suffix', from({ principals: ['*/sa/sleep'] }), {}, true],
    ['principals suffix, wrong sa', from({ principals: ['*/sa/sleepy'] }), {}, false],
    ['notPrincipals excludes the identity', from({ notPrincipals: ['cluster.local/ns/foo/sa/sleep'] }), {}, false],
    ['notPrincipals matches a plaintext peer', from({ notPrincipals: ['cluster.local/ns/foo/sa/sleep'] }), { sourcePrincipal: '' }, true],
    ['namespaces', from({ namespaces: ['foo'] }), {}, true],
    ['namespaces other', from({ namespaces: ['bar'] }), {}, false],
    ['namespaces need mTLS', from({ namespaces: ['foo'] }), { sourcePrincipal: '' }, false],
    ['namespaces wildcard prefix', from({ namespaces: ['fo*'] }), {}, true],
    ['namespaces "*"', from({ namespaces: ['*'] }), {}, true],
    ['notNamespaces', from({ notNamespaces: ['foo'] }), {}, false],
    ['notNamespaces other ns passes', from({ notNamespaces: ['bar'] }), {}, true],
    ['serviceAccounts bare name: the policy namespace', from({ serviceAccounts: ['sleep'] }), {}, true],
    ['serviceAccounts ns/sa', from({ serviceAccounts: ['foo/sleep'] }), {}, true],
    ['serviceAccounts other ns', from({ serviceAccounts: ['bar/sleep'] }), {}, false],
    ['serviceAccounts do not match a longer name', from({ serviceAccounts: ['sleep'] }), { sourcePrincipal: 'spiffe://cluster.local/ns/foo/sa/sleepy' }, false],
    ['serviceAccounts allow extra segments after the sa', from({ serviceAccounts: ['sleep'] }), { sourcePrincipal: 'spiffe://cluster.local/ns/foo/sa/sleep/x/y' }, true],
    ['notServiceAccounts', from({ notServiceAccounts: ['foo/sleep'] }), {}, false],
    ['trustDomains exact', from({ trustDomains: ['cluster.local'] }), {}, true],
    ['trustDomains is not a prefix of a longer domain', from({ trustDomains: ['cluster.loc'] }), {}, false],
    ['trustDomains wildcard', from({ trustDomains: ['*.local'] }), { sourcePrincipal: 'spiffe://east.local/ns/foo/sa/x' }, true],
    ['trustDomains "*"', from({ trustDomains: ['*'] }), {}, true],
    ['notTrustDomains', from({ notTrustDomains: ['cluster.local'] }), {}, false],
    ['ipBlocks address', from({ ipBlocks: ['10.0.0.1'] }), {}, true],
    ['ipBlocks CIDR', from({ ipBlocks: ['10.0.0.0/24'] }), {}, true],
    ['ipBlocks CIDR miss', from({ ipBlocks: ['10.0.1.0/24'] }), {}, false],
    ['ipBlocks from an IPv4-mapped IPv6 peer', from({ ipBlocks: ['10.0.0.0/8'] }), { sourceIp: '::ffff:10.0.0.1' }, true],
    ['ipBlocks IPv6', from({ ipBlocks: ['fd00::/8'] }), { sourceIp: 'fd12:3456::1' }, true],
    ['ipBlocks IPv6 miss', from({ ipBlocks: ['fd00::/8'] }), { sourceIp: 'fe80::1' }, false],
    ['notIpBlocks', from({ notIpBlocks: ['10.0.0.0/8'] }), {}, false],
    ['remoteIpBlocks read the original client, not the peer', from({ remoteIpBlocks: ['203.0.113.0/24'] }), { remoteIp: '203.0.113.7' }, true],
    ['remoteIpBlocks without XFF: the peer address', from({ remoteIpBlocks: ['10.0.0.1'] }), {}, true],
    ['notRemoteIpBlocks', from({ notRemoteIpBlocks: ['203.0.113.0/24'] }), { remoteIp: '203.0.113.7' }, false],
    ['requestPrincipals exact iss/sub', from({ requestPrincipals: ['https://issuer.example.com/alice'] }), { jwtClaims: jwt }, true],
    ['requestPrincipals without a token', from({ requestPrincipals: ['*'] }), {}, false],
    ['requestPrincipals "*" with a token', from({ requestPrincipals: ['*'] }), { jwtClaims: jwt }, true],
    ['requestPrincipals iss/*', from({ requestPrincipals: ['https://issuer.example.com/*'] }), { jwtClaims: jwt }, true],
    ['requestPrincipals */sub', from({ requestPrincipals: ['*/alice'] }), { jwtClaims: jwt }, true],
    ['requestPrincipals */sub other sub', from({ requestPrincipals: ['*/bob'] }), { jwtClaims: jwt }, false],
    ['requestPrincipals from the principal text alone', from({ requestPrincipals: ['https://issuer.example.com/alice'] }), { requestPrincipal: 'https://issuer.example.com/alice' }, true],
    ['notRequestPrincipals "*" matches a request without a token', from({ notRequestPrincipals: ['*'] }), {}, true],
    ['fields of one source AND', from({ namespaces: ['foo'], ipBlocks: ['192.168.0.0/16'] }), {}, false],
    ['values of one field OR', from({ namespaces: ['bar', 'foo'] }), {}, true],
  ])('%s', (_n, rule, attrs, allowed) => {
    expect(allowOnly(rule).checkHttp(http(attrs)).allowed).toBe(allowed);
  });
});

describe('every operation field, with values and notValues', () => {
  it.each<Case>([
    ['hosts exact, case-insensitive', to({ hosts: ['HTTPBIN.foo:8000'] }), {}, true],
    ['hosts exact without the port does not match host:port', to({ hosts: ['httpbin.foo'] }), {}, false],
    ['hosts suffix', to({ hosts: ['*.foo:8000'] }), {}, true],
    ['hosts prefix', to({ hosts: ['httpbin.*'] }), {}, true],
    ['hosts "*"', to({ hosts: ['*'] }), {}, true],
    ['notHosts (NotHost scenario)', to({ notHosts: ['httpbin.foo:8000'] }), {}, false],
    ['methods', to({ methods: ['GET'] }), {}, true],
    ['methods are case-sensitive', to({ methods: ['get'] }), {}, false],
    ['notMethods (NotMethod scenario)', to({ notMethods: ['GET'] }), {}, false],
    ['notMethods other method', to({ notMethods: ['POST'] }), {}, true],
    ['paths exact ignores the query', to({ paths: ['/get'] }), { path: '/get?x=1' }, true],
    ['paths exact', to({ paths: ['/get'] }), { path: '/gets' }, false],
    ['paths prefix', to({ paths: ['/api/*'] }), { path: '/api/v1' }, true],
    ['paths suffix', to({ paths: ['*.html'] }), { path: '/a/index.html' }, true],
    ['paths "*" any non-empty', to({ paths: ['*'] }), {}, true],
    ['notPaths', to({ notPaths: ['/get'] }), {}, false],
    ['ports', to({ ports: ['8000'] }), {}, true],
    ['ports other', to({ ports: ['9000'] }), {}, false],
    ['notPorts (NotPort scenario)', to({ notPorts: ['8000'] }), {}, false],
    ['fields of one operation AND', to({ methods: ['GET'], paths: ['/post'] }), {}, false],
  ])('%s', (_n, rule, attrs, allowed) => {
    expect(allowOnly(rule).checkHttp(http(attrs)).allowed).toBe(allowed);
  });
});

describe('PathTemplating scenario (tests/integration/security authz_test.go TestAuthz_PathTemplating)', () => {
  const az = allowOnly(to({ paths: ['/allow/admin/{**}', '/foo/{*}/bar/{**}', '/store/{**}/cart'] }));
  it.each<[string, boolean]>([
    ['/allow/admin/', true], ['/allow/admin', false], ['/allow/user/', false], ['/allow/admin?param=value', false], ['/allow', false],
    ['/allow/admin/temp', true], ['/allow/admin/temp.txt', true], ['/allow/admin/foo/temp.txt', true],
    ['/foo/buzz/bar/bat.txt', true], ['/foo/buzz/bar/bat.temp.txt', true], ['/foo/buzz/bar/bat/fuzz.txt', true], ['/foo/bar/bat.txt', false],
    ['/foo//bar/bat.txt', false], ['/foo/buzz/bar/bat', true],
    ['/store//cart', true], ['/store/cart', false], ['/store/foo/cart', true], ['/store/foo/bar/cart', true],
  ])('%s → %s', (path, allowed) => {
    expect(az.checkHttp(http({ path })).allowed).toBe(allowed);
  });
});

describe('every when key, with values and notValues', () => {
  const H = { 'x-token': 'admin', 'x-multi': ['a', 'b'] };
  it.each<Case>([
    ['request.headers exact (name case-insensitive)', when('request.headers[X-Token]', ['admin']), { headers: H }, true],
    ['request.headers other value', when('request.headers[x-token]', ['guest']), { headers: H }, false],
    ['request.headers prefix', when('request.headers[x-token]', ['adm*']), { headers: H }, true],
    ['request.headers suffix', when('request.headers[x-token]', ['*min']), { headers: H }, true],
    ['request.headers "*" is presence', when('request.headers[x-token]', ['*']), { headers: { 'x-token': '' } }, true],
    ['request.headers "*" absent', when('request.headers[x-token]', ['*']), {}, false],
    ['request.headers repeated values are joined with ","', when('request.headers[x-multi]', ['a,b']), { headers: H }, true],
    ['request.headers notValues', when('request.headers[x-token]', undefined, ['admin']), { headers: H }, false],
    ['request.headers notValues, header absent', when('request.headers[x-token]', undefined, ['admin']), {}, true],
    ['source.ip', when('source.ip', ['10.0.0.0/8']), {}, true],
    ['source.ip notValues', when('source.ip', undefined, ['10.0.0.1']), {}, false],
    ['remote.ip', when('remote.ip', ['203.0.113.7']), { remoteIp: '203.0.113.7' }, true],
    ['remote.ip notValues', when('remote.ip', undefined, ['203.0.113.7']), { remoteIp: '203.0.113.7' }, false],
    ['source.namespace', when('source.namespace', ['foo']), {}, true],
    ['source.namespace notValues', when('source.namespace', undefined, ['foo']), {}, false],
    ['source.serviceAccount', when('source.serviceAccount', ['foo/sleep']), {}, true],
    ['source.serviceAccount notValues', when('source.serviceAccount', undefined, ['sleep']), {}, false],
    ['source.trustDomain', when('source.trustDomain', ['cluster.local']), {}, true],
    ['source.trustDomain notValues', when('source.trustDomain', undefined, ['cluster.local']), {}, false],
    ['source.principal', when('source.principal', ['cluster.local/ns/foo/sa/sleep']), {}, true],
    ['source.principal notValues', when('source.principal', undefined, ['cluster.local/ns/foo/sa/sleep']), {}, false],
    ['request.auth.principal', when('request.auth.principal', ['https://issuer.example.com/alice']), { jwtClaims: jwt }, true],
    ['request.auth.principal notValues', when('request.auth.principal', undefined, ['https://issuer.example.com/alice']), { jwtClaims: jwt }, false],
    ['request.auth.audiences one of a list', when('request.auth.audiences', ['api']), { jwtClaims: jwt }, true],
    ['request.auth.audiences as a string claim', when('request.auth.audiences', ['web']), { jwtClaims: { ...jwt, aud: 'web' } }, true],
    ['request.auth.audiences notValues', when('request.auth.audiences', undefined, ['api']), { jwtClaims: jwt }, false],
    ['request.auth.presenter', when('request.auth.presenter', ['cli']), { jwtClaims: jwt }, true],
    ['request.auth.presenter notValues', when('request.auth.presenter', undefined, ['cli']), { jwtClaims: jwt }, false],
    ['request.auth.claims list claim', when('request.auth.claims[groups]', ['admin']), { jwtClaims: jwt }, true],
    ['request.auth.claims nested', when('request.auth.claims[nested][level]', ['gold']), { jwtClaims: jwt }, true],
    ['request.auth.claims nested miss', when('request.auth.claims[nested][level]', ['silver']), { jwtClaims: jwt }, false],
    ['request.auth.claims a number claim never matches a string', when('request.auth.claims[num]', ['5']), { jwtClaims: jwt }, false],
    ['request.auth.claims without a token', when('request.auth.claims[groups]', ['admin']), {}, false],
    ['request.auth.claims notValues', when('request.auth.claims[groups]', undefined, ['admin']), { jwtClaims: jwt }, false],
    ['destination.ip', when('destination.ip', ['10.0.0.9']), {}, true],
    ['destination.ip notValues', when('destination.ip', undefined, ['10.0.0.0/24']), {}, false],
    ['destination.port', when('destination.port', ['8000']), {}, true],
    ['destination.port notValues', when('destination.port', undefined, ['8000']), {}, false],
    ['connection.sni', when('connection.sni', ['*.example.com']), { sni: 'api.example.com' }, true],
    ['connection.sni notValues', when('connection.sni', undefined, ['api.example.com']), { sni: 'api.example.com' }, false],
    ['connection.sni "*" with no SNI', when('connection.sni', ['*']), {}, false],
    ['experimental.envoy.filters metadata is always absent (values)', when('experimental.envoy.filters.a.b[c]', ['x']), {}, false],
    ['experimental.envoy.filters metadata is always absent (notValues)', when('experimental.envoy.filters.a.b[c]', undefined, ['x']), {}, true],
  ])('%s', (_n, rule, attrs, allowed) => {
    expect(allowOnly(rule).checkHttp(http(attrs)).allowed).toBe(allowed);
  });
});

describe('TestAuthz_Conditions scenario (conditions.yaml.tmpl: each key allowed on /key and denied on its notValues twin)', () => {
  const az = authorizer([policy('conditions', {
    rules: [
      { to: [{ operation: { paths: ['/request-headers'] } }], when: [{ key: 'request.headers[x-foo]', values: ['foo'] }] },
      { to: [{ operation: { paths: ['/request-headers-notValues'] } }], when: [{ key: 'request.headers[x-foo]', notValues: ['foo'] }] },
      { to: [{ operation: { paths: ['/source-ip'] } }], when: [{ key: 'source.ip', values: ['10.0.0.1'] }] },
      { to: [{ operation: { paths: ['/source-ip-notValues'] } }], when: [{ key: 'source.ip', notValues: ['10.0.0.1'] }] },
      { to: [{ operation: { paths: ['/source-namespace'] } }], when: [{ key: 'source.namespace', values: ['foo'] }] },
      { to: [{ operation: { paths: ['/source-namespace-notValues'] } }], when: [{ key: 'source.namespace', notValues: ['foo'] }] },
      { to: [{ operation: { paths: ['/source-principal'] } }], when: [{ key: 'source.principal', values: ['cluster.local/ns/foo/sa/sleep'] }] },
      { to: [{ operation: { paths: ['/source-principal-notValues'] } }], when: [{ key: 'source.principal', notValues: ['cluster.local/ns/foo/sa/sleep'] }] },
      { to: [{ operation: { paths: ['/destination-port'] } }], when: [{ key: 'destination.port', values: ['8000'] }] },
      { to: [{ operation: { paths: ['/destination-port-notValues'] } }], when: [{ key: 'destination.port', notValues: ['8000'] }] },
    ],
  })]);
  it.each<[string, Record<string, string>, boolean]>([
    ['/request-headers', { 'x-foo': 'foo' }, true], ['/request-headers', { 'x-foo': 'bar' }, false], ['/request-headers', {}, false],
    ['/request-headers-notValues', { 'x-foo': 'bar' }, true], ['/request-headers-notValues', { 'x-foo': 'foo' }, false],
    ['/source-ip', {}, true], ['/source-ip-notValues', {}, false],
    ['/source-namespace', {}, true], ['/source-namespace-notValues', {}, false],
    ['/source-principal', {}, true], ['/source-principal-notValues', {}, false],
    ['/destination-port', {}, true], ['/destination-port-notValues', {}, false],
    ['/other', {}, false],
  ])('%s %j → %s', (path, headers, allowed) => {
    expect(az.checkHttp(http({ path, headers, sourcePrincipal: SLEEP })).allowed).toBe(allowed);
  });
});
