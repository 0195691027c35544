/** A kubeconfig for the running mesh: cluster, user and context all named `tack`. */
import { stringify } from 'yaml';

export interface KubeconfigInput {
  /** `http://127.0.0.1:PORT` now; an https URL with tack's CA later. */
  server: string;
  token: string;
  namespace?: string;
}

export function kubeconfigText(k: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'tack', cluster: { server: k.server } }],
    users: [{ name: 'tack', user: { token: k.token } }],
    contexts: [{ name: 'tack', context: { cluster: 'tack', user: 'tack', namespace: k.namespace ?? 'default' } }],
    'current-context': 'tack',
    preferences: {},
  });
}
