import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';
import { errorsOf, specDoc, validateYaml, type InvalidCase } from '../../../test/support/validate.js';
import { corpusPath } from '../../../test/support/corpus.js';
import { describeCorpus } from '../../../test/support/corpus-suite.js';

const gw = (spec: string, name = 'ingress') => specDoc('networking.istio.io/v1', 'Gateway', spec, name);
/** A Gateway with one server: `server` is its YAML, indented under `- `. */
const server = (body: string) => gw(`selector: {istio: ingressgateway}\nservers:\n- ${body.replace(/\n/g, '\n  ')}`);
const http = (extra = '') => server(`port: {number: 80, name: http, protocol: HTTP}\nhosts: ["*.example.com"]${extra ? `\n${extra}` : ''}`);
const https = (tls: string) => server(`port: {number: 443, name: https, protocol: HTTPS}\nhosts: [bookinfo.example.com]\ntls: ${tls}`);

type Case = InvalidCase;

const invalid: Case[] = [
  { name: 'no servers', yaml: gw('selector: {istio: ingressgateway}'), path: 'spec.servers', reason: /at least one server/ },
  { name: 'server without hosts', yaml: server('port: {number: 80, name: http, protocol: HTTP}\nhosts: []'), path: 'spec.servers[0].hosts', reason: /at least one host/ },
  { name: 'server missing port', yaml: server('hosts: ["*"]'), path: 'spec.servers[0].port', reason: /required/ },
  { name: 'port missing name', yaml: server('port: {number: 80, protocol: HTTP}\nhosts: ["*"]'), path: 'spec.servers[0].port.name', reason: /required/ },
  { name: 'unsupported protocol', yaml: server('port: {number: 80, name: http, protocol: QUIC}\nhosts: ["*"]'), path: 'spec.servers[0].port.protocol', reason: /unsupported protocol "QUIC"/ },
  { name: 'port number out of range', yaml: server('port: {number: 70000, name: http, protocol: HTTP}\nhosts: ["*"]'), path: 'spec.servers[0].port.number', reason: /1\.\.65535/ },
  { name: 'targetPort set', yaml: server('port: {number: 80, name: http, protocol: HTTP, targetPort: 8080}\nhosts: ["*"]'), path: 'spec.servers[0].port.targetPort', reason: /no effect/ },
  { name: 'short host name', yaml: server('port: {number: 80, name: http, protocol: HTTP}\nhosts: [reviews]'), path: 'spec.servers[0].hosts[0]', reason: /short name/ },
  { name: 'partial wildcard host', yaml: server('port: {number: 80, name: http, protocol: HTTP}\nhosts: ["*bar.example.com"]'), path: 'spec.servers[0].hosts[0]', reason: /partial wildcard/ },
  { name: 'bad namespace in host', yaml: server('port: {number: 80, name: http, protocol: HTTP}\nhosts: ["my_ns/a.example.com"]'), path: 'spec.servers[0].hosts[0]', reason: /invalid namespace "my_ns"/ },
  { name: '~ namespace in host', yaml: server('port: {number: 80, name: http, protocol: HTTP}\nhosts: ["~/a.example.com"]'), path: 'spec.servers[0].hosts[0]', reason: /invalid namespace "~"/ },
  { name: 'bind not an IP', yaml: http('bind: localhost'), path: 'spec.servers[0].bind', reason: /not a valid IP/ },
  { name: 'unix bind with a port number', yaml: http('bind: unix:///var/run/gw.sock'), path: 'spec.servers[0].port.number', reason: /must be 0/ },
  { name: 'HTTPS server without tls', yaml: server('port: {number: 443, name: https, protocol: HTTPS}\nhosts: ["*"]'), path: 'spec.servers[0].tls', reason: /must have TLS settings/ },
  { name: 'HTTP server with certificates', yaml: http('tls: {mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem}'), path: 'spec.servers[0].tls', reason: /plain text HTTP/ },
  { name: 'TCP server with tls', yaml: server('port: {number: 31400, name: tcp, protocol: TCP}\nhosts: ["*"]\ntls: {httpsRedirect: true}'), path: 'spec.servers[0].tls', reason: /non HTTPS\/TLS/ },
  { name: 'SIMPLE without certificate', yaml: https('{mode: SIMPLE, privateKey: /k.pem}'), path: 'spec.servers[0].tls.serverCertificate', reason: /requires a server certificate/ },
  { name: 'MUTUAL without CA bundle', yaml: https('{mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem}'), path: 'spec.servers[0].tls.caCertificates', reason: /client CA bundle/ },
  { name: 'ISTIO_MUTUAL with credentialName', yaml: https('{mode: ISTIO_MUTUAL, credentialName: cert}'), path: 'spec.servers[0].tls.credentialName', reason: /ISTIO_MUTUAL/ },
  { name: 'credentialName and credentialNames', yaml: https('{mode: SIMPLE, credentialName: a, credentialNames: [b]}'), path: 'spec.servers[0].tls.credentialNames', reason: /only one of credentialName or credentialNames/ },
  { name: 'three credentialNames', yaml: https('{mode: SIMPLE, credentialNames: [a, b, c]}'), path: 'spec.servers[0].tls.credentialNames', reason: /1 or 2/ },
  { name: 'two certificate sources', yaml: https('{mode: SIMPLE, credentialName: a, serverCertificate: /c.pem, privateKey: /k.pem}'), path: 'spec.servers[0].tls', reason: /only one of credentialName/ },
  { name: 'tlsCertificates entry without key', yaml: https('{mode: SIMPLE, tlsCertificates: [{serverCertificate: /c.pem}]}'), path: 'spec.servers[0].tls.tlsCertificates[0].privateKey', reason: /private key/ },
  { name: 'CRL with SIMPLE', yaml: https('{mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem, caCrl: /crl.pem}'), path: 'spec.servers[0].tls.caCrl', reason: /SIMPLE/ },
  { name: 'unknown TLS version', yaml: https('{mode: SIMPLE, credentialName: a, minProtocolVersion: TLSV1_4}'), path: 'spec.servers[0].tls.minProtocolVersion', reason: /unsupported value "TLSV1_4"/ },
  { name: 'duplicate port names', yaml: gw('servers:\n- port: {number: 80, name: web, protocol: HTTP}\n  hosts: ["*"]\n- port: {number: 8080, name: web, protocol: HTTP}\n  hosts: ["*"]'), path: 'spec.servers[1].port.name', reason: /unique/ },
  { name: 'misspelled server field', yaml: http('host: ["*"]'), path: 'spec.servers[0].host', reason: /did you mean "hosts"/ },
  { name: 'gateway name with a dot', yaml: gw('servers:\n- port: {number: 80, name: http, protocol: HTTP}\n  hosts: ["*"]', 'my.gateway'), path: 'metadata.name', reason: /DNS label/ },
];

describe('Gateway validation', () => {
  it.each(invalid)('refuses $name at $path', ({ yaml, path, reason }) => {
    const errors = errorsOf(yaml);
    const hit = errors.find((e) => e.path === path && reason.test(e.message));
    expect(hit, `no matching error at ${path}; got ${JSON.stringify(errors.map((e) => [e.path, e.message]))}`).toBeDefined();
    expect(hit?.resource?.kind).toBe('Gateway');
  });

  it('accepts servers of every kind', () => {
    const yaml = gw(`selector: {istio: ingressgateway}
servers:
- port: {number: 80, name: http, protocol: http}
  hosts: ["./*.example.com", "*/reviews.example.com", "10.0.0.1"]
  tls: {httpsRedirect: true}
- port: {number: 443, name: https, protocol: HTTPS}
  name: main-https
  hosts: ["*"]
  tls: {mode: SIMPLE, credentialNames: [rsa-cert, ecdsa-cert], minProtocolVersion: TLSV1_2, cipherSuites: [ECDHE-RSA-AES256-GCM-SHA384]}
- port: {number: 8443, name: mtls, protocol: HTTPS}
  hosts: [mtls.example.com]
  tls: {mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem, caCertificates: /ca.pem, caCrl: /crl.pem, subjectAltNames: [a], verifyCertificateSpki: [x], verifyCertificateHash: [y]}
- port: {number: 8444, name: two-certs, protocol: HTTPS}
  hosts: [two.example.com]
  tls: {mode: OPTIONAL_MUTUAL, caCertificates: /ca.pem, tlsCertificates: [{serverCertificate: /rsa.pem, privateKey: /rsa.key}, {serverCertificate: /ec.pem, privateKey: /ec.key}]}
- port: {number: 15443, name: tls, protocol: TLS}
  hosts: ["*.local"]
  tls: {mode: AUTO_PASSTHROUGH}
- port: {number: 15012, name: istiod, protocol: TLS}
  hosts: ["*"]
  tls: {mode: ISTIO_MUTUAL}
- port: {number: 0, name: uds, protocol: HTTP}
  bind: unix:///var/run/gw.sock
  hosts: ["*"]`);
    const { checks, kinds } = validateYaml(yaml);
    expect(checks).toEqual([]);
    expect(kinds).toEqual(['Gateway']);
  });

  it('warns about targetPort, which is deprecated', () => {
    const { checks } = validateYaml(http().replace('protocol: HTTP}', 'protocol: HTTP, targetPort: 0}'));
    expect(checks.map((c) => [c.level, c.path])).toEqual([['Warning', 'spec.servers[0].port.targetPort']]);
  });
});

function corpusDocs(kind: string, ...files: string[]): { label: string; yaml: string }[] {
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).flatMap((d, i) => {
      const value = d.toJS() as Record<string, unknown> | null;
      if (!value || value.kind !== kind) return [];
      const { _err: _ignored, ...rest } = value;
      return [{ label: `${file.split('/').slice(-2).join('/')}#${i}`, yaml: stringify(rest) }];
    }),
  );
}

const samples = ['bookinfo/networking/bookinfo-gateway.yaml', 'bookinfo/networking/certmanager-gateway.yaml', 'httpbin/httpbin-gateway.yaml', 'helloworld/helloworld-gateway.yaml', 'tcp-echo/tcp-echo-all-v1.yaml', 'websockets/route.yaml'];
describeCorpus('Gateway against Istio\'s corpus', () => {
  const valid = corpusDocs(
    'Gateway',
    ...['v1', 'v1beta1', 'v1alpha3'].map((v) => corpusPath('validation', 'dataset', `networking-${v}-Gateway.yaml`)),
    ...samples.map((s) => corpusPath('samples', s)),
  );

  it('finds the corpus documents', () => expect(valid.length).toBeGreaterThanOrEqual(8));

  it.each(valid.map((d) => [d.label, d] as const))('accepts %s', (_, doc) => {
    expect(errorsOf(doc.yaml).map((e) => `${e.path}: ${e.message}`)).toEqual([]);
  });
});
