import { corpusDocs, errors, expectRefusedLikeIstio as expectRefusedAsIstio } from '../../../test/support/corpus-docs.js';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { formatPath, loadText, validateDocuments, type Check } from '../index.js';
import { describeCorpus } from '../../../test/support/corpus-suite.js';

const expectRefusedLikeIstio = expectRefusedAsIstio;

function validate(kind: string, spec: unknown, apiVersion = 'networking.istio.io/v1'): Check[] {
  const { documents, checks } = loadText(stringify({ apiVersion, kind, metadata: { name: 'x', namespace: 'ns' }, spec }), 'case.yaml');
  return [...checks, ...validateDocuments(documents).checks];
}




const http = { number: 80, name: 'http', protocol: 'HTTP' };

// Each case: a spec Istio refuses, the exact field path tack reports, and a word of the reason.
const INVALID: { name: string; spec: Record<string, unknown>; path: string; word: string }[] = [
  { name: 'no hosts', spec: { hosts: [] }, path: 'spec.hosts', word: 'at least one host' },
  { name: 'bare wildcard host', spec: { hosts: ['*'] }, path: 'spec.hosts[0]', word: 'wildcard' },
  { name: 'wildcard inside a label (Istio test TODO)', spec: { hosts: ['foo*'] }, path: 'spec.hosts[0]', word: 'invalid host' },
  { name: 'all-numeric top-level domain', spec: { hosts: ['example.123'] }, path: 'spec.hosts[0]', word: 'numeric' },
  { name: 'prefix length above 32 (Istio test TODO)', spec: { hosts: ['a.com'], addresses: ['1.2.3.4/99'] }, path: 'spec.addresses[0]', word: 'cidr' },
  { name: 'IPv4 field with a leading zero', spec: { hosts: ['a.com'], addresses: ['01.2.3.4'] }, path: 'spec.addresses[0]', word: 'leading zero' },
  { name: 'wildcard selector key (Istio test TODO)', spec: { hosts: ['a.com'], workloadSelector: { labels: { '*': 'val' } } }, path: formatPath(['spec', 'workloadSelector', 'labels', '*']), word: 'wildcard' },
  { name: 'unknown protocol', spec: { hosts: ['a.com'], ports: [{ number: 80, name: 'p', protocol: 'QUIC' }] }, path: 'spec.ports[0].protocol', word: 'unsupported protocol' },
  { name: 'port name with underscore', spec: { hosts: ['a.com'], ports: [{ number: 80, name: 'a_b' }] }, path: 'spec.ports[0].name', word: 'port name' },
  { name: 'port without name', spec: { hosts: ['a.com'], ports: [{ number: 80 }] }, path: 'spec.ports[0].name', word: 'required' },
  { name: 'targetPort 0', spec: { hosts: ['a.com'], ports: [{ number: 80, name: 'p', targetPort: 0 }] }, path: 'spec.ports[0].targetPort', word: '1-65535' },
  { name: 'unknown resolution', spec: { hosts: ['a.com'], resolution: 'DNS_RR' }, path: 'spec.resolution', word: 'unsupported value' },
  { name: 'unknown location', spec: { hosts: ['a.com'], location: 'EXTERNAL' }, path: 'spec.location', word: 'unsupported value' },
  { name: 'STATIC endpoint with a DNS name', spec: { hosts: ['a.com'], resolution: 'STATIC', ports: [http], endpoints: [{ address: 'b.com' }] }, path: 'spec.endpoints[0].address', word: 'not a valid ip' },
  { name: 'endpoint port missing from service ports', spec: { hosts: ['a.com'], resolution: 'STATIC', ports: [http], endpoints: [{ address: '1.1.1.1', ports: { grpc: 9000 } }] }, path: 'spec.endpoints[0].ports.grpc', word: 'not defined' },
  { name: 'unix endpoint with two service ports', spec: { hosts: ['a.com'], resolution: 'STATIC', ports: [http, { number: 81, name: 'h2', protocol: 'HTTP2' }], endpoints: [{ address: 'unix:///sock' }] }, path: 'spec.endpoints[0].address', word: 'exactly 1 service port' },
  { name: 'DNS endpoint that is neither IP nor name', spec: { hosts: ['a.com'], resolution: 'DNS', endpoints: [{ address: 'bad_host!' }] }, path: 'spec.endpoints[0].address', word: 'fqdn' },
  { name: 'DNS without endpoints and a wildcard host', spec: { hosts: ['*.a.com'], resolution: 'DNS' }, path: 'spec.hosts[0]', word: 'fqdn' },
  { name: 'several hosts with a TCP port', spec: { hosts: ['a.com', 'b.com'], resolution: 'DNS', ports: [{ number: 3306, name: 'tcp', protocol: 'TCP' }] }, path: 'spec.ports[0].protocol', word: 'multiple hosts' },
  { name: 'repeated exportTo entry', spec: { hosts: ['a.com'], exportTo: ['.', '.'] }, path: 'spec.exportTo[1]', word: 'duplicate' },
  { name: 'public and a namespace', spec: { hosts: ['a.com'], exportTo: ['*', 'ns1'] }, path: 'spec.exportTo', word: 'public' },
  { name: 'no one and a namespace', spec: { hosts: ['a.com'], exportTo: ['~', 'ns1'] }, path: 'spec.exportTo', word: 'no one' },
  { name: 'exportTo entry that is not a namespace', spec: { hosts: ['a.com'], exportTo: ['my_ns'] }, path: 'spec.exportTo[0]', word: 'exportto' },
  { name: 'misspelt field', spec: { host: ['a.com'], hosts: ['a.com'] }, path: 'spec.host', word: 'did you mean "hosts"' },
];

describe('ServiceEntry validation', () => {
  it.each(INVALID)('refuses $name at $path', ({ spec, path, word }) => {
    const errs = errors(validate('ServiceEntry', spec));
    expect(errs.map((c) => c.path)).toContain(path);
    expect(errs.filter((c) => c.path === path).some((c) => c.message.toLowerCase().includes(word.toLowerCase())), JSON.stringify(errs)).toBe(true);
  });

  const VALID: { name: string; spec: Record<string, unknown> }[] = [
    { name: 'partial wildcard host', spec: { hosts: ['*x'] } },
    { name: 'trailing-dot host and upper case', spec: { hosts: ['Example.COM.'] } },
    { name: 'IPv6 addresses and prefixes', spec: { hosts: ['a.com'], addresses: ['2001:db8::1', 'fe80::/10', '::ffff:1.2.3.4'] } },
    { name: 'lower-case protocol', spec: { hosts: ['a.com'], ports: [{ number: 22, name: 'tcp', protocol: 'tcp' }] } },
    { name: 'export to no one', spec: { hosts: ['a.com'], exportTo: ['~'] } },
    { name: 'several hosts with HTTP and TLS ports', spec: { hosts: ['a.com', 'b.com'], resolution: 'DNS', ports: [http, { number: 443, name: 'tls', protocol: 'TLS' }] } },
    { name: 'STATIC unix endpoint with one port', spec: { hosts: ['a.com'], resolution: 'STATIC', ports: [http], endpoints: [{ address: 'unix:///var/run/a.sock' }] } },
    { name: 'STATIC endpoint reached through a network gateway', spec: { hosts: ['a.com'], resolution: 'STATIC', ports: [http], endpoints: [{ network: 'net2', ports: { http: 8080 } }] } },
    { name: 'DNS_ROUND_ROBIN with one endpoint', spec: { hosts: ['*.a.com'], resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'lb.a.com' }] } },
    { name: 'CIDR with STATIC resolution', spec: { hosts: ['a.com'], addresses: ['10.0.0.0/8'], resolution: 'STATIC', endpoints: [{ address: '10.0.0.1' }] } },
  ];
  it.each(VALID)('accepts $name', ({ spec }) => {
    expect(errors(validate('ServiceEntry', spec))).toEqual([]);
  });
});

describeCorpus("ServiceEntry: Istio's corpus", () => {
  // `001:db8::` unquoted in a flow list: Go's YAML (Kubernetes) reads a string, the YAML 1.2 loader a
  // one-key mapping. The loader (src/api/yaml/load.ts) is not this kind's; the case fails until it changes.
  const LOADER_DIVERGES = new Set(['full']);
  for (const { doc, name } of corpusDocs('validation/crds/serviceentry-valid.yaml')) {
    (LOADER_DIVERGES.has(name) ? it.fails : it)(`accepts serviceentry-valid ${name}`, () => {
      expect(errors(validateDocuments([doc]).checks)).toEqual([]);
    });
  }
  it('accepts serviceentry-valid full once its IPv6 address is read as a string', () => {
    const full = corpusDocs('validation/crds/serviceentry-valid.yaml').find((d) => d.name === 'full');
    const spec = { ...((full?.doc.value as { spec: Record<string, unknown> }).spec), addresses: ['1.2.3.4', '001:db8::'] };
    expect(errors(validate('ServiceEntry', spec))).toEqual([]);
  });
  for (const { doc, name, err } of corpusDocs('validation/crds/serviceentry-invalid.yaml')) {
    it(`refuses serviceentry-invalid ${name} (${err})`, () => expectRefusedLikeIstio(validateDocuments([doc]).checks, err ?? ''));
  }
  const files = [
    'validation/dataset/networking-v1-ServiceEntry.yaml',
    'validation/dataset/networking-v1alpha3-ServiceEntry.yaml',
    'validation/dataset/networking-v1beta1-ServiceEntry.yaml',
    'samples/bookinfo/networking/egress-rule-google-apis.yaml',
    'samples/external/aptget.yaml',
    'samples/external/github.yaml',
    'samples/external/pypi.yaml',
  ];
  it.each(files)('accepts every ServiceEntry in %s', (file) => {
    const docs = corpusDocs(file).filter(({ doc }) => (doc.value as { kind?: string }).kind === 'ServiceEntry');
    expect(docs.length).toBeGreaterThan(0);
    for (const { doc } of docs) expect(validateDocuments([doc]).checks).toEqual([]);
  });
});
