/** A kubeconfig for the running mesh: cluster, user and context all named `tack`. */
import { stringify } from 'yaml';

export interface KubeconfigInput {
  /** `http://127.0.0.1:PORT` now; an https URL with tack's CA later. */
  server: string;
  token: string;
  /** PEM of the certificate authority for an https server. */
  ca?: string;
  namespace?: string;
}

export function kubeconfigText(k: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'tack', cluster: { server: k.server, ...(k.ca ? { 'certificate-authority-data': Buffer.from(k.ca).toString('base64') } : {}) } }],
    users: [{ name: 'tack', user: { token: k.token } }],
    contexts: [{ name: 'tack', context: { cluster: 'tack', user: 'tack', namespace: k.namespace ?? 'default' } }],
    'current-context': 'tack',
    preferences: {},
  });
}
