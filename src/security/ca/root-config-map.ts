/** The ConfigMap Istio places in every namespace so workloads can fetch the mesh root. */
export const CA_ROOT_CONFIG_MAP_NAME = 'istio-ca-root-cert';
export const CA_ROOT_CONFIG_MAP_KEY = 'root-cert.pem';

export interface CaRootConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  data: Record<string, string>;
}

export function caRootConfigMap(namespace: string, rootPem: string): CaRootConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    // Istio's namespace controller labels it so it can find its own copies again.
    metadata: { name: CA_ROOT_CONFIG_MAP_NAME, namespace, labels: { 'istio.io/config': 'true' } },
    data: { [CA_ROOT_CONFIG_MAP_KEY]: rootPem },
  };
}
