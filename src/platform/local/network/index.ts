export { PodNetwork, type PodNetworkOptions } from './pod-network.js';
export { sidecarInjected, type InjectionInput } from './injection.js';
