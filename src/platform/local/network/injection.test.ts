/** Istio's injection policy for namespace and pod labels, with tack's default of injecting unlabelled namespaces. */
import { describe, it, expect } from 'vitest';
import { sidecarInjected, type InjectionInput } from './injection.js';

function pod(over: Partial<InjectionInput> = {}): InjectionInput {
  return { namespace: 'shop', namespaceLabels: {}, podLabels: {}, podAnnotations: {}, ...over };
}

describe('sidecarInjected', () => {
  it('injects by default, and not when the pod opts out by label or annotation (Istio spellings)', () => {
    expect(sidecarInjected(pod())).toBe(true);
    expect(sidecarInjected(pod({ podAnnotations: { 'sidecar.istio.io/inject': 'false' } }))).toBe(false);
    expect(sidecarInjected(pod({ podAnnotations: { 'sidecar.istio.io/inject': 'off' } }))).toBe(false);
    expect(sidecarInjected(pod({ podLabels: { 'sidecar.istio.io/inject': 'false' } }))).toBe(false);
    // The label is read before the annotation.
    expect(sidecarInjected(pod({ podLabels: { 'sidecar.istio.io/inject': 'true' }, podAnnotations: { 'sidecar.istio.io/inject': 'false' } }))).toBe(true);
    expect(sidecarInjected(pod({ podAnnotations: { 'sidecar.istio.io/inject': 'maybe' } }))).toBe(true);
  });

  it('istio-injection on the namespace: enabled injects, disabled never does (not even a pod asking for it)', () => {
    expect(sidecarInjected(pod({ namespaceLabels: { 'istio-injection': 'enabled' } }))).toBe(true);
    expect(sidecarInjected(pod({ namespaceLabels: { 'istio-injection': 'enabled' }, podLabels: { 'sidecar.istio.io/inject': 'false' } }))).toBe(false);
    expect(sidecarInjected(pod({ namespaceLabels: { 'istio-injection': 'disabled' } }))).toBe(false);
    expect(sidecarInjected(pod({ namespaceLabels: { 'istio-injection': 'disabled' }, podLabels: { 'sidecar.istio.io/inject': 'true' } }))).toBe(false);
    expect(sidecarInjected(pod({ namespaceLabels: { 'istio-injection': 'yes' } }))).toBe(false);
  });

  it('istio.io/rev selects a revision: only tack\'s own (default) injects; istio-injection takes precedence', () => {
    expect(sidecarInjected(pod({ namespaceLabels: { 'istio.io/rev': 'default' } }))).toBe(true);
    expect(sidecarInjected(pod({ namespaceLabels: { 'istio.io/rev': 'canary' } }))).toBe(false);
    expect(sidecarInjected(pod({ namespaceLabels: { 'istio.io/rev': 'canary', 'istio-injection': 'enabled' } }))).toBe(true);
    expect(sidecarInjected(pod({ namespaceLabels: { 'istio.io/rev': 'default', 'istio-injection': 'disabled' } }))).toBe(false);
    expect(sidecarInjected(pod({ podLabels: { 'istio.io/rev': 'canary' } }))).toBe(false);
    expect(sidecarInjected(pod({ podLabels: { 'istio.io/rev': 'default' } }))).toBe(true);
  });

  it('system namespaces and host-network pods get no sidecar', () => {
    expect(sidecarInjected(pod({ namespace: 'kube-system' }))).toBe(false);
    expect(sidecarInjected(pod({ namespace: 'kube-system', namespaceLabels: { 'istio-injection': 'enabled' } }))).toBe(false);
    expect(sidecarInjected(pod({ namespace: 'kube-node-lease' }))).toBe(false);
    expect(sidecarInjected(pod({ hostNetwork: true }))).toBe(false);
  });
});
