/**
 * Does a new pod get a sidecar? Istio decides in two steps and so does tack: the injector webhooks'
 * namespace and object selectors (which webhook, if any, sees the pod), then the injector's own
 * checks on the pod. tack behaves as Istio installed with `enableNamespacesByDefault: true` and one
 * control plane of revision `default`: a namespace with no injection label is injected. Pure.
 */

/** The revisions this control plane serves (`istio.io/rev` values that select it). */
export const TACK_REVISIONS: readonly string[] = ['default'];

/** Namespaces Istio's catch-all webhook leaves alone. */
const NOT_AUTO_INJECTED = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);
/** Namespaces the injector itself refuses. */
const IGNORED = new Set(['kube-system', 'kube-public']);

const INJECT = 'sidecar.istio.io/inject';
const NS_INJECTION = 'istio-injection';
const REV = 'istio.io/rev';

export interface InjectionInput {
  namespace: string;
  namespaceLabels: Readonly<Record<string, string>>;
  podLabels: Readonly<Record<string, string>>;
  podAnnotations: Readonly<Record<string, string>>;
  hostNetwork?: boolean;
}

/** Would one of the injector webhooks (for tack's revisions) be called for this pod? */
function webhookSelects(p: InjectionInput): boolean {
  const nsInjection = p.namespaceLabels[NS_INJECTION];
  const nsRev = p.namespaceLabels[REV];
  const podInject = p.podLabels[INJECT];
  const podRev = p.podLabels[REV];
  const notOptedOut = podInject !== 'false';
  // istio-injection wins over istio.io/rev on a namespace; any value but `enabled` selects nothing.
  if (nsInjection !== undefined) return nsInjection === 'enabled' && notOptedOut;
  if (nsRev !== undefined) return TACK_REVISIONS.includes(nsRev) && notOptedOut;
  if (podRev !== undefined) return TACK_REVISIONS.includes(podRev) && notOptedOut;
  if (podInject === 'true') return true;
  return !NOT_AUTO_INJECTED.has(p.namespace) && notOptedOut;
}

/** The injector's own policy on a pod it was asked about (label before annotation, as Istio reads them). */
function injectorAccepts(p: InjectionInput): boolean {
  if (p.hostNetwork) return false;
  if (IGNORED.has(p.namespace)) return false;
  const value = (p.podLabels[INJECT] ?? p.podAnnotations[INJECT] ?? '').toLowerCase();
  // Istio's boolean spellings; anything else falls back to the default policy, which injects.
  return !['n', 'no', 'false', 'off'].includes(value);
}

export function sidecarInjected(p: InjectionInput): boolean {
  return webhookSelects(p) && injectorAccepts(p);
}
