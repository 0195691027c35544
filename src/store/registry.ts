/**
 * The service registry: which services exist and which endpoints serve each port, computed from
 * Services, ServiceEntries and running workloads as Kubernetes and Istio compute them. Pure.
 */
import type { ServiceObject } from '../api/kinds/service.js';
import { labelsInclude } from '../api/selectors.js';
import { serviceFqdn } from '../api/hosts.js';
import { parseProtocol, servicePortProtocol, type KubernetesPort, type Protocol } from '../api/protocols.js';
import type { ServiceEntryObject } from '../api/kinds/service-entry.js';
import type { Resource } from '../api/index.js';
import type { StoreSnapshot } from './config-store.js';
import type { WorkloadInstance, WorkloadPort } from './workload.js';


export type PortProtocol = 'HTTP' | 'HTTP2' | 'HTTPS' | 'GRPC' | 'TCP' | 'TLS' | 'UDP' | 'UNKNOWN';

export interface RegistryPort {
  port: number;
  name?: string;
  protocol: PortProtocol;
  /** Service targetPort (number or container port name); ServiceEntry targetPort or the port itself. */
  targetPort: number | string;
}

export interface RegistryEndpoint {
  address: string;
  port: number;
  /** `<pod>.<namespace>` for pods. */
  pod?: string;
  namespace: string;
  labels: Record<string, string>;
  sidecar: boolean;
  ready: boolean;
}

export interface RegistryService {
  /** `reviews.default.svc.cluster.local`, or the ServiceEntry host. */
  hostname: string;
  name: string;
  namespace: string;
  ports: RegistryPort[];
  /** Endpoints by service port number. */
  endpoints: Map<number, RegistryEndpoint[]>;
  source: 'Service' | 'ServiceEntry';
  /** Namespaces that may see this service; empty = all. `.` already resolved. */
  exportTo: string[];
  /** Outside the mesh (ServiceEntry with MESH_EXTERNAL). */
  external: boolean;
  resource: Resource;
}

export interface ServiceRegistry {
  services: RegistryService[];
  byHostname: Map<string, RegistryService>;
}

/** tack's coarser view of Istio's protocols: what the proxy does differently (GRPC-Web routes as gRPC, databases as TCP). */
const PORT_PROTOCOL: Readonly<Record<Protocol, PortProtocol>> = {
  HTTP: 'HTTP', HTTP_PROXY: 'HTTP', HTTP2: 'HTTP2', GRPC: 'GRPC', 'GRPC-Web': 'GRPC', HTTPS: 'HTTPS', TLS: 'TLS',
  TCP: 'TCP', Mongo: 'TCP', Redis: 'TCP', MySQL: 'TCP', UDP: 'UDP',
};

/** A protocol Istio does not know (undefined) is sniffed: UNKNOWN. */
function toPortProtocol(p: Protocol | undefined): PortProtocol {
  return p === undefined ? 'UNKNOWN' : PORT_PROTOCOL[p];
}

/** A Service port's protocol, as Istio selects it (see servicePortProtocol in src/api/protocols.ts). */
export function portProtocol(port: KubernetesPort): PortProtocol {
  return toPortProtocol(servicePortProtocol(port));
}

/** A ServiceEntry port's protocol: Istio reads only its `protocol` field, never the name. */
export function serviceEntryPortProtocol(protocol: string | undefined): PortProtocol {
  return toPortProtocol(parseProtocol(protocol ?? ''));
}

export function isHttpProtocol(p: PortProtocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'GRPC' || p === 'UNKNOWN';
}

/** `reviews.default.svc.cluster.local`. */
export const serviceHostname = serviceFqdn;

/** A Service with no selector (or an empty one) selects no pods: its endpoints are managed elsewhere. */
function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && labelsInclude(selector, labels);
}

/** The workload port a Service targetPort lands on. An app listens where PORT says: its first declared port. */
function targetWorkloadPort(w: WorkloadInstance, target: number | string): WorkloadPort | undefined {
  if (typeof target === 'string') return w.ports.find((p) => p.name === target);
  return w.ports.find((p) => p.containerPort === target) ?? (w.ports.length === 1 ? w.ports[0] : undefined);
}

function endpointOf(w: WorkloadInstance, wp: WorkloadPort): RegistryEndpoint {
  return { address: w.address, port: wp.endpointPort, pod: `${w.name}.${w.namespace}`, namespace: w.namespace, labels: w.labels, sidecar: w.sidecar, ready: w.ready };
}

/** Workloads by namespace and by `key=value` label, so a selector looks at few candidates. */
export class WorkloadIndex {
  private readonly byLabel = new Map<string, WorkloadInstance[]>();
  private readonly byNamespace = new Map<string, WorkloadInstance[]>();

  constructor(workloads: readonly WorkloadInstance[]) {
    for (const w of workloads) {
      const inNs = this.byNamespace.get(w.namespace);
      if (inNs) inNs.push(w);
      else this.byNamespace.set(w.namespace, [w]);
      for (const [k, v] of Object.entries(w.labels)) {
        const key = `${w.namespace}\u0000${k}=${v}`;
        const list = this.byLabel.get(key);
        if (list) list.push(w);
        else this.byLabel.set(key, [w]);
      }
    }
  }

  /** Workloads in `namespace` whose labels include every selector entry. */
  select(namespace: string, selector: Record<string, string> | undefined): WorkloadInstance[] {
    if (!selector || Object.keys(selector).length === 0) return [];
    let narrowest: WorkloadInstance[] | undefined;
    for (const [k, v] of Object.entries(selector)) {
      const list = this.byLabel.get(`${namespace}\u0000${k}=${v}`) ?? [];
      if (!narrowest || list.length < narrowest.length) narrowest = list;
    }
    return (narrowest ?? []).filter((w) => selects(selector, w.labels));
  }

  inNamespace(namespace: string): readonly WorkloadInstance[] {
    return this.byNamespace.get(namespace) ?? [];
  }
}

function fromService(r: Resource<ServiceObject>, workloads: WorkloadIndex): RegistryService {
  const spec = r.object.spec ?? {};
  const namespace = r.namespace ?? 'default';
  const ports: RegistryPort[] = (spec.ports ?? []).map((p) => ({
    port: p.port,
    ...(p.name !== undefined ? { name: p.name } : {}),
    protocol: portProtocol(p),
    targetPort: p.targetPort ?? p.port,
  }));
  const members = workloads.select(namespace, spec.selector);
  const endpoints = new Map<number, RegistryEndpoint[]>();
  for (const p of ports) {
    const list: RegistryEndpoint[] = [];
    for (const w of members) {
      const wp = targetWorkloadPort(w, p.targetPort);
      if (wp) list.push(endpointOf(w, wp));
    }
    endpoints.set(p.port, list);
  }
  const exportAnnotation = r.metadata.annotations?.['networking.istio.io/exportTo'];
  const exportTo = exportAnnotation ? exportAnnotation.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (s === '.' ? namespace : s)) : [];
  return { hostname: serviceHostname(r.name, namespace), name: r.name, namespace, ports, endpoints, source: 'Service', exportTo, external: false, resource: r };
}

function fromServiceEntry(r: Resource<ServiceEntryObject>, workloads: WorkloadIndex): RegistryService[] {
  const spec = r.object.spec;
  const namespace = r.namespace ?? 'default';
  const ports: RegistryPort[] = (spec.ports ?? []).map((p) => ({
    port: p.number,
    name: p.name,
    protocol: serviceEntryPortProtocol(p.protocol),
    targetPort: p.targetPort ?? p.number,
  }));
  const exportTo = (spec.exportTo ?? []).map((s) => (s === '.' ? namespace : s));
  return (spec.hosts ?? []).map((host) => {
    const endpoints = new Map<number, RegistryEndpoint[]>();
    for (const p of ports) {
      const list: RegistryEndpoint[] = [];
      if (spec.workloadSelector?.labels) {
        for (const w of workloads.select(namespace, spec.workloadSelector.labels)) {
          const wp = targetWorkloadPort(w, p.targetPort);
          if (wp) list.push(endpointOf(w, wp));
        }
      } else if (spec.endpoints && spec.endpoints.length > 0) {
        for (const e of spec.endpoints) {
          if (!e.address) continue;
          const port = (p.name ? e.ports?.[p.name] : undefined) ?? (typeof p.targetPort === 'number' ? p.targetPort : p.port);
          list.push({ address: e.address, port, namespace, labels: e.labels ?? {}, sidecar: false, ready: true });
        }
      } else if (spec.resolution === 'DNS' || spec.resolution === 'DNS_ROUND_ROBIN') {
        list.push({ address: host, port: typeof p.targetPort === 'number' ? p.targetPort : p.port, namespace, labels: {}, sidecar: false, ready: true });
      }
      endpoints.set(p.port, list);
    }
    return { hostname: host, name: host, namespace, ports, endpoints, source: 'ServiceEntry' as const, exportTo, external: spec.location !== 'MESH_INTERNAL', resource: r };
  });
}

export function buildRegistry(snapshot: StoreSnapshot): ServiceRegistry {
  const services: RegistryService[] = [];
  const workloads = new WorkloadIndex(snapshot.workloads);
  for (const r of snapshot.byKind('Service')) services.push(fromService(r as Resource<ServiceObject>, workloads));
  for (const r of snapshot.byKind('ServiceEntry')) services.push(...fromServiceEntry(r as Resource<ServiceEntryObject>, workloads));
  const byHostname = new Map<string, RegistryService>();
  for (const s of services) if (!byHostname.has(s.hostname)) byHostname.set(s.hostname, s);
  return { services, byHostname };
}

/** Is `service` visible from `namespace` under its exportTo? */
export function visibleFrom(service: { exportTo: readonly string[]; namespace: string }, namespace: string): boolean {
  if (service.exportTo.length === 0) return true;
  return service.exportTo.some((e) => e === '*' || e === namespace);
}
