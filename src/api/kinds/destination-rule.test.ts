import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';
import { errorsOf, specDoc, validateYaml, type InvalidCase } from '../../../test/support/validate.js';
import { corpusPath } from '../../../test/support/corpus.js';
import { describeCorpus } from '../../../test/support/corpus-suite.js';

const dr = (spec: string) => specDoc('networking.istio.io/v1', 'DestinationRule', spec, 'reviews');
/** A DestinationRule for host `r` whose trafficPolicy is `policy`. */
const tp = (policy: string) => dr(`host: r\ntrafficPolicy:\n${policy.replace(/^/gm, '  ')}`);

type Case = InvalidCase;

const invalid: Case[] = [
  { name: 'missing host', yaml: dr('subsets: [{name: v1}]'), path: 'spec.host', reason: /required/ },
  { name: 'host with bad label', yaml: dr('host: "bad_host.example.com"'), path: 'spec.host', reason: /invalid host/ },
  { name: 'host with all-numeric top-level domain', yaml: dr('host: "example.123"'), path: 'spec.host', reason: /all-numeric|all numeric/ },
  { name: 'empty traffic policy', yaml: dr('host: r\ntrafficPolicy: {}'), path: 'spec.trafficPolicy', reason: /at least one field/ },
  { name: 'simple and consistentHash together', yaml: tp('loadBalancer:\n  simple: ROUND_ROBIN\n  consistentHash: {useSourceIp: true}'), path: 'spec.trafficPolicy.loadBalancer', reason: /only one of simple, consistentHash/ },
  { name: 'unknown simple load balancer', yaml: tp('loadBalancer: {simple: FASTEST}'), path: 'spec.trafficPolicy.loadBalancer.simple', reason: /unsupported value "FASTEST"/ },
  { name: 'two hash keys', yaml: tp('loadBalancer:\n  consistentHash: {httpHeaderName: x-user, useSourceIp: true}'), path: 'spec.trafficPolicy.loadBalancer.consistentHash', reason: /only one of httpHeaderName/ },
  { name: 'cookie without name', yaml: tp('loadBalancer:\n  consistentHash:\n    httpCookie: {ttl: 0s}'), path: 'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name', reason: /required/ },
  { name: 'maglev table size not prime', yaml: tp('loadBalancer:\n  consistentHash:\n    useSourceIp: true\n    maglev: {tableSize: 1000}'), path: 'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize', reason: /prime/ },
  { name: 'maglev table size too large', yaml: tp('loadBalancer:\n  consistentHash:\n    maglev: {tableSize: 5000011}'), path: 'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize', reason: /less than 5000011/ },
  { name: 'deprecated ring size beside ringHash', yaml: tp('loadBalancer:\n  consistentHash:\n    minimumRingSize: 1024\n    ringHash: {minimumRingSize: 1024}'), path: 'spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize', reason: /only one of minimumRingSize/ },
  { name: 'warmup percent above 100', yaml: tp('loadBalancer:\n  warmup: {duration: 300s, minimumPercent: 150}'), path: 'spec.trafficPolicy.loadBalancer.warmup.minimumPercent', reason: /range/ },
  { name: 'warmup aggression below 1', yaml: tp('loadBalancer:\n  warmup: {duration: 300s, aggression: 0.5}'), path: 'spec.trafficPolicy.loadBalancer.warmup.aggression', reason: /at least 1/ },
  { name: 'locality distribute and failover', yaml: tp('loadBalancer:\n  localityLbSetting:\n    distribute:\n    - {from: us-west/*, to: {"us-west/*": 100}}\n    failover:\n    - {from: us-east, to: eu-west}'), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.failover', reason: /both 'distribute' and 'failover'/ },
  { name: 'locality weights not totalling 100', yaml: tp('loadBalancer:\n  localityLbSetting:\n    distribute:\n    - {from: us-west/*, to: {"us-west/zone1/*": 60, "us-west/zone2/*": 30}}'), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to', reason: /must be 100/ },
  { name: 'locality failover to the same region', yaml: tp('loadBalancer:\n  localityLbSetting:\n    failover:\n    - {from: us-east, to: us-east}'), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]', reason: /different region/ },
  { name: 'connection pool without tcp or http', yaml: tp('connectionPool: {}'), path: 'spec.trafficPolicy.connectionPool', reason: /at least one of tcp or http/ },
  { name: 'negative max connections', yaml: tp('connectionPool:\n  tcp: {maxConnections: -1}'), path: 'spec.trafficPolicy.connectionPool.tcp.maxConnections', reason: /negative/ },
  { name: 'connect timeout below 1ms', yaml: tp('connectionPool:\n  tcp: {connectTimeout: 0s}'), path: 'spec.trafficPolicy.connectionPool.tcp.connectTimeout', reason: /at least 1ms/ },
  { name: 'idle timeout finer than a millisecond', yaml: tp('connectionPool:\n  http: {idleTimeout: 1.5ms}'), path: 'spec.trafficPolicy.connectionPool.http.idleTimeout', reason: /millisecond precision/ },
  { name: 'UPGRADE with useClientProtocol', yaml: tp('connectionPool:\n  http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}'), path: 'spec.trafficPolicy.connectionPool.http.useClientProtocol', reason: /UPGRADE/ },
  { name: 'misspelled http pool field', yaml: tp('connectionPool:\n  http: {http1MaxPendingRequest: 1}'), path: 'spec.trafficPolicy.connectionPool.http.http1MaxPendingRequest', reason: /did you mean "http1MaxPendingRequests"/ },
  { name: 'max ejection percent above 100', yaml: tp('outlierDetection: {maxEjectionPercent: 101}'), path: 'spec.trafficPolicy.outlierDetection.maxEjectionPercent', reason: /0\.\.100/ },
  { name: 'local origin failures without split', yaml: tp('outlierDetection: {consecutiveLocalOriginFailures: 5}'), path: 'spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures', reason: /splitExternalLocalOriginErrors/ },
  { name: 'outlier interval not a duration', yaml: tp('outlierDetection: {interval: 5 minutes}'), path: 'spec.trafficPolicy.outlierDetection.interval', reason: /invalid duration/ },
  { name: 'MUTUAL TLS without client certificate', yaml: tp('tls: {mode: MUTUAL, privateKey: /k.pem}'), path: 'spec.trafficPolicy.tls.clientCertificate', reason: /client certificate is required/ },
  { name: 'credentialName with file certificates', yaml: tp('tls: {mode: SIMPLE, credentialName: c, caCertificates: /ca.pem}'), path: 'spec.trafficPolicy.tls.credentialName', reason: /cannot set/ },
  { name: 'insecureSkipVerify with CA', yaml: tp('tls: {mode: SIMPLE, insecureSkipVerify: true, caCertificates: /ca.pem}'), path: 'spec.trafficPolicy.tls.insecureSkipVerify', reason: /insecureSkipVerify/ },
  { name: 'unknown TLS mode', yaml: tp('tls: {mode: STRICT}'), path: 'spec.trafficPolicy.tls.mode', reason: /unsupported value "STRICT"/ },
  { name: 'tunnel with proxyProtocol', yaml: tp('tunnel: {targetHost: a.com, targetPort: 80}\nproxyProtocol: {version: V1}'), path: 'spec.trafficPolicy.proxyProtocol', reason: /cannot be set together/ },
  { name: 'tunnel protocol', yaml: tp('tunnel: {protocol: GET, targetHost: a.com, targetPort: 80}'), path: 'spec.trafficPolicy.tunnel.protocol', reason: /CONNECT/ },
  { name: 'tunnel target port', yaml: tp('tunnel: {targetHost: a.com, targetPort: 70000}'), path: 'spec.trafficPolicy.tunnel.targetPort', reason: /1\.\.65535/ },
  { name: 'tunnel target host', yaml: tp('tunnel: {targetHost: "*.a.com", targetPort: 80}'), path: 'spec.trafficPolicy.tunnel.targetHost', reason: /FQDN or IP/ },
  { name: 'port-level policy without a port', yaml: tp('portLevelSettings:\n- loadBalancer: {simple: RANDOM}'), path: 'spec.trafficPolicy.portLevelSettings[0].port', reason: /must name its port/ },
  { name: 'port-level policy with only a port', yaml: tp('portLevelSettings:\n- port: {number: 80}'), path: 'spec.trafficPolicy.portLevelSettings[0]', reason: /at least one of/ },
  { name: 'duplicate subset names', yaml: dr('host: r\nsubsets:\n- {name: v1, labels: {version: v1}}\n- {name: v1, labels: {version: v2}}'), path: 'spec.subsets[1].name', reason: /duplicate subset name/ },
  { name: 'subset name not a DNS label', yaml: dr('host: r\nsubsets:\n- {name: v1_0}'), path: 'spec.subsets[0].name', reason: /invalid subset name/ },
  { name: 'subset label value invalid', yaml: dr('host: r\nsubsets:\n- {name: v1, labels: {version: "v1!"}}'), path: 'spec.subsets[0].labels.version', reason: /invalid label value/ },
  { name: 'empty subset traffic policy', yaml: dr('host: r\nsubsets:\n- {name: v1, trafficPolicy: {}}'), path: 'spec.subsets[0].trafficPolicy', reason: /at least one field/ },
  { name: 'wildcard in workload selector', yaml: dr('host: r\nworkloadSelector: {matchLabels: {app: "rev*"}}'), path: 'spec.workloadSelector.matchLabels.app', reason: /wildcard/ },
  { name: 'exportTo * mixed with others', yaml: dr('host: r\nexportTo: ["*", ns1]'), path: 'spec.exportTo', reason: /public/ },
  { name: 'exportTo duplicates', yaml: dr('host: r\nexportTo: [ns1, ns1]'), path: 'spec.exportTo[1]', reason: /duplicate/ },
  { name: 'workload selector exported elsewhere', yaml: dr('host: r\nworkloadSelector: {matchLabels: {app: r}}\nexportTo: [other]'), path: 'spec.exportTo', reason: /own namespace/ },
];

describe('DestinationRule validation', () => {
  it.each(invalid)('refuses $name at $path', ({ yaml, path, reason }) => {
    const errors = errorsOf(yaml);
    const hit = errors.find((e) => e.path === path && reason.test(e.message));
    expect(hit, `no matching error at ${path}; got ${JSON.stringify(errors.map((e) => [e.path, e.message]))}`).toBeDefined();
    expect(hit?.resource).toEqual({ kind: 'DestinationRule', namespace: 'default', name: 'reviews' });
  });

  it('accepts a rule that uses every part of the API', () => {
    const policy = `loadBalancer:
  consistentHash:
    httpCookie: {name: user, path: /, ttl: 0s, attributes: [{name: SameSite, value: Strict}, {name: Secure}]}
    maglev: {tableSize: 65537}
  localityLbSetting:
    enabled: true
    distribute:
    - {from: us-west/zone1/*, to: {"us-west/zone1/*": 80, "us-west/zone2/*": 20}}
  warmup: {duration: 60s, minimumPercent: 10, aggression: 1.5}
connectionPool:
  tcp: {maxConnections: 100, connectTimeout: 30ms, maxConnectionDuration: 1h, idleTimeout: 0s, tcpKeepalive: {probes: 3, time: 7200s, interval: 75s}}
  http: {http1MaxPendingRequests: 1, http2MaxRequests: 1000, maxRequestsPerConnection: 10, maxRetries: 3, idleTimeout: 90s, h2UpgradePolicy: UPGRADE, maxConcurrentStreams: 100, http2KeepAlive: {interval: 15s, timeout: 5s}}
outlierDetection: {consecutive5xxErrors: 7, consecutiveGatewayErrors: null, splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 3, interval: 5m, baseEjectionTime: 15m, maxEjectionPercent: 100, minHealthPercent: 0}
tls: {mode: MUTUAL, credentialName: client-cred, sni: r.example.com, subjectAltNames: [spiffe://cluster.local/ns/default/sa/r]}
retryBudget: {percent: 20, minRetryConcurrency: 3}
portLevelSettings:
- port: {number: 9080}
  loadBalancer: {simple: LEAST_REQUEST}
- port: {number: 443}
  tls: {mode: SIMPLE, insecureSkipVerify: true}
tunnel: {protocol: CONNECT, targetHost: 10.0.0.1, targetPort: 8443}`;
    const yaml = dr(`host: "*.Example.com"\ntrafficPolicy:\n${policy.replace(/^/gm, '  ')}\nsubsets:\n- name: V1\n  labels: {version: v1, app.kubernetes.io/name: r}\n  trafficPolicy:\n    loadBalancer: {simple: ROUND_ROBIN}\nexportTo: [".", other]\n`);
    const { checks, kinds } = validateYaml(yaml);
    expect(checks).toEqual([]);
    expect(kinds).toEqual(['DestinationRule']);
  });

  it('warns about deprecated fields and still accepts them', () => {
    const { checks, kinds } = validateYaml(tp('loadBalancer:\n  warmupDurationSecs: 30s\n  consistentHash: {httpHeaderName: x-user, minimumRingSize: 1024}\noutlierDetection: {consecutiveErrors: 5}'));
    expect(kinds).toEqual(['DestinationRule']);
    expect(checks.map((c) => [c.level, c.code, c.path])).toEqual([
      ['Warning', 'IST0002', 'spec.trafficPolicy.loadBalancer.warmupDurationSecs'],
      ['Warning', 'IST0002', 'spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize'],
      ['Warning', 'IST0002', 'spec.trafficPolicy.outlierDetection.consecutiveErrors'],
    ]);
  });

  it('takes "." and the rule\'s own namespace as the same exportTo entry', () => {
    const yaml = dr('host: r\nexportTo: [".", shop]').replace('name: reviews', 'name: reviews\n  namespace: shop');
    expect(errorsOf(yaml).map((e) => [e.path, e.message])).toEqual([['spec.exportTo[1]', 'duplicate exportTo entry "shop"']]);
  });
});

interface CorpusDoc {
  label: string;
  err: string | undefined;
  yaml: string;
}

/** Documents of one kind of a corpus file, `_err` (Istio's reason, not part of the resource) split off. */
function corpusDocs(kind: string, ...files: string[]): CorpusDoc[] {
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).flatMap((d, i) => {
      const value = d.toJS() as Record<string, unknown> | null;
      if (!value || value.kind !== kind) return [];
      const { _err, ...rest } = value;
      return [{ label: `${file.split('/').slice(-2).join('/')}#${i}`, err: typeof _err === 'string' ? _err : undefined, yaml: stringify(rest) }];
    }),
  );
}


const samples = ['bookinfo/networking/destination-rule-all.yaml', 'bookinfo/networking/destination-rule-all-mtls.yaml', 'bookinfo/networking/destination-rule-reviews.yaml', 'bookinfo/networking/egress-rule-google-apis.yaml', 'tcp-echo/tcp-echo-all-v1.yaml', 'websockets/route.yaml'];
describeCorpus('DestinationRule against Istio\'s corpus', () => {
  const valid = corpusDocs(
    'DestinationRule',
    ...['v1', 'v1beta1', 'v1alpha3'].map((v) => corpusPath('validation', 'dataset', `networking-${v}-DestinationRule.yaml`)),
    corpusPath('validation', 'crds', 'destinationrule-valid.yaml'),
    ...samples.map((s) => corpusPath('samples', s)),
  );
  const refused = corpusDocs('DestinationRule', corpusPath('validation', 'crds', 'destinationrule-invalid.yaml'));

  it('finds the corpus documents', () => {
    expect(valid.length).toBeGreaterThanOrEqual(12);
    expect(refused.length).toBe(3);
  });

  it.each(valid.map((d) => [d.label, d] as const))('accepts %s', (_, doc) => {
    expect(errorsOf(doc.yaml).map((e) => `${e.path}: ${e.message}`)).toEqual([]);
  });

  it.each(refused.map((d) => [`${d.label}: ${d.err}`, d] as const))('refuses %s', (_, doc) => {
    const path = /^([\w.[\]]+):/.exec(doc.err ?? '')?.[1];
    expect(path).toBeDefined();
    expect(errorsOf(doc.yaml).map((e) => e.path)).toContain(path);
  });
});
