/** What pods a Deployment asks for, named and labelled as Kubernetes would. Pure. */
import { createHash } from 'node:crypto';
import type { Resource } from '../../api/index.js';
import type { DeploymentObject } from '../../api/kinds/deployment.js';
import type { PodObject } from '../../api/kinds/pod.js';
import type { PodSpec, Container } from '../../api/kinds/pod-spec.js';
import { sidecarInjected } from './network/index.js';

/** Kubernetes' alphabet for generated name suffixes: no vowels, no look-alike characters. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export interface PodPlan {
  namespace: string;
  name: string;
  /** The owning Deployment, or undefined for a bare Pod. */
  deployment?: string;
  /** Hash of the pod template: pods of an older template are replaced when it changes. */
  templateHash: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  serviceAccount: string;
  spec: PodSpec;
  sidecar: boolean;
}

function safeEncode(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE_ALPHABET[(bytes[i] ?? 0) % SAFE_ALPHABET.length];
  return out;
}

export function templateHash(template: unknown): string {
  return safeEncode(createHash('sha256').update(JSON.stringify(template)).digest(), 10);
}

export function randomSuffix(random: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += SAFE_ALPHABET[Math.floor(random() * SAFE_ALPHABET.length)];
  return out;
}

/**
 * Replica pods of a Deployment; `suffix` supplies pod name endings (random in real runs);
 * `namespaceLabels` are its namespace's labels as they are now, which decide injection for new pods.
 */
export function planDeployment(d: Resource<DeploymentObject>, suffix: () => string = () => randomSuffix(), namespaceLabels: Readonly<Record<string, string>> = {}): PodPlan[] {
  const spec = d.object.spec;
  const template = spec.template;
  const hash = templateHash(template);
  const labels = { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash };
  const annotations = { ...(template.metadata?.annotations ?? {}) };
  const replicas = spec.replicas ?? 1;
  const podSpec = template.spec;
  const namespace = d.namespace ?? 'default';
  const sidecar = sidecarInjected({ namespace, namespaceLabels, podLabels: labels, podAnnotations: annotations, hostNetwork: podSpec.hostNetwork ?? false });
  const plans: PodPlan[] = [];
  for (let i = 0; i < replicas; i++) {
    plans.push({
      namespace,
      name: `${d.name}-${hash}-${suffix()}`,
      deployment: d.name,
      templateHash: hash,
      labels,
      annotations,
      serviceAccount: podSpec.serviceAccountName ?? podSpec.serviceAccount ?? 'default',
      spec: podSpec,
      sidecar,
    });
  }
  return plans;
}

export function planPod(p: Resource<PodObject>, namespaceLabels: Readonly<Record<string, string>> = {}): PodPlan {
  const labels = p.metadata.labels ?? {};
  const annotations = p.metadata.annotations ?? {};
  const spec = p.object.spec as PodSpec;
  const namespace = p.namespace ?? 'default';
  return {
    namespace,
    name: p.name,
    templateHash: templateHash(spec),
    labels,
    annotations,
    serviceAccount: spec.serviceAccountName ?? spec.serviceAccount ?? 'default',
    spec,
    sidecar: sidecarInjected({ namespace, namespaceLabels, podLabels: labels, podAnnotations: annotations, hostNetwork: spec.hostNetwork ?? false }),
  };
}

/** The container ports a pod declares, in order (the first container's first port is the app's PORT). */
export function declaredPorts(spec: PodSpec): { container: Container; containerPort: number; name?: string; protocol: string }[] {
  const out: { container: Container; containerPort: number; name?: string; protocol: string }[] = [];
  for (const c of spec.containers) {
    for (const p of c.ports ?? []) out.push({ container: c, containerPort: p.containerPort, ...(p.name ? { name: p.name } : {}), protocol: p.protocol ?? 'TCP' });
  }
  return out;
}
