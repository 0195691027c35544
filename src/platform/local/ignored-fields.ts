/** Pod fields that mean nothing on one machine: accepted, and said once so nobody wonders. */
import type { Resource } from '../../api/index.js';
import type { PodSpec } from '../../api/kinds/pod-spec.js';

const POD_FIELDS = ['volumes', 'securityContext', 'affinity', 'tolerations', 'nodeSelector', 'imagePullSecrets', 'priorityClassName'] as const;
const CONTAINER_FIELDS = ['imagePullPolicy', 'resources', 'securityContext', 'volumeMounts', 'livenessProbe', 'startupProbe'] as const;

function podSpecOf(r: Resource): PodSpec | undefined {
  const o = r.object as { spec?: { template?: { spec?: PodSpec } } & PodSpec };
  if (r.kind === 'Deployment') return o.spec?.template?.spec;
  if (r.kind === 'Pod') return o.spec as PodSpec | undefined;
  return undefined;
}

/** One sentence naming the ignored fields in use, or undefined when there are none. */
export function ignoredFieldsNote(resources: readonly Resource[]): string | undefined {
  const fields = new Set<string>();
  for (const r of resources) {
    const spec = podSpecOf(r);
    if (!spec) continue;
    for (const f of POD_FIELDS) if (spec[f] !== undefined) fields.add(f);
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) for (const f of CONTAINER_FIELDS) if (c[f] !== undefined) fields.add(f);
    if (spec.initContainers?.length) fields.add('initContainers');
  }
  if (fields.size === 0) return undefined;
  return `note: ${[...fields].sort().join(', ')} have no meaning on one machine; they are accepted and ignored`;
}
