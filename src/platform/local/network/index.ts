export { PodNetwork, type PodNetworkOptions } from './pod-network.js';
export { sidecarInjected, TACK_REVISIONS, type InjectionInput } from './injection.js';
export { SERVICE_CIDR } from './cluster-ip.js';
export { NODE_PORT_MIN, NODE_PORT_MAX } from './node-port.js';
export { LOAD_BALANCER_IP } from './service-view.js';
export { serviceEnvironment, envName, type ServiceLink } from './service-env.js';
