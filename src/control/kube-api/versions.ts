/**
 * resourceVersion, uid and a change log for every object the Kubernetes API serves: the store counts
 * revisions for itself as a whole, so this follows its changes and remembers at which revision each
 * object last changed, and what changed (for watch).
 */
import { createHash } from 'node:crypto';
import type { Resource } from '../../api/index.js';
import { resourceKey, workloadKey, type ConfigStore, type WorkloadInstance } from '../../store/index.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export type Tracked = { kind: 'Resource'; value: Resource } | { kind: 'Pod'; value: WorkloadInstance };

export interface ChangeEvent {
  type: EventType;
  /** Revision of the store at the change: the object's resourceVersion from then on. */
  revision: number;
  object: Tracked;
  uid: string;
}

interface Entry {
  object: Tracked;
  fingerprint: string;
  revision: number;
  uid: string;
}

/** A stable UUID-shaped id for one life of one object (a re-created object gets another). */
function uidOf(key: string, revision: number): string {
  const h = createHash('sha256').update(`${key}@${revision}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function keyOf(t: Tracked): string {
  return t.kind === 'Pod' ? `Pod/${workloadKey(t.value)}` : resourceKey(t.value);
}

export class VersionTracker {
  private readonly entries = new Map<string, Entry>();
  private readonly log: ChangeEvent[] = [];
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  /** Events older than this revision are gone from the log: a watch from before it gets 410. */
  private horizon: number;

  constructor(
    private readonly store: ConfigStore,
    private readonly historyLimit = 1000,
  ) {
    this.horizon = store.revision;
    this.sync(store.revision, false);
    store.onChange((revision) => this.sync(revision, true));
  }

  /** The oldest resourceVersion a watch can start from. */
  get oldest(): number {
    return this.horizon;
  }

  onEvent(listener: (e: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `revision`, in order. */
  since(revision: number): ChangeEvent[] {
    return this.log.filter((e) => e.revision > revision);
  }

  versionOf(t: Tracked): { revision: number; uid: string } {
    const e = this.entries.get(keyOf(t));
    return e ? { revision: e.revision, uid: e.uid } : { revision: this.store.revision, uid: uidOf(keyOf(t), 0) };
  }

  private sync(revision: number, emit: boolean): void {
    const seen = new Set<string>();
    const current: Tracked[] = [
      ...this.store.list().map((value): Tracked => ({ kind: 'Resource', value })),
      ...this.store.workloads().map((value): Tracked => ({ kind: 'Pod', value })),
    ];
    for (const object of current) {
      const key = keyOf(object);
      seen.add(key);
      const prior = this.entries.get(key);
      // Resources are replaced whole by the store; pods are re-reported with the same content often.
      if (prior && prior.object.value === object.value) continue;
      // A digest, not the JSON itself: a big mesh would otherwise hold every object twice.
      const fingerprint = createHash('sha1').update(JSON.stringify(object.kind === 'Pod' ? object.value : object.value.object)).digest('base64');
      if (prior && prior.fingerprint === fingerprint) {
        prior.object = object;
        continue;
      }
      const uid = prior?.uid ?? uidOf(key, revision);
      this.entries.set(key, { object, fingerprint, revision, uid });
      if (emit) this.record({ type: prior ? 'MODIFIED' : 'ADDED', revision, object, uid });
    }
    for (const [key, e] of this.entries) {
      if (seen.has(key)) continue;
      this.entries.delete(key);
      if (emit) this.record({ type: 'DELETED', revision, object: e.object, uid: e.uid });
    }
  }

  private record(e: ChangeEvent): void {
    this.log.push(e);
    if (this.log.length > this.historyLimit) {
      const dropped = this.log.splice(0, this.log.length - this.historyLimit);
      this.horizon = dropped[dropped.length - 1]?.revision ?? this.horizon;
    }
    for (const l of this.listeners) l(e);
  }
}
