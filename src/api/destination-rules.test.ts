/**
 * Which DestinationRule applies: the pure rule, and that the analyzer and the compiler follow it, so
 * `tack analyze` reports the subsets a proxy would answer 503 NC for.
 */
import { describe, it, expect } from 'vitest';
import { loadText, validateDocuments, Codes, type Check } from './index.js';
import { analyze } from './analyze/index.js';
import { destinationSubsetAnalyzer } from './analyze/analyzers/destination-subset.js';
import { applicableDestinationRule, type DestinationRuleScope } from './destination-rules.js';
import { compileProxyConfig } from '../compile/index.js';
import { meshFromYaml } from '../../test/support/mesh-fixture.js';

type Rule = DestinationRuleScope & { id: string };

function pick(rules: Rule[], hostname: string, clientNamespace: string, serviceNamespace?: string): string | undefined {
  const found = applicableDestinationRule({ hostname, clientNamespace, serviceNamespace }, (ns) => rules.filter((r) => r.namespace === ns), (r) => r);
  return found?.id;
}

const REVIEWS = 'reviews.other.svc.cluster.local';

describe('applicableDestinationRule', () => {
  it("looks in the client's namespace, then the service's, then the root namespace", () => {
    const rules: Rule[] = [
      { id: 'root', namespace: 'istio-system', host: '*.local' },
      { id: 'service', namespace: 'other', host: REVIEWS },
      { id: 'client', namespace: 'default', host: REVIEWS },
    ];
    expect(pick(rules, REVIEWS, 'default', 'other')).toBe('client');
    expect(pick(rules, REVIEWS, 'third', 'other')).toBe('service');
    expect(pick(rules.filter((r) => r.id === 'root'), REVIEWS, 'third', 'other')).toBe('root');
  });

  it('skips rules not exported to the client', () => {
    const rules: Rule[] = [{ id: 'private', namespace: 'other', host: REVIEWS, exportTo: ['.'] }];
    expect(pick(rules, REVIEWS, 'other', 'other')).toBe('private');
    expect(pick(rules, REVIEWS, 'default', 'other')).toBeUndefined();
    expect(pick([{ id: 'to-default', namespace: 'other', host: REVIEWS, exportTo: ['default'] }], REVIEWS, 'default', 'other')).toBe('to-default');
    // A workload selector keeps a rule in its namespace whatever exportTo says.
    expect(pick([{ id: 'selected', namespace: 'other', host: REVIEWS, hasWorkloadSelector: true }], REVIEWS, 'default', 'other')).toBeUndefined();
  });

  it('prefers the exact host, then the longest wildcard, and does not fall back to a less specific rule it cannot see', () => {
    const rules: Rule[] = [
      { id: 'any', namespace: 'other', host: '*' },
      { id: 'local', namespace: 'other', host: '*.svc.cluster.local' },
      { id: 'exact', namespace: 'other', host: REVIEWS },
    ];
    expect(pick(rules, REVIEWS, 'default', 'other')).toBe('exact');
    expect(pick(rules.slice(0, 2), REVIEWS, 'default', 'other')).toBe('local');
    const hidden: Rule[] = [
      { id: 'wide', namespace: 'other', host: '*.svc.cluster.local' },
      { id: 'narrow', namespace: 'other', host: REVIEWS, exportTo: ['other', 'third'] },
    ];
    expect(pick(hidden, REVIEWS, 'default', 'other')).toBeUndefined();
  });

  it("lets a service's own rule beat a public catch-all for a client in the root namespace", () => {
    const rules: Rule[] = [
      { id: 'catch-all', namespace: 'istio-system', host: '*.local' },
      { id: 'service', namespace: 'other', host: REVIEWS },
    ];
    expect(pick(rules, REVIEWS, 'istio-system', 'other')).toBe('service');
    expect(pick([{ id: 'root-private', namespace: 'istio-system', host: '*.local', exportTo: ['.'] }, ...rules], REVIEWS, 'istio-system', 'other')).toBe('root-private');
  });
});

/** A DestinationRule in `other` defines v2 but keeps it to its namespace; default routes to it. */
const PRIVATE_SUBSET = `
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: other}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v2, namespace: other}
spec:
  selector: {matchLabels: {app: reviews, version: v2}}
  template:
    metadata: {labels: {app: reviews, version: v2}}
    spec: {containers: [{name: app, image: example/reviews, ports: [{containerPort: 9080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: productpage, namespace: default}
spec:
  selector: {matchLabels: {app: productpage}}
  template:
    metadata: {labels: {app: productpage}}
    spec: {containers: [{name: app, image: example/productpage, ports: [{containerPort: 9080}]}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: other}
spec:
  host: reviews.other.svc.cluster.local
  exportTo: ["."]
  subsets: [{name: v2, labels: {version: v2}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews.other.svc.cluster.local]
  http:
  - route: [{destination: {host: reviews.other.svc.cluster.local, subset: v2}}]
`;

function subsetFindings(yaml: string): Check[] {
  const v = validateDocuments(loadText(yaml, 'test.yaml').documents);
  expect(v.checks.filter((c) => c.level === 'Error')).toEqual([]);
  return analyze(v.resources, { only: [destinationSubsetAnalyzer] });
}

describe('a subset defined by a DestinationRule the client cannot see', () => {
  it('is reported by analyze as not found (IST0101)', () => {
    const found = subsetFindings(PRIVATE_SUBSET);
    expect(found.map((c) => [c.code, c.resource?.namespace, c.path])).toEqual([[Codes.ReferencedResourceNotFound, 'default', 'spec.http[0].route[0].destination.subset']]);
    expect(found[0]?.message).toContain('not the one proxies in namespace default use');
  });

  it('is not reported once the rule is exported to the client', () => {
    expect(subsetFindings(PRIVATE_SUBSET.replace('exportTo: ["."]', 'exportTo: [".", default]'))).toEqual([]);
  });

  it('gets no cluster from the compiler, so the proxy answers 503 NC', () => {
    const { store } = meshFromYaml(PRIVATE_SUBSET);
    const snapshot = store.snapshot();
    const client = snapshot.workloads.find((w) => w.labels['app'] === 'productpage');
    const owner = snapshot.workloads.find((w) => w.labels['app'] === 'reviews');
    if (!client || !owner) throw new Error('fixture has no productpage or reviews pod');
    const subsets = (w: typeof client): (string | undefined)[] => Object.values(compileProxyConfig(snapshot, w).clusters).filter((c) => c.service === REVIEWS).map((c) => c.subset);
    expect(subsets(client)).not.toContain('v2');
    // The route is exported everywhere: a proxy in the rule's own namespace sees the rule and gets the cluster.
    expect(subsets(owner)).toContain('v2');
  });
});
