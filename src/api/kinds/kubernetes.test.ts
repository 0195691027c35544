import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadText, validateDocuments } from '../index.js';
import { labelSelectorMatches } from './deployment.js';
import { corpusPath } from '../../../test/support/corpus.js';
import { describeCorpus } from '../../../test/support/corpus-suite.js';

const MY_KINDS = new Set(['Namespace', 'Service', 'ServiceAccount', 'Secret', 'ConfigMap', 'Pod', 'Deployment']);

/** Errors of validating `text` (YAML or JSON), keeping only documents of the Kubernetes kinds tested here. */
function errorsOf(text: string, file = 'test.yaml') {
  const loaded = loadText(text, file);
  expect(loaded.checks).toEqual([]);
  const docs = loaded.documents.filter((d) => MY_KINDS.has((d.value as { kind?: string }).kind ?? ''));
  const { resources, checks } = validateDocuments(docs);
  return { docs, resources, errors: checks.filter((c) => c.level === 'Error'), checks };
}

// Test documents are edited freely by path; their shape is checked by validation itself.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

const deployment = (): Doc => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web-v1', labels: { app: 'web', version: 'v1' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web', version: 'v1' } },
    template: {
      metadata: { labels: { app: 'web', version: 'v1' } },
      spec: {
        serviceAccountName: 'web',
        containers: [{ name: 'web', image: 'kong/httpbin', ports: [{ containerPort: 8080, name: 'http' }] }],
      },
    },
  },
});
const container = (d: Doc): Doc => d.spec.template.spec.containers[0];
const service = (): Doc => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
});
const pod = (): Doc => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'curlimages/curl', command: ['sleep', 'infinity'] }] } });

function edit(base: () => Doc, change: (d: Doc) => void): Doc {
  const d = base();
  change(d);
  return d;
}

describeCorpus('Istio sample manifests (Kubernetes kinds)', () => {
  const files = [
    'bookinfo/platform/kube/bookinfo.yaml',
    'bookinfo/platform/kube/bookinfo-db.yaml',
    'bookinfo/platform/kube/bookinfo-details-v2.yaml',
    'bookinfo/platform/kube/bookinfo-details.yaml',
    'bookinfo/platform/kube/bookinfo-ratings-v2.yaml',
    'bookinfo/platform/kube/bookinfo-ratings.yaml',
    'bookinfo/platform/kube/bookinfo-reviews-v2.yaml',
    'bookinfo/platform/kube/bookinfo-versions.yaml',
    'bookinfo/platform/kube/productpage-nodeport.yaml',
    'httpbin/httpbin.yaml',
    'httpbin/httpbin-nodeport.yaml',
    'httpbin/sample-client/fortio-deploy.yaml',
    'curl/curl.yaml',
    'sleep/sleep.yaml',
    'helloworld/helloworld.yaml',
    'tcp-echo/tcp-echo.yaml',
    'tcp-echo/tcp-echo-services.yaml',
    'grpc-echo/grpc-echo.yaml',
    'jwt-server/jwt-server.yaml',
    'websockets/app.yaml',
  ];
  it.each(files)('%s is valid', (file) => {
    const path = corpusPath('samples', file);
    const { docs, resources, errors } = errorsOf(readFileSync(path, 'utf8'), path);
    expect(errors).toEqual([]);
    expect(docs.length).toBeGreaterThan(0);
    expect(resources.length).toBe(docs.length);
  });
});

describe('valid Kubernetes documents', () => {
  const valid: [string, string][] = [
    ['Namespace with finalizers', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio-injection: enabled\nspec:\n  finalizers: [kubernetes]\n'],
    ['ServiceAccount with secrets', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\nsecrets: [{name: tok}]\nimagePullSecrets: [{name: reg}]\nautomountServiceAccountToken: false\n'],
    ['ConfigMap', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  app.properties: |\n    a=1\n  LOG_LEVEL: debug\nbinaryData:\n  blob.bin: AAEC/w==\nimmutable: true\n'],
    ['Secret with base64 over lines', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: |\n    aGVsbG8g\n    d29ybGQ=\n  tls.key: a2V5\n'],
    ['Pod with probes and env', `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  restartPolicy: Never
  serviceAccount: old-style
  containers:
  - name: app
    image: node:20
    command: [node, server.js]
    workingDir: /app
    env:
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: TOKEN, valueFrom: {secretKeyRef: {name: s, key: token}}}
    - {name: LEVEL, valueFrom: {configMapKeyRef: {name: cfg, key: LOG_LEVEL, optional: true}}}
    - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}
    - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
    envFrom: [{configMapRef: {name: cfg}, prefix: CFG_}]
    ports: [{containerPort: 3000, name: http, protocol: TCP}]
    readinessProbe: {httpGet: {path: /healthz, port: http, httpHeaders: [{name: X-Probe, value: "1"}]}, periodSeconds: 2}
    livenessProbe: {tcpSocket: {port: 3000}, successThreshold: 1}
    startupProbe: {exec: {command: ['true']}, failureThreshold: 30}
    lifecycle: {preStop: {sleep: {seconds: 5}}}
    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 1}}
    securityContext: {runAsNonRoot: true}
    volumeMounts: [{name: data, mountPath: /data}]
  initContainers:
  - {name: init, image: busybox, command: [sh, -c, 'true']}
  - {name: sidecar, image: envoy, restartPolicy: Always, readinessProbe: {grpc: {port: 9901}}}
  volumes: [{name: data, emptyDir: {}}]
  tolerations: [{key: k, operator: Exists, effect: NoSchedule}]
  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {}}}
  dnsPolicy: None
  dnsConfig: {nameservers: [1.1.1.1]}
  hostname: web-0
  subdomain: web
`],
    ['Service ExternalName', 'apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: api.example.com\n'],
    ['headless Service without ports', 'apiVersion: v1\nkind: Service\nmetadata: {name: hl}\nspec:\n  clusterIP: None\n  selector: {app: x}\n'],
    ['LoadBalancer Service with all the trimmings', `apiVersion: v1
kind: Service
metadata: {name: lb}
spec:
  type: LoadBalancer
  selector: {app: x}
  ports:
  - {name: http, port: 80, targetPort: http-web, nodePort: 30080, appProtocol: http}
  - {name: dns, port: 53, protocol: UDP}
  clusterIP: 10.0.0.10
  clusterIPs: [10.0.0.10, "fd00::10"]
  ipFamilies: [IPv4, IPv6]
  ipFamilyPolicy: PreferDualStack
  externalTrafficPolicy: Local
  internalTrafficPolicy: Cluster
  healthCheckNodePort: 30100
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 300}}
  loadBalancerSourceRanges: [10.0.0.0/8]
  publishNotReadyAddresses: true
`],
    ['Deployment with strategy and expressions', `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 0
  minReadySeconds: 5
  progressDeadlineSeconds: 60
  revisionHistoryLimit: 3
  paused: false
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}
  selector:
    matchLabels: {app: d}
    matchExpressions: [{key: tier, operator: In, values: [web, api]}, {key: canary, operator: DoesNotExist}]
  template:
    metadata: {labels: {app: d, tier: web}, annotations: {sidecar.istio.io/inject: "false"}}
    spec:
      containers: [{name: d, image: mendhak/http-https-echo}]
`],
    ['kind: List of Kubernetes objects', `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: a}
- apiVersion: v1
  kind: Service
  metadata: {name: a}
  spec: {ports: [{port: 80}], selector: {app: a}}
`],
  ];
  it.each(valid)('%s', (_name, text) => {
    const { docs, errors } = errorsOf(text);
    expect(errors).toEqual([]);
    expect(docs.length).toBeGreaterThan(0);
  });

  it('warns about the deprecated serviceAccount field', () => {
    const { checks } = errorsOf(JSON.stringify(edit(pod, (d) => (d.spec.serviceAccount = 'x'))));
    expect(checks).toMatchObject([{ level: 'Warning', path: 'spec.serviceAccount', message: expect.stringContaining('serviceAccountName') }]);
  });
});

describe('invalid Kubernetes documents', () => {
  const cases: [string, Doc | string, string, string][] = [
    // Deployment
    ['selector does not match template', edit(deployment, (d) => (d.spec.selector.matchLabels.version = 'v2')), 'spec.template.metadata.labels', 'does not match'],
    ['selector missing', edit(deployment, (d) => delete d.spec.selector), 'spec.selector', 'missing'],
    ['empty selector', edit(deployment, (d) => (d.spec.selector = {})), 'spec.selector', 'empty selector'],
    ['negative replicas', edit(deployment, (d) => (d.spec.replicas = -1)), 'spec.replicas', 'greater than or equal to 0'],
    ['replicas as a string', edit(deployment, (d) => (d.spec.replicas = '2')), 'spec.replicas', 'number'],
    ['typo in spec field', edit(deployment, (d) => (d.spec.replica = 2)), 'spec.replica', 'did you mean "replicas"'],
    ['unknown strategy type', edit(deployment, (d) => (d.spec.strategy = { type: 'BlueGreen' })), 'spec.strategy.type', 'Recreate'],
    ['rollingUpdate with Recreate', edit(deployment, (d) => (d.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } })), 'spec.strategy.rollingUpdate', 'Recreate'],
    ['maxSurge and maxUnavailable both 0', edit(deployment, (d) => (d.spec.strategy = { rollingUpdate: { maxSurge: '0%', maxUnavailable: 0 } })), 'spec.strategy.rollingUpdate.maxUnavailable', 'may not be 0'],
    ['bad percentage', edit(deployment, (d) => (d.spec.strategy = { rollingUpdate: { maxSurge: '25 percent' } })), 'spec.strategy.rollingUpdate.maxSurge', 'percent'],
    ['progressDeadline not above minReady', edit(deployment, (d) => Object.assign(d.spec, { minReadySeconds: 30, progressDeadlineSeconds: 10 })), 'spec.progressDeadlineSeconds', 'minReadySeconds'],
    ['restartPolicy Never in a Deployment', edit(deployment, (d) => (d.spec.template.spec.restartPolicy = 'Never')), 'spec.template.spec.restartPolicy', 'Always'],
    ['In without values', edit(deployment, (d) => (d.spec.selector.matchExpressions = [{ key: 'app', operator: 'In' }])), 'spec.selector.matchExpressions[0].values', 'must be specified'],
    ['unknown field in template metadata', edit(deployment, (d) => (d.spec.template.metadata.label = { a: 'b' })), 'spec.template.metadata.label', 'did you mean "labels"'],
    ['matchExpressions exclude the template', edit(deployment, (d) => (d.spec.selector.matchExpressions = [{ key: 'version', operator: 'NotIn', values: ['v1'] }])), 'spec.template.metadata.labels', 'does not match'],
    ['rolling update maxUnavailable over 100%', edit(deployment, (d) => (d.spec.strategy = { rollingUpdate: { maxUnavailable: '150%' } })), 'spec.strategy.rollingUpdate.maxUnavailable', '100%'],
    // PodSpec and Container
    ['no containers', edit(deployment, (d) => (d.spec.template.spec.containers = [])), 'spec.template.spec.containers', 'at least one container'],
    ['duplicate container names', edit(deployment, (d) => d.spec.template.spec.containers.push({ name: 'web', image: 'x' })), 'spec.template.spec.containers[1].name', 'duplicate'],
    ['container name not DNS-1123', edit(deployment, (d) => (container(d).name = 'Web_1')), 'spec.template.spec.containers[0].name', 'lower case'],
    ['container without image', edit(deployment, (d) => delete container(d).image), 'spec.template.spec.containers[0].image', 'missing'],
    ['typo in container field', edit(deployment, (d) => (container(d).imagePullPolcy = 'Always')), 'spec.template.spec.containers[0].imagePullPolcy', 'did you mean "imagePullPolicy"'],
    ['bad imagePullPolicy', edit(deployment, (d) => (container(d).imagePullPolicy = 'Sometimes')), 'spec.template.spec.containers[0].imagePullPolicy', 'IfNotPresent'],
    ['containerPort out of range', edit(deployment, (d) => (container(d).ports[0].containerPort = 70000)), 'spec.template.spec.containers[0].ports[0].containerPort', '65535'],
    ['container port name too long', edit(deployment, (d) => (container(d).ports[0].name = 'http-for-the-app')), 'spec.template.spec.containers[0].ports[0].name', '15 characters'],
    ['bad port protocol', edit(deployment, (d) => (container(d).ports[0].protocol = 'HTTP')), 'spec.template.spec.containers[0].ports[0].protocol', 'TCP'],
    ['env with value and valueFrom', edit(deployment, (d) => (container(d).env = [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }])), 'spec.template.spec.containers[0].env[0].valueFrom', 'value'],
    ['env var name with =', edit(deployment, (d) => (container(d).env = [{ name: 'A=B', value: 'x' }])), 'spec.template.spec.containers[0].env[0].name', 'environment variable'],
    ['env valueFrom with no source', edit(deployment, (d) => (container(d).env = [{ name: 'A', valueFrom: {} }])), 'spec.template.spec.containers[0].env[0].valueFrom', 'must specify'],
    ['unsupported fieldPath', edit(deployment, (d) => (container(d).env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.hostname' } } }])), 'spec.template.spec.containers[0].env[0].valueFrom.fieldRef.fieldPath', 'unsupported'],
    ['probe with two handlers', edit(deployment, (d) => (container(d).readinessProbe = { httpGet: { port: 8080 }, tcpSocket: { port: 8080 } })), 'spec.template.spec.containers[0].readinessProbe.tcpSocket', 'more than 1 handler'],
    ['probe with no handler', edit(deployment, (d) => (container(d).readinessProbe = { periodSeconds: 5 })), 'spec.template.spec.containers[0].readinessProbe', 'handler'],
    ['probe typo', edit(deployment, (d) => (container(d).readinessProbe = { httpGet: { path: '/', port: 8080 }, periodSecond: 5 })), 'spec.template.spec.containers[0].readinessProbe.periodSecond', 'did you mean "periodSeconds"'],
    ['probe port out of range', edit(deployment, (d) => (container(d).readinessProbe = { httpGet: { port: 0 } })), 'spec.template.spec.containers[0].readinessProbe.httpGet.port', '1-65535'],
    ['liveness successThreshold not 1', edit(deployment, (d) => (container(d).livenessProbe = { tcpSocket: { port: 8080 }, successThreshold: 3 })), 'spec.template.spec.containers[0].livenessProbe.successThreshold', 'must be 1'],
    ['negative probe period', edit(deployment, (d) => (container(d).readinessProbe = { exec: { command: ['true'] }, periodSeconds: -1 })), 'spec.template.spec.containers[0].readinessProbe.periodSeconds', 'greater than or equal to 0'],
    ['bad httpGet scheme', edit(deployment, (d) => (container(d).readinessProbe = { httpGet: { port: 80, scheme: 'http' } })), 'spec.template.spec.containers[0].readinessProbe.httpGet.scheme', 'HTTPS'],
    ['volumeMount of an unknown volume', edit(deployment, (d) => (container(d).volumeMounts = [{ name: 'tmp', mountPath: '/tmp' }])), 'spec.template.spec.containers[0].volumeMounts[0].name', 'not found'],
    ['volume with a typo in its source', edit(deployment, (d) => (d.spec.template.spec.volumes = [{ name: 'tmp', emptydir: {} }])), 'spec.template.spec.volumes[0].emptydir', 'did you mean "emptyDir"'],
    ['serviceAccountName not DNS-1123', edit(deployment, (d) => (d.spec.template.spec.serviceAccountName = 'Web_SA')), 'spec.template.spec.serviceAccountName', 'lower case'],
    ['bad pod restartPolicy', edit(pod, (d) => (d.spec.restartPolicy = 'Sometimes')), 'spec.restartPolicy', 'OnFailure'],
    ['typo in PodSpec field', edit(pod, (d) => (d.spec.nodeSelecter = { a: 'b' })), 'spec.nodeSelecter', 'did you mean "nodeSelector"'],
    ['init container and container share a name', edit(pod, (d) => (d.spec.initContainers = [{ name: 'c', image: 'x' }])), 'spec.containers[0].name', 'duplicate'],
    ['probe on an init container', edit(pod, (d) => (d.spec.initContainers = [{ name: 'i', image: 'x', readinessProbe: { tcpSocket: { port: 1 } } }])), 'spec.initContainers[0].readinessProbe', 'restartPolicy=Always'],
    ['Pod without spec', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, 'spec', 'missing'],
    ['dnsPolicy None without dnsConfig', edit(pod, (d) => (d.spec.dnsPolicy = 'None')), 'spec.dnsConfig', 'dnsConfig'],
    // Service
    ['ports without names', edit(service, (d) => d.spec.ports.push({ port: 443 })), 'spec.ports[1].name', 'required'],
    ['duplicate port names', edit(service, (d) => d.spec.ports.push({ name: 'http', port: 443 })), 'spec.ports[1].name', 'duplicate'],
    ['port name with capitals', edit(service, (d) => (d.spec.ports[0].name = 'HTTP')), 'spec.ports[0].name', 'lower case'],
    ['port 0', edit(service, (d) => (d.spec.ports[0].port = 0)), 'spec.ports[0].port', '1-65535'],
    ['port 70000', edit(service, (d) => (d.spec.ports[0].port = 70000)), 'spec.ports[0].port', '1-65535'],
    ['targetPort name too long', edit(service, (d) => (d.spec.ports[0].targetPort = 'http-management-api')), 'spec.ports[0].targetPort', '15 characters'],
    ['targetPort name without a letter', edit(service, (d) => (d.spec.ports[0].targetPort = '8080')), 'spec.ports[0].targetPort', 'letter'],
    ['bad protocol', edit(service, (d) => (d.spec.ports[0].protocol = 'HTTP')), 'spec.ports[0].protocol', 'SCTP'],
    ['bad type', edit(service, (d) => (d.spec.type = 'Headless')), 'spec.type', 'ExternalName'],
    ['ExternalName without externalName', edit(service, (d) => (d.spec.type = 'ExternalName')), 'spec.externalName', 'ExternalName'],
    ['nodePort on ClusterIP', edit(service, (d) => (d.spec.ports[0].nodePort = 30080)), 'spec.ports[0].nodePort', 'ClusterIP'],
    ['no ports', edit(service, (d) => delete d.spec.ports), 'spec.ports', 'at least one port'],
    ['duplicate port number', edit(service, (d) => d.spec.ports.push({ name: 'other', port: 80 })), 'spec.ports[1]', 'duplicate'],
    ['bad clusterIP', edit(service, (d) => (d.spec.clusterIP = 'auto')), 'spec.clusterIP', 'IP'],
    ['externalTrafficPolicy on ClusterIP', edit(service, (d) => (d.spec.externalTrafficPolicy = 'Local')), 'spec.externalTrafficPolicy', 'externally-accessible'],
    ['Service name starting with a digit', edit(service, (d) => (d.metadata.name = '1web')), 'metadata.name', 'alphabetic'],
    ['Service name with a dot', edit(service, (d) => (d.metadata.name = 'web.v1')), 'metadata.name', 'lower case'],
    ['typo in Service spec', edit(service, (d) => (d.spec.selectors = { app: 'x' })), 'spec.selectors', 'did you mean "selector"'],
    ['bad sessionAffinity timeout', edit(service, (d) => Object.assign(d.spec, { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } })), 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', '86400'],
    ['bad selector label value', edit(service, (d) => (d.spec.selector = { app: 'web app' })), 'spec.selector.app', 'label value'],
    // ConfigMap, Secret, Namespace, ServiceAccount
    ['ConfigMap value not a string', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  port: 8080\n', 'data.port', 'string'],
    ['ConfigMap bad key', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  "a/b": x\n', 'data[a/b]', 'config key'],
    ['ConfigMap key in data and binaryData', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: x}\nbinaryData: {k: eA==}\n', 'data.k', 'binaryData'],
    ['ConfigMap with spec', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nspec: {a: b}\n', 'spec', 'unknown field'],
    ['Secret data not base64', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: hunter2!\n', 'data.password', 'base64'],
    ['TLS Secret without key', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: x\n', 'data[tls.key]', 'required'],
    ['Secret with a typo', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringdata:\n  a: b\n', 'stringdata', 'did you mean "stringData"'],
    ['Namespace finalizer with spaces', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\nspec:\n  finalizers: ["not valid"]\n', 'spec.finalizers[0]', 'finalizer'],
    ['Secret data with bad padding', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  a: aGVsbG8\n', 'data.a', 'base64'],
    ['Namespace name with a dot', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team.a}\n', 'metadata.name', 'lower case'],
    ['Namespace with a bad name', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: My_NS}\n', 'metadata.name', 'lower case'],
    ['ServiceAccount with a typo', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\nautomountServiceAccountTokens: false\n', 'automountServiceAccountTokens', 'did you mean "automountServiceAccountToken"'],
    ['ServiceAccount token flag as a string', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\nautomountServiceAccountToken: "no"\n', 'automountServiceAccountToken', 'boolean'],
  ];
  it('has many distinct cases', () => expect(new Set(cases.map((c) => c[0])).size).toBe(cases.length));
  it('reports a selector requirement without values once, not also as a mismatch', () => {
    const doc = edit(deployment, (d) => (d.spec.selector.matchExpressions = [{ key: 'app', operator: 'In' }]));
    expect(errorsOf(JSON.stringify(doc)).errors.map((e) => e.path)).toEqual(['spec.selector.matchExpressions[0].values']);
  });
  it.each(cases)('%s', (_name, doc, path, word) => {
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
    const { errors, resources } = errorsOf(text);
    expect(resources).toEqual([]);
    const hit = errors.find((e) => e.path === path);
    expect(hit, `no error at ${path}; got ${JSON.stringify(errors.map((e) => `${e.path}: ${e.message}`))}`).toBeDefined();
    expect(hit?.message).toContain(word);
  });
});

describe('labelSelectorMatches', () => {
  it('applies matchLabels and every operator', () => {
    const sel = { matchLabels: { app: 'a' }, matchExpressions: [
      { key: 'tier', operator: 'In' as const, values: ['web'] },
      { key: 'env', operator: 'NotIn' as const, values: ['prod'] },
      { key: 'team', operator: 'Exists' as const },
      { key: 'canary', operator: 'DoesNotExist' as const },
    ] };
    expect(labelSelectorMatches(sel, { app: 'a', tier: 'web', team: 'x' })).toBe(true);
    expect(labelSelectorMatches(sel, { app: 'a', tier: 'web', team: 'x', env: 'prod' })).toBe(false);
    expect(labelSelectorMatches(sel, { app: 'a', tier: 'web' })).toBe(false);
    expect(labelSelectorMatches(sel, { app: 'a', tier: 'web', team: 'x', canary: '' })).toBe(false);
    expect(labelSelectorMatches(sel, { app: 'b', tier: 'web', team: 'x' })).toBe(false);
  });
});
