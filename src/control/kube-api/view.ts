/** The objects the API serves, read from the store and the running workloads, in a requested version. */
import type { Resource } from '../../api/index.js';
import type { ConfigStore, WorkloadInstance } from '../../store/index.js';
import type { ApiResource } from './catalog.js';
import { createHash } from 'node:crypto';
import { servedPod, servedResource, timestamp, type KubeObject, type PodDetails } from './objects.js';
import type { Tracked, VersionTracker } from './versions.js';

export interface ViewDeps {
  store: ConfigStore;
  tracker: VersionTracker;
  /** Containers and node of a running pod, from the platform that runs it. */
  podDetails?(namespace: string, name: string): PodDetails | undefined;
}

export class ObjectView {
  constructor(private readonly deps: ViewDeps) {}

  list(type: ApiResource, version: string, namespace: string | undefined): KubeObject[] {
    if (type.kind === 'Namespace') return this.namespaces(type, version);
    if (type.kind === 'Pod') {
      return this.deps.store
        .workloads()
        .filter((w) => namespace === undefined || w.namespace === namespace)
        .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))
        .map((w) => this.pod(w));
    }
    return this.deps.store
      .list(type.kind)
      .filter((r) => namespace === undefined || r.namespace === namespace)
      .sort((a, b) => `${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.namespace ?? ''}/${b.name}`))
      .map((r) => this.resource(r, type, version));
  }

  get(type: ApiResource, version: string, namespace: string | undefined, name: string): KubeObject | undefined {
    if (type.kind === 'Namespace') return this.namespaces(type, version).find((o) => o.metadata.name === name);
    if (type.kind === 'Pod') {
      const w = this.deps.store.workload(namespace ?? '', name);
      return w ? this.pod(w) : undefined;
    }
    const r = this.deps.store.get(type.kind, namespace, name);
    return r ? this.resource(r, type, version) : undefined;
  }

  /** The object without what the server computes (status): what a patch applies to. */
  stored(type: ApiResource, version: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const r = this.deps.store.get(type.kind, namespace, name);
    if (!r) {
      // A namespace that exists only by being used: patching it (a label) writes it for the first time.
      const implicit = type.kind === 'Namespace' ? this.get(type, version, undefined, name) : undefined;
      return implicit ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } : undefined;
    }
    return servedResource(r, type, version, { ...this.deps.tracker.versionOf({ kind: 'Resource', value: r }), createdAt: this.deps.store.createdAt(r) });
  }

  /** A tracked object (from a watch event) if it is of this type. */
  of(t: Tracked, type: ApiResource, version: string): KubeObject | undefined {
    if (t.kind === 'Pod') return type.kind === 'Pod' ? this.pod(t.value) : undefined;
    return t.value.kind === type.kind ? this.resource(t.value, type, version) : undefined;
  }

  /**
   * Namespaces written as such, and those that exist by being used (`default` always, as in every cluster):
   * tack needs no Namespace manifest, while kubectl expects `kubectl get ns default` to answer.
   */
  private namespaces(type: ApiResource, version: string): KubeObject[] {
    const written = this.deps.store.list('Namespace');
    const names = new Set(written.map((r) => r.name));
    const out = written.map((r) => this.resource(r, type, version));
    const used = new Set(['default', ...this.deps.store.list().flatMap((r) => (r.namespace ? [r.namespace] : []))]);
    for (const name of used) {
      if (names.has(name)) continue;
      out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: uidFor(name), resourceVersion: String(this.deps.store.revision), ...(this.first ? { creationTimestamp: timestamp(this.first) } : {}) }, spec: {}, status: { phase: 'Active' } });
    }
    return out.sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
  }

  /** When the oldest resource was created: the age of namespaces that were never written. */
  private get first(): number | undefined {
    const times = this.deps.store.list().map((r) => this.deps.store.createdAt(r) ?? Infinity);
    const min = Math.min(...times);
    return Number.isFinite(min) ? min : undefined;
  }

  private pod(w: WorkloadInstance): KubeObject {
    const v = this.deps.tracker.versionOf({ kind: 'Pod', value: w });
    return servedPod(w, this.deps.podDetails?.(w.namespace, w.name), { ...v, createdAt: w.startedAt });
  }

  private resource(r: Resource, type: ApiResource, version: string): KubeObject {
    const v = this.deps.tracker.versionOf({ kind: 'Resource', value: r });
    const o = servedResource(r, type, version, { ...v, createdAt: this.deps.store.createdAt(r) });
    if (r.kind === 'Deployment') o.status = this.deploymentStatus(r);
    if (r.kind === 'Service' && (r.object.spec as { type?: string } | undefined)?.type === 'LoadBalancer') o.status = { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } };
    if (r.kind === 'Namespace') o.status = { phase: 'Active' };
    return o;
  }

  /** What a Deployment controller would report, counted from the pods tack runs for it. */
  private deploymentStatus(r: Resource): Record<string, number> {
    const replicas = ((r.object.spec as { replicas?: number } | undefined)?.replicas) ?? 1;
    const pods = this.deps.store.workloads().filter((w) => w.namespace === r.namespace && w.deployment === r.name && w.phase !== 'Terminating');
    const ready = pods.filter((w) => w.ready).length;
    return { observedGeneration: 1, replicas: pods.length, updatedReplicas: Math.min(pods.length, replicas), readyReplicas: ready, availableReplicas: ready };
  }
}

function uidFor(namespace: string): string {
  const h = createHash('sha256').update(`Namespace//${namespace}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
