import { describe, it, expect } from 'vitest';
import { parseLabelSelector, parseFieldSelector } from './selectors.js';
import { strategicMerge, mergePatch, jsonPatch, type Json } from './patch/index.js';
import { humanDuration } from './human-duration.js';
import { wantsAggregated } from './discovery.js';
import { parseApiPath } from './paths.js';
import { StatusError } from './status.js';

describe('label selectors', () => {
  const labels = { app: 'fortio', version: 'v1' };
  it.each([
    ['app=fortio', true], ['app==fortio', true], ['app!=fortio', false], ['app in (a,fortio)', true], ['app notin (fortio)', false],
    ['version', true], ['!version', false], ['tier', false], ['!tier', true], ['app=fortio,version in (v2, v3)', false], ['app = fortio , version', true], ['', true],
  ])('%s → %s', (sel, want) => {
    expect(parseLabelSelector(sel)(labels)).toBe(want);
  });
  it('refuses what it cannot read with a 400 Status', () => {
    expect(() => parseLabelSelector('app in fortio')).toThrow(StatusError);
  });
  it('field selectors take the fields they know and refuse others', () => {
    const get = (p: string): string | undefined => ({ 'metadata.name': 'a', 'metadata.namespace': 'ns' })[p];
    expect(parseFieldSelector('metadata.name=a,metadata.namespace!=x', ['metadata.name', 'metadata.namespace'])(get)).toBe(true);
    expect(parseFieldSelector('metadata.name==b', ['metadata.name'])(get)).toBe(false);
    expect(() => parseFieldSelector('spec.host=a', ['metadata.name'])).toThrow(/field label not supported: spec.host/);
  });
});

describe('patches', () => {
  const svc: Json = { metadata: { name: 's', labels: { app: 'a' } }, spec: { selector: { app: 'a' }, ports: [{ port: 5432, targetPort: 5432 }, { port: 80, name: 'http' }] } };
  it('strategic merge: Service ports by port, labels merged, null removes', () => {
    const out = strategicMerge('Service', svc, { metadata: { labels: { tier: 'db', app: null } }, spec: { ports: [{ port: 5432, name: 'tcp-postgres' }] } }) as { metadata: { labels: unknown }; spec: { ports: unknown } };
    expect(out.metadata.labels).toEqual({ tier: 'db' });
    expect(out.spec.ports).toEqual([{ port: 5432, targetPort: 5432, name: 'tcp-postgres' }, { port: 80, name: 'http' }]);
  });
  it('strategic merge: containers by name, their ports by containerPort, $patch delete and other lists replaced', () => {
    const dep: Json = { spec: { template: { spec: { containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 80 }], args: ['x'] }, { name: 'side', image: 's' }] } } } };
    const out = strategicMerge('Deployment', dep, {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'app', image: 'a:2', ports: [{ containerPort: 81 }], args: ['y'] }, { name: 'side', $patch: 'delete' }] } } },
    }) as { spec: { template: { spec: { containers: unknown } } } };
    expect(out.spec.template.spec.containers).toEqual([{ name: 'app', image: 'a:2', ports: [{ containerPort: 80 }, { containerPort: 81 }], args: ['y'] }]);
  });
  it('JSON merge patch replaces lists and removes nulls', () => {
    expect(mergePatch(svc, { spec: { ports: [{ port: 1 }], selector: null } })).toEqual({ metadata: { name: 's', labels: { app: 'a' } }, spec: { ports: [{ port: 1 }] } });
  });
  it('JSON patch: add, replace, remove, move, copy, test; a failed test changes nothing', () => {
    const doc: Json = { a: [1, 2], b: { c: 'x' } };
    expect(jsonPatch(doc, [{ op: 'add', path: '/a/-', value: 3 }, { op: 'replace', path: '/b/c', value: 'y' }, { op: 'copy', from: '/b', path: '/d' }, { op: 'move', from: '/a/0', path: '/e' }, { op: 'remove', path: '/b' }])).toEqual({ a: [2, 3], d: { c: 'y' }, e: 1 });
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/b/c', value: 'nope' }])).toThrow(/test operation failed/);
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/zz' }])).toThrow(/does not exist/);
    expect(doc).toEqual({ a: [1, 2], b: { c: 'x' } });
  });
});

describe('ages as the API server prints them', () => {
  it.each([[5_000, '5s'], [119_000, '119s'], [125_000, '2m5s'], [600_000, '10m'], [3 * 3600_000 + 20 * 60_000, '3h20m'], [10 * 3600_000, '10h'], [3 * 86400_000 + 5 * 3600_000, '3d5h'], [30 * 86400_000, '30d']])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('paths and discovery negotiation', () => {
  it('reads namespaced, cluster-scoped and namespace paths', () => {
    expect(parseApiPath('/api/v1/namespaces/default/pods/p1')).toMatchObject({ kind: 'object', namespace: 'default', name: 'p1', type: { kind: 'Pod' } });
    expect(parseApiPath('/api/v1/namespaces/default')).toMatchObject({ kind: 'object', namespace: undefined, name: 'default', type: { kind: 'Namespace' } });
    expect(parseApiPath('/apis/networking.istio.io/v1alpha3/virtualservices')).toMatchObject({ kind: 'object', version: 'v1alpha3', namespace: undefined, name: undefined });
    expect(parseApiPath('/apis/networking.istio.io/v9/virtualservices')).toEqual({ kind: 'unknown' });
    expect(parseApiPath('/api/v1/namespaces/default/pods/p1/log')).toMatchObject({ subresource: 'log' });
  });
  it('answers aggregated discovery only to clients that ask for it', () => {
    expect(wantsAggregated('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json')).toContain('v=v2;');
    expect(wantsAggregated('application/json')).toBeUndefined();
  });
});
