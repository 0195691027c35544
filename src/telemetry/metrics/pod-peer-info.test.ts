import { describe, it, expect } from 'vitest';
import { canonicalRevision, canonicalService, peerInfoFromPod } from './pod-peer-info.js';

describe('canonical service and revision (Istio pkg/kube/labels order)', () => {
  const all = {
    'service.istio.io/canonical-name': 'svc-label',
    'app.kubernetes.io/name': 'k8s-name',
    app: 'app-label',
    'service.istio.io/canonical-revision': 'rev-label',
    'app.kubernetes.io/version': 'k8s-version',
    version: 'v-label',
  };
  it('takes the first label present, in order', () => {
    expect(canonicalService(all, 'wl')).toBe('svc-label');
    const { ['service.istio.io/canonical-name']: _a, ...noCanonical } = all;
    expect(canonicalService(noCanonical, 'wl')).toBe('k8s-name');
    const { ['app.kubernetes.io/name']: _b, ...onlyApp } = noCanonical;
    expect(canonicalService(onlyApp, 'wl')).toBe('app-label');
    expect(canonicalService({}, 'wl')).toBe('wl');
    expect(canonicalRevision(all)).toBe('rev-label');
    expect(canonicalRevision({ 'app.kubernetes.io/version': 'k', version: 'v' })).toBe('k');
    expect(canonicalRevision({ version: 'v' })).toBe('v');
    expect(canonicalRevision({})).toBe('latest');
  });
  it('an empty label counts as absent', () => {
    expect(canonicalService({ 'service.istio.io/canonical-name': '', app: 'a' }, 'wl')).toBe('a');
  });
});

describe('peerInfoFromPod', () => {
  it('fills every field with Istio defaults', () => {
    expect(peerInfoFromPod({ name: 'reviews-v1-5d8c7b9f4-x7k2p', namespace: 'bookinfo', labels: { app: 'reviews', version: 'v1' }, serviceAccount: 'bookinfo-reviews', ownerWorkload: 'reviews-v1' })).toEqual({
      workload: 'reviews-v1',
      namespace: 'bookinfo',
      principal: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews',
      app: 'reviews',
      version: 'v1',
      canonicalService: 'reviews',
      canonicalRevision: 'v1',
      cluster: 'Kubernetes',
      instance: 'reviews-v1-5d8c7b9f4-x7k2p',
      workloadType: 'deployment',
    });
  });
  it('a bare pod is its own workload; app/version labels are the raw ones only', () => {
    const p = peerInfoFromPod({ name: 'solo', namespace: 'ns', labels: { 'app.kubernetes.io/name': 'web' }, serviceAccount: '', cluster: 'east', trustDomain: 'example.org' });
    expect(p).toMatchObject({ workload: 'solo', app: '', version: '', canonicalService: 'web', canonicalRevision: 'latest', cluster: 'east', principal: 'spiffe://example.org/ns/ns/sa/default', workloadType: 'pod' });
  });
});
