export { createKubeApi, type KubeApi, type KubeApiDeps } from './handler.js';
export { isKubeApiPath } from './paths.js';
export { writeKubeToken, readKubeToken, kubeTokenPath, stateDirOf, authorized } from './auth.js';
export { kubeconfigText, type KubeconfigInput } from './kubeconfig.js';
export { API_RESOURCES, type ApiResource } from './catalog.js';
