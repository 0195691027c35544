export { ConfigStore, resourceKey, type StoreSnapshot, type ResourceChange, type ChangeAction } from './config-store.js';
export { workloadKey, type WorkloadInstance, type WorkloadPort } from './workload.js';
export {
  buildRegistry, visibleFrom, isHttpProtocol,
  type ServiceRegistry, type RegistryService, type RegistryPort, type RegistryEndpoint, type PortProtocol,
} from './registry.js';
