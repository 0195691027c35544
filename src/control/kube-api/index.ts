export { createKubeApi, type KubeApi, type KubeApiDeps } from './handler.js';
export { isKubeApiPath } from './paths.js';
export { writeKubeToken, readKubeToken, writeKubeCa, readKubeCa, kubeTokenPath, stateDirOf, authorized } from './auth.js';
export { kubeconfigText, type KubeconfigInput } from './kubeconfig.js';
export { API_RESOURCES, type ApiResource } from './catalog.js';
export { createServingCert, acceptTls, type ServingCert } from './tls.js';
