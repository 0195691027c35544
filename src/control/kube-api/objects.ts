/** Objects as the Kubernetes API returns them: what the user wrote, plus the metadata a server keeps. */
import type { Resource } from '../../api/index.js';
import type { WorkloadInstance } from '../../store/index.js';
import { apiVersion, type ApiResource } from './catalog.js';

export type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> };

/** Server-kept metadata: ignored on input, so a `kubectl get -o yaml` round-trips without changing anything. */
const SERVER_FIELDS = ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink'] as const;

/** Kubernetes' timestamps: RFC 3339 in UTC, whole seconds. */
export function timestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export interface ServerMeta {
  revision: number;
  uid: string;
  createdAt: number | undefined;
}

export function servedResource(r: Resource, type: ApiResource, version: string, meta: ServerMeta): KubeObject {
  const object = r.object;
  const written = (object.metadata ?? {}) as Record<string, unknown>;
  return {
    ...object,
    apiVersion: apiVersion(type, version),
    kind: r.kind,
    metadata: {
      ...written,
      name: r.name,
      ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
      uid: meta.uid,
      resourceVersion: String(meta.revision),
      ...(meta.createdAt !== undefined ? { creationTimestamp: timestamp(meta.createdAt) } : {}),
    },
  };
}

/**
 * The object as it will be validated and stored: server-kept fields dropped, identity from the URL.
 * `status` goes too: every kind here has it as a subresource, which writes to the object leave alone.
 */
export function forStorage(body: Record<string, unknown>, namespace: string | undefined): Record<string, unknown> {
  const metadata = { ...((body.metadata ?? {}) as Record<string, unknown>) };
  for (const f of SERVER_FIELDS) delete metadata[f];
  if (namespace !== undefined) metadata.namespace = namespace;
  const { status: _status, ...rest } = body;
  return { ...rest, metadata };
}

export interface PodDetails {
  containers: { name: string; image?: string }[];
  nodeName: string;
}

/** A running workload as a Pod object, with the status fields kubectl's columns read. */
export function servedPod(w: WorkloadInstance, details: PodDetails | undefined, meta: ServerMeta): KubeObject {
  const containers = details?.containers.length ? details.containers : [{ name: w.deployment ?? w.name }];
  const running = w.phase === 'Running' || w.phase === 'CrashLoopBackOff';
  const phase = w.phase === 'CrashLoopBackOff' ? 'Running' : w.phase === 'Terminating' ? 'Running' : w.phase;
  const started = timestamp(w.startedAt);
  const conditionStatus = (ok: boolean): string => (ok ? 'True' : 'False');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: w.name,
      namespace: w.namespace,
      uid: meta.uid,
      resourceVersion: String(meta.revision),
      creationTimestamp: started,
      labels: { ...w.labels },
      ...(w.phase === 'Terminating' ? { deletionTimestamp: started } : {}),
    },
    spec: {
      containers: containers.map((c) => ({ name: c.name, ...(c.image ? { image: c.image } : {}), ports: [] })),
      serviceAccountName: w.serviceAccount,
      nodeName: details?.nodeName ?? 'local',
    },
    status: {
      phase,
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: conditionStatus(w.ready) },
        { type: 'ContainersReady', status: conditionStatus(w.ready) },
        { type: 'PodScheduled', status: 'True' },
      ],
      hostIP: '127.0.0.1',
      podIP: w.address,
      podIPs: [{ ip: w.address }],
      startTime: started,
      // tack counts restarts per pod; they go to the first container so the pod's sum is right.
      containerStatuses: containers.map((c, i) => ({
        name: c.name,
        image: c.image ?? '',
        ready: w.ready,
        restartCount: i === 0 ? w.restarts : 0,
        started: running,
        state: w.phase === 'CrashLoopBackOff' ? { waiting: { reason: 'CrashLoopBackOff' } } : running ? { running: { startedAt: started } } : { waiting: { reason: 'ContainerCreating' } },
      })),
    },
  };
}
