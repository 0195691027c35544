/** The objects the API serves, read from the store and the running workloads, in a requested version. */
import type { Resource } from '../../api/index.js';
import type { ConfigStore, WorkloadInstance } from '../../store/index.js';
import type { ApiResource } from './catalog.js';
import { servedPod, servedResource, type KubeObject, type PodDetails } from './objects.js';
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
    if (!r) return undefined;
    return servedResource(r, type, version, { ...this.deps.tracker.versionOf({ kind: 'Resource', value: r }), createdAt: this.deps.store.createdAt(r) });
  }

  /** A tracked object (from a watch event) if it is of this type. */
  of(t: Tracked, type: ApiResource, version: string): KubeObject | undefined {
    if (t.kind === 'Pod') return type.kind === 'Pod' ? this.pod(t.value) : undefined;
    return t.value.kind === type.kind ? this.resource(t.value, type, version) : undefined;
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
