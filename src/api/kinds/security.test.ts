import { corpusDocs, errors, expectRefusedLikeIstio as expectRefusedAsIstio } from '../../../test/support/corpus-docs.js';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { formatPath, loadText, validateDocuments, type Check } from '../index.js';
import { describeCorpus } from '../../../test/support/corpus-suite.js';


type SecurityKind = 'PeerAuthentication' | 'AuthorizationPolicy' | 'RequestAuthentication';

function validate(kind: SecurityKind, spec: unknown): Check[] {
  const { documents, checks } = loadText(stringify({ apiVersion: 'security.istio.io/v1', kind, metadata: { name: 'x', namespace: 'ns' }, spec }), 'case.yaml');
  return [...checks, ...validateDocuments(documents).checks];
}



/** Istio's reasons that name no field and that tack words differently: the word to look for instead. */
const REASON_WORDS: Record<string, string> = {
  'Unsupported value: "BLAH"': 'unsupported value "BLAH"',
  'Unsupported value: "MANDATORY"': 'unsupported value "MANDATORY"',
  'must be a valid duration greater than': 'invalid duration',
};


function expectRefusedLikeIstio(checks: Check[], err: string): void {
  expectRefusedAsIstio(checks, err, REASON_WORDS);
}

const selector = { matchLabels: { app: 'web' } };
const rule = (source: Record<string, unknown>) => ({ rules: [{ from: [{ source }] }] });
const op = (operation: Record<string, unknown>) => ({ rules: [{ to: [{ operation }] }] });
const when = (condition: Record<string, unknown>) => ({ rules: [{ when: [condition] }] });
const jwt = (r: Record<string, unknown>) => ({ jwtRules: [{ issuer: 'https://issuer.example.com', ...r }] });
const SRC = 'spec.rules[0].from[0].source';
const OP = 'spec.rules[0].to[0].operation';
const WHEN = 'spec.rules[0].when[0]';
const JWT = 'spec.jwtRules[0]';

const INVALID: { kind: SecurityKind; name: string; spec: Record<string, unknown>; path: string; word: string }[] = [
  // PeerAuthentication
  { kind: 'PeerAuthentication', name: 'negative port key', spec: { selector, portLevelMtls: { '-1': { mode: 'STRICT' } } }, path: formatPath(['spec', 'portLevelMtls', '-1']), word: 'conversion' },
  { kind: 'PeerAuthentication', name: 'port-level mTLS with an empty selector', spec: { selector: {}, portLevelMtls: { '80': { mode: 'STRICT' } } }, path: 'spec.portLevelMtls', word: 'requires selector' },
  { kind: 'PeerAuthentication', name: 'empty selector key', spec: { selector: { matchLabels: { '': 'x' } } }, path: formatPath(['spec', 'selector', 'matchLabels', '']), word: 'empty' },
  { kind: 'PeerAuthentication', name: 'selector value over 63 characters', spec: { selector: { matchLabels: { app: 'a'.repeat(64) } } }, path: 'spec.selector.matchLabels.app', word: '63' },
  { kind: 'PeerAuthentication', name: 'wildcard selector value', spec: { selector: { matchLabels: { app: 'web*' } } }, path: 'spec.selector.matchLabels.app', word: 'wildcard' },
  { kind: 'PeerAuthentication', name: 'misspelt mtls', spec: { mTLS: { mode: 'STRICT' } }, path: 'spec.mTLS', word: 'did you mean "mtls"' },
  // AuthorizationPolicy
  { kind: 'AuthorizationPolicy', name: 'unknown action', spec: { action: 'REJECT', rules: [{}] }, path: 'spec.action', word: 'unsupported value' },
  { kind: 'AuthorizationPolicy', name: 'DENY without rules', spec: { action: 'DENY' }, path: 'spec.rules', word: 'deny action without rules' },
  { kind: 'AuthorizationPolicy', name: 'CUSTOM with an empty rule list', spec: { action: 'CUSTOM', provider: { name: 'ext' }, rules: [] }, path: 'spec.rules', word: 'custom action without rules' },
  { kind: 'AuthorizationPolicy', name: 'provider with ALLOW', spec: { provider: { name: 'ext' }, rules: [{}] }, path: 'spec.provider', word: 'custom' },
  { kind: 'AuthorizationPolicy', name: 'CUSTOM without provider name', spec: { action: 'CUSTOM', rules: [{}] }, path: 'spec.provider.name', word: 'provider.name' },
  { kind: 'AuthorizationPolicy', name: 'CUSTOM matching principals', spec: { action: 'CUSTOM', provider: { name: 'ext' }, ...rule({ principals: ['a'] }) }, path: `${SRC}.principals`, word: 'custom' },
  { kind: 'AuthorizationPolicy', name: 'CUSTOM with a JWT claim condition', spec: { action: 'CUSTOM', provider: { name: 'ext' }, ...when({ key: 'request.auth.claims[iss]', values: ['x'] }) }, path: `${WHEN}.key`, word: 'custom' },
  { kind: 'AuthorizationPolicy', name: 'empty from list', spec: { rules: [{ from: [] }] }, path: 'spec.rules[0].from', word: 'must not be empty' },
  { kind: 'AuthorizationPolicy', name: 'from without source', spec: { rules: [{ from: [{}] }] }, path: `${SRC}`, word: 'must be set' },
  { kind: 'AuthorizationPolicy', name: 'empty source', spec: rule({}), path: SRC, word: 'must not be empty' },
  { kind: 'AuthorizationPolicy', name: 'empty to list', spec: { rules: [{ to: [] }] }, path: 'spec.rules[0].to', word: 'must not be empty' },
  { kind: 'AuthorizationPolicy', name: 'empty operation', spec: op({ methods: [] }), path: OP, word: 'must not be empty' },
  { kind: 'AuthorizationPolicy', name: 'prefix length 33', spec: rule({ ipBlocks: ['1.2.3.4/33'] }), path: `${SRC}.ipBlocks[0]`, word: 'cidr' },
  { kind: 'AuthorizationPolicy', name: 'remote IP that is a name', spec: rule({ notRemoteIpBlocks: ['example.com'] }), path: `${SRC}.notRemoteIpBlocks[0]`, word: 'bad ip' },
  { kind: 'AuthorizationPolicy', name: 'empty principal', spec: rule({ principals: [''] }), path: `${SRC}.principals[0]`, word: 'empty value' },
  { kind: 'AuthorizationPolicy', name: 'service account with two slashes', spec: rule({ serviceAccounts: ['a/b/c'] }), path: `${SRC}.serviceAccounts[0]`, word: 'namespace/serviceaccount' },
  { kind: 'AuthorizationPolicy', name: 'wildcard service account', spec: rule({ notServiceAccounts: ['ns/*'] }), path: `${SRC}.notServiceAccounts[0]`, word: 'wildcard' },
  { kind: 'AuthorizationPolicy', name: 'seventeen service accounts', spec: rule({ serviceAccounts: Array.from({ length: 17 }, (_, i) => `sa${i}`) }), path: `${SRC}.serviceAccounts`, word: '16' },
  { kind: 'AuthorizationPolicy', name: 'serviceAccounts with notNamespaces', spec: rule({ serviceAccounts: ['sa'], notNamespaces: ['x'] }), path: `${SRC}.notNamespaces`, word: 'cannot set serviceaccounts' },
  { kind: 'AuthorizationPolicy', name: 'port above 65535', spec: op({ ports: ['65536'] }), path: `${OP}.ports[0]`, word: 'bad port' },
  { kind: 'AuthorizationPolicy', name: 'named port', spec: op({ notPorts: ['http'] }), path: `${OP}.notPorts[0]`, word: 'bad port' },
  { kind: 'AuthorizationPolicy', name: '{*} after {**}', spec: op({ paths: ['/{**}/{*}'] }), path: `${OP}.paths[0]`, word: 'last operator' },
  { kind: 'AuthorizationPolicy', name: 'named path variable', spec: op({ notPaths: ['/foo/{bar}'] }), path: `${OP}.notPaths[0]`, word: '"{" or "}"' },
  { kind: 'AuthorizationPolicy', name: 'empty condition key', spec: when({ key: '', values: ['x'] }), path: `${WHEN}.key`, word: 'must not be empty' },
  { kind: 'AuthorizationPolicy', name: 'condition without values', spec: when({ key: 'source.ip' }), path: `${WHEN}.values`, word: 'at least one of values or notvalues' },
  { kind: 'AuthorizationPolicy', name: 'destination.labels condition', spec: when({ key: 'destination.labels[app]', values: ['x'] }), path: `${WHEN}.key`, word: 'workload selector' },
  { kind: 'AuthorizationPolicy', name: 'header condition without a name', spec: when({ key: 'request.headers', values: ['x'] }), path: `${WHEN}.key`, word: 'a[b]' },
  { kind: 'AuthorizationPolicy', name: 'unknown attribute', spec: when({ key: 'source.user', values: ['x'] }), path: `${WHEN}.key`, word: 'unknown attribute' },
  { kind: 'AuthorizationPolicy', name: 'source.ip value that is not an IP', spec: when({ key: 'source.ip', values: ['ten'] }), path: `${WHEN}.values[0]`, word: 'ip' },
  { kind: 'AuthorizationPolicy', name: 'destination.port value that is not a port', spec: when({ key: 'destination.port', notValues: ['x'] }), path: `${WHEN}.notValues[0]`, word: 'bad port' },
  { kind: 'AuthorizationPolicy', name: 'target kind not allowed', spec: { targetRef: { kind: 'Deployment', name: 'web' } }, path: 'spec.targetRef.kind', word: 'one of' },
  { kind: 'AuthorizationPolicy', name: 'seventeen targetRefs', spec: { targetRefs: Array.from({ length: 17 }, (_, i) => ({ kind: 'Service', name: `s${i}` })) }, path: 'spec.targetRefs', word: '16' },
  { kind: 'AuthorizationPolicy', name: 'selector and targetRefs', spec: { selector, targetRefs: [{ kind: 'Service', name: 'web' }] }, path: 'spec.targetRefs', word: 'only one of targetrefs or selector' },
  // RequestAuthentication
  { kind: 'RequestAuthentication', name: 'ftp JWKS URL', spec: jwt({ jwksUri: 'ftp://example.com/keys' }), path: `${JWT}.jwksUri`, word: 'scheme' },
  { kind: 'RequestAuthentication', name: 'JWKS URL without scheme', spec: jwt({ jwksUri: 'example.com/keys' }), path: `${JWT}.jwksUri`, word: 'scheme' },
  { kind: 'RequestAuthentication', name: 'both jwks and jwksUri', spec: jwt({ jwksUri: 'https://a.com/k', jwks: '{"keys":[]}' }), path: `${JWT}.jwksUri`, word: 'only one of jwks or jwksuri' },
  { kind: 'RequestAuthentication', name: 'jwks that is not JSON', spec: jwt({ jwks: 'not json' }), path: `${JWT}.jwks`, word: 'jwks parse error' },
  { kind: 'RequestAuthentication', name: 'jwks with an unknown key type', spec: jwt({ jwks: '{"keys":[{"kty":"XYZ"}]}' }), path: `${JWT}.jwks`, word: 'key type' },
  { kind: 'RequestAuthentication', name: 'rule without issuer or jwksUri', spec: { jwtRules: [{ audiences: ['a'] }] }, path: `${JWT}.issuer`, word: 'issuer or jwksuri' },
  { kind: 'RequestAuthentication', name: 'empty issuer', spec: { jwtRules: [{ issuer: '' }] }, path: `${JWT}.issuer`, word: 'must not be empty' },
  { kind: 'RequestAuthentication', name: 'timeout under 1ms', spec: jwt({ timeout: '500us' }), path: `${JWT}.timeout`, word: 'at least 1ms' },
  { kind: 'RequestAuthentication', name: 'timeout finer than a millisecond', spec: jwt({ timeout: '1500us' }), path: `${JWT}.timeout`, word: 'millisecond precision' },
  { kind: 'RequestAuthentication', name: 'claim header with an underscore', spec: jwt({ outputClaimToHeaders: [{ header: 'x_user', claim: 'sub' }] }), path: `${JWT}.outputClaimToHeaders[0].header`, word: 'should match' },
  { kind: 'RequestAuthentication', name: 'sixty-five space-delimited claims', spec: jwt({ spaceDelimitedClaims: Array.from({ length: 65 }, (_, i) => `c${i}`) }), path: `${JWT}.spaceDelimitedClaims`, word: '64' },
  { kind: 'RequestAuthentication', name: 'target namespace', spec: { targetRefs: [{ kind: 'Service', name: 'web', namespace: 'other' }] }, path: 'spec.targetRefs[0].namespace', word: 'cross namespace' },
];

describe('security kinds: invalid specs', () => {
  it.each(INVALID)('$kind: refuses $name at $path', ({ kind, spec, path, word }) => {
    const errs = errors(validate(kind, spec));
    expect(errs.map((c) => c.path)).toContain(path);
    expect(errs.filter((c) => c.path === path).some((c) => c.message.toLowerCase().includes(word.toLowerCase())), JSON.stringify(errs)).toBe(true);
  });
});

describe('security kinds: specs Istio accepts', () => {
  const VALID: { kind: SecurityKind; name: string; spec: Record<string, unknown> }[] = [
    { kind: 'PeerAuthentication', name: 'port key with a leading zero', spec: { selector, portLevelMtls: { '080': { mode: 'DISABLE' } } } },
    { kind: 'PeerAuthentication', name: 'UNSET mode', spec: { mtls: { mode: 'UNSET' } } },
    { kind: 'AuthorizationPolicy', name: 'empty rule with DENY', spec: { action: 'DENY', rules: [{}] } },
    { kind: 'AuthorizationPolicy', name: 'CUSTOM with provider and an empty rule', spec: { action: 'CUSTOM', provider: { name: 'ext' }, rules: [{}] } },
    { kind: 'AuthorizationPolicy', name: 'no rules with ALLOW (denies all)', spec: {} },
    { kind: 'AuthorizationPolicy', name: 'port 0 and IPv6 blocks', spec: { rules: [{ from: [{ source: { ipBlocks: ['2001:db8::/32'] } }], to: [{ operation: { ports: ['0'] } }] }] } },
    { kind: 'AuthorizationPolicy', name: 'serviceAccounts alone, with trust domains', spec: rule({ serviceAccounts: ['ns/sa', 'sa'], trustDomains: ['td'] }) },
    { kind: 'AuthorizationPolicy', name: 'source.serviceAccount and inline header conditions', spec: { rules: [{ when: [{ key: 'source.serviceAccount', values: ['ns/sa'] }, { key: 'request.experimental.inline.headers[x-a]', notValues: ['b'] }] }] } },
    { kind: 'AuthorizationPolicy', name: 'targetRef to a Gateway', spec: { targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' } } },
    { kind: 'RequestAuthentication', name: 'jwksUri only, with a port', spec: { jwtRules: [{ jwksUri: 'HTTP://keys.example.com:8080/jwks' }] } },
    { kind: 'RequestAuthentication', name: 'inline JWK set', spec: jwt({ jwks: '{"keys":[{"kty":"RSA","e":"AQAB","n":"abc"}]}', presence: 'OPTIONAL' }) },
    { kind: 'RequestAuthentication', name: 'targetRef to a ServiceEntry', spec: { targetRef: { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'se' } } },
  ];
  it.each(VALID)('$kind: accepts $name', ({ kind, spec }) => {
    expect(errors(validate(kind, spec))).toEqual([]);
  });

  it('accepts jwks_uri with a deprecation warning', () => {
    const checks = validate('RequestAuthentication', jwt({ jwks_uri: 'https://a.com/k' }));
    expect(errors(checks)).toEqual([]);
    expect(checks.map((c) => [c.level, c.path])).toEqual([['Warning', `${JWT}.jwks_uri`]]);
    expect(checks[0]?.message).toContain('jwksUri');
  });
});

describeCorpus("security kinds: Istio's corpus", () => {
  for (const file of ['peerauth', 'authz', 'reqauth']) {
    for (const { doc, name } of corpusDocs(`validation/crds/${file}-valid.yaml`)) {
      it(`accepts ${file}-valid ${name}`, () => expect(validateDocuments([doc]).checks).toEqual([]));
    }
    for (const { doc, name, err } of corpusDocs(`validation/crds/${file}-invalid.yaml`)) {
      it(`refuses ${file}-invalid ${name} (${err})`, () => expectRefusedLikeIstio(validateDocuments([doc]).checks, err ?? ''));
    }
  }
  const dataset = ['v1', 'v1beta1'].flatMap((v) => ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'].map((k) => `validation/dataset/security-${v}-${k}.yaml`));
  it.each(dataset)('accepts %s', (file) => {
    const docs = corpusDocs(file);
    expect(docs.length).toBe(1);
    for (const { doc } of docs) expect(validateDocuments([doc]).checks).toEqual([]);
  });
});
