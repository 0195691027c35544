/** Resolves `deploy/NAME`, `deployment/NAME`, `pod/NAME` or `NAME` to one running pod, as kubectl does. */
import type { WorkloadInstance } from '../store/index.js';
import { ControlError, request } from './control-client.js';

export type PodInfo = WorkloadInstance & { containers: string[] };

export async function resolvePod(port: number, ref: string, namespace: string): Promise<PodInfo> {
  const slash = ref.indexOf('/');
  const type = slash < 0 ? 'pod' : ref.slice(0, slash).toLowerCase();
  const name = slash < 0 ? ref : ref.slice(slash + 1);
  const answer = await request<{ items: PodInfo[] }>(port, 'GET', `/v1/pods?namespace=${encodeURIComponent(namespace)}`);
  const pods = answer.body.items.filter((p) => p.phase !== 'Terminating');
  if (type === 'pod' || type === 'pods' || type === 'po') {
    const pod = pods.find((p) => p.name === name);
    if (!pod) throw new ControlError(`pods "${name}" not found in namespace "${namespace}"`);
    return pod;
  }
  if (type === 'deploy' || type === 'deployment' || type === 'deployments') {
    const mine = pods.filter((p) => p.deployment === name);
    const pod = mine.find((p) => p.ready) ?? mine[0];
    if (!pod) throw new ControlError(`deployments.apps "${name}" has no running pod in namespace "${namespace}"`);
    return pod;
  }
  throw new ControlError(`cannot pick a pod from "${ref}": use pod/NAME or deploy/NAME`);
}
