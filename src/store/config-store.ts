import type { Resource } from '../api/index.js';
import { workloadKey, type WorkloadInstance } from './workload.js';

export function resourceKey(r: { kind: string; namespace?: string | undefined; name: string }): string {
  return `${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'not found';

export interface ResourceChange {
  kind: string;
  namespace: string | undefined;
  name: string;
  action: ChangeAction;
}

/** An immutable view of the store at one revision: what the compiler reads. */
export interface StoreSnapshot {
  revision: number;
  resources: readonly Resource[];
  workloads: readonly WorkloadInstance[];
  byKind(kind: string): readonly Resource[];
}

interface Stored {
  resource: Resource;
  createdAt: number;
  /** Revision at creation, for Istio's "oldest wins" ordering. */
  created: number;
  fingerprint: string;
}

function fingerprint(r: Resource): string {
  return JSON.stringify(r.object);
}

/**
 * Resources and workloads with a revision that grows on every change. Changes are whole: a batch
 * is applied entirely or not at all (validation happens before, in the api layer).
 */
export class ConfigStore {
  private readonly items = new Map<string, Stored>();
  private readonly pods = new Map<string, WorkloadInstance>();
  private rev = 0;
  private cached: StoreSnapshot | undefined;
  private readonly listeners = new Set<(revision: number) => void>();

  get revision(): number {
    return this.rev;
  }

  onChange(listener: (revision: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.rev++;
    this.cached = undefined;
    for (const l of this.listeners) l(this.rev);
  }

  /** Applies a batch of validated resources, as `kubectl apply`: creates or replaces each. */
  apply(resources: readonly Resource[]): ResourceChange[] {
    const changes: ResourceChange[] = [];
    let any = false;
    for (const r of resources) {
      const key = resourceKey(r);
      const prior = this.items.get(key);
      const fp = fingerprint(r);
      if (prior && prior.fingerprint === fp) {
        changes.push({ kind: r.kind, namespace: r.namespace, name: r.name, action: 'unchanged' });
        continue;
      }
      this.items.set(key, { resource: r, created: prior?.created ?? this.rev + 1, createdAt: prior?.createdAt ?? Date.now(), fingerprint: fp });
      changes.push({ kind: r.kind, namespace: r.namespace, name: r.name, action: prior ? 'configured' : 'created' });
      any = true;
    }
    if (any) this.changed();
    return changes;
  }

  delete(refs: readonly { kind: string; namespace?: string | undefined; name: string }[]): ResourceChange[] {
    const changes: ResourceChange[] = [];
    let any = false;
    for (const ref of refs) {
      const existed = this.items.delete(resourceKey(ref));
      changes.push({ kind: ref.kind, namespace: ref.namespace, name: ref.name, action: existed ? 'deleted' : 'not found' });
      any ||= existed;
    }
    if (any) this.changed();
    return changes;
  }

  /** When the resource was first created in this store (for ages in `tack get`). */
  createdAt(r: { kind: string; namespace?: string | undefined; name: string }): number | undefined {
    return this.items.get(resourceKey(r))?.createdAt;
  }

  get(kind: string, namespace: string | undefined, name: string): Resource | undefined {
    return this.items.get(resourceKey({ kind, namespace, name }))?.resource;
  }

  list(kind?: string): Resource[] {
    return this.sorted().filter((r) => kind === undefined || r.kind === kind);
  }

  /** Resources in creation order, as Istio orders conflicting configuration (oldest first). */
  private sorted(): Resource[] {
    return [...this.items.values()].sort((a, b) => a.created - b.created || resourceKey(a.resource).localeCompare(resourceKey(b.resource))).map((s) => s.resource);
  }

  putWorkload(w: WorkloadInstance): void {
    this.pods.set(workloadKey(w), w);
    this.changed();
  }

  removeWorkload(namespace: string, name: string): void {
    if (this.pods.delete(workloadKey({ namespace, name }))) this.changed();
  }

  workload(namespace: string, name: string): WorkloadInstance | undefined {
    return this.pods.get(workloadKey({ namespace, name }));
  }

  workloads(): WorkloadInstance[] {
    return [...this.pods.values()];
  }

  snapshot(): StoreSnapshot {
    if (this.cached) return this.cached;
    const resources = Object.freeze(this.sorted());
    const workloads = Object.freeze(this.workloads().map((w) => Object.freeze({ ...w })));
    const byKindMap = new Map<string, Resource[]>();
    for (const r of resources) {
      const list = byKindMap.get(r.kind) ?? [];
      list.push(r);
      byKindMap.set(r.kind, list);
    }
    const snap: StoreSnapshot = { revision: this.rev, resources, workloads, byKind: (kind) => byKindMap.get(kind) ?? [] };
    this.cached = snap;
    return snap;
  }
}
