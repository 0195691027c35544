/**
 * What kube-proxy knows: Kubernetes Services by name (as a pod in a namespace writes it) or by
 * cluster IP, and their ready endpoints, taken in turn. ServiceEntries are the mesh's business,
 * not kube-proxy's, so they are not here.
 */
import { isIP } from 'node:net';
import { CLUSTER_DOMAIN } from '../../../api/hosts.js';
import type { RegistryPort, RegistryService, ServiceRegistry } from '../../../store/index.js';

export interface Backend {
  host: string;
  port: number;
}

export interface ServicePortRef {
  service: RegistryService;
  port: RegistryPort;
}

export interface DirectorySource {
  registry(): ServiceRegistry;
  /** `namespace/name` of the Service holding this cluster IP. */
  serviceAt(ip: string): string | undefined;
}

/** `reviews`, `reviews.ns`, `reviews.ns.svc`, `reviews.ns.svc.cluster.local` → the Service's FQDN. */
export function serviceFqdnFor(host: string, namespace: string): string | undefined {
  const parts = host.toLowerCase().replace(/\.$/, '').split('.');
  const suffix = `svc.${CLUSTER_DOMAIN}`;
  if (parts.length === 1) return `${parts[0]}.${namespace}.${suffix}`;
  if (parts.length === 2) return `${parts[0]}.${parts[1]}.${suffix}`;
  if (parts.length === 3 && parts[2] === 'svc') return `${parts[0]}.${parts[1]}.${suffix}`;
  if (parts.length === 5 && parts.slice(2).join('.') === suffix) return parts.join('.');
  return undefined;
}

export class ServiceDirectory {
  private readonly turns = new Map<string, number>();

  constructor(private readonly source: DirectorySource) {}

  /** The Service port a pod in `namespace` means by `host:port`, if it names one. */
  resolve(namespace: string, host: string, port: number): ServicePortRef | undefined {
    const bare = host.replace(/^\[|\]$/g, '');
    const registry = this.source.registry();
    let service: RegistryService | undefined;
    if (isIP(bare)) {
      const key = this.source.serviceAt(bare);
      service = key === undefined ? undefined : registry.services.find((s) => s.source === 'Service' && `${s.namespace}/${s.name}` === key);
    } else {
      const fqdn = serviceFqdnFor(bare, namespace);
      const found = fqdn === undefined ? undefined : registry.byHostname.get(fqdn);
      service = found?.source === 'Service' ? found : undefined;
    }
    const servicePort = service?.ports.find((p) => p.port === port);
    return service && servicePort ? { service, port: servicePort } : undefined;
  }

  /**
   * The next ready endpoint of a Service port, in turn (as IPVS round-robin does); undefined when
   * none is ready. An endpoint is the pod's port as the mesh sees it: its sidecar's inbound
   * listener when it has one, as kube-proxy lands on the pod and the sidecar intercepts.
   */
  pick(ref: ServicePortRef): Backend | undefined {
    const ready = (ref.service.endpoints.get(ref.port.port) ?? []).filter((e) => e.ready);
    if (ready.length === 0) return undefined;
    const key = `${ref.service.hostname}:${ref.port.port}`;
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    const e = ready[turn % ready.length];
    if (!e) return undefined;
    return { host: e.address, port: e.port };
  }

  /** A Service port by its Service's key, for listeners that belong to one Service. */
  byKey(key: string, port: number): ServicePortRef | undefined {
    const service = this.source.registry().services.find((s) => s.source === 'Service' && `${s.namespace}/${s.name}` === key);
    const servicePort = service?.ports.find((p) => p.port === port);
    return service && servicePort ? { service, port: servicePort } : undefined;
  }
}
