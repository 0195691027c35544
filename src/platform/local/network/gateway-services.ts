/** Services that front tack's own gateway pods: the gateway already listens on the host ports `tack up` was given. Pure. */
import type { Resource } from '../../../api/index.js';
import type { DeploymentObject } from '../../../api/kinds/deployment.js';
import type { PodSpec } from '../../../api/kinds/pod-spec.js';
import { labelsInclude } from '../../../api/selectors.js';
import { isProxyImage } from '../container-command.js';

/** Label sets of the pods that run tack's proxy as a gateway. */
export function gatewayPods(resources: readonly Resource[]): { namespace: string; labels: Record<string, string> }[] {
  const out: { namespace: string; labels: Record<string, string> }[] = [];
  for (const r of resources) {
    let spec: PodSpec | undefined;
    let labels: Record<string, string> | undefined;
    if (r.kind === 'Deployment') {
      const template = (r as Resource<DeploymentObject>).object.spec.template;
      spec = template.spec;
      labels = template.metadata?.labels;
    } else if (r.kind === 'Pod') {
      spec = (r.object as { spec?: PodSpec }).spec;
      labels = r.metadata.labels;
    }
    if (spec?.containers.some((c) => isProxyImage(c.image))) out.push({ namespace: r.namespace ?? 'default', labels: labels ?? {} });
  }
  return out;
}

export function selectsGateway(namespace: string, selector: Record<string, string> | undefined, gateways: readonly { namespace: string; labels: Record<string, string> }[]): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return gateways.some((g) => g.namespace === namespace && labelsInclude(selector, g.labels));
}
