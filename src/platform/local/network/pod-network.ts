/**
 * The local pod network (DESIGN §3): what Kubernetes' IP allocation, kube-proxy and cluster DNS
 * give pods, for processes on one machine. It keeps every Service's cluster IP and node ports,
 * listens on cluster IPs and, for LoadBalancer and NodePort Services, on 127.0.0.1 (TCP, to ready
 * endpoints, outside the mesh's routing), and runs the HTTP proxy that pods without a sidecar reach
 * Services through.
 */
import type { Resource } from '../../../api/index.js';
import type { ServiceObject } from '../../../api/kinds/service.js';
import { buildRegistry, type ServiceRegistry, type StoreSnapshot } from '../../../store/index.js';
import { ClusterIpAllocator, type ClusterIp } from './cluster-ip.js';
import { NodePortAllocator } from './node-port.js';
import { ServiceDirectory, type Backend } from './service-directory.js';
import { TcpListeners } from './tcp-listeners.js';
import { startDirectProxy, type DirectProxy } from './direct-proxy.js';
import { serviceEnvironment, type ServiceLink } from './service-env.js';
import { serviceObjectView, LOAD_BALANCER_IP, type ServiceNetView } from './service-view.js';
import { gatewayPods, selectsGateway } from './gateway-services.js';

export interface PodNetworkOptions {
  /** Makes this mesh's cluster IPs its own (two meshes on one machine must not share them). */
  salt: string;
  random(): number;
  /** Host ports on 127.0.0.1 that tack itself uses (gateway, control API), with what uses them. */
  reserved?: ReadonlyMap<number, string>;
  /**
   * A port for a namespace's plain proxy from the runner's allocator: a port the OS picks could be
   * one already handed to a sidecar that has not bound it yet.
   */
  allocatePort?: () => Promise<number>;
  log(message: string): void;
}

interface Listener {
  /** What it is, for messages: `cluster IP`, `type LoadBalancer`, `node port`. */
  what: string;
  address: string;
  /** Where it listens. */
  port: number;
  /** The Service port it serves. */
  servicePort: number;
  /** A node port tack chose, which it may choose again when the host has it busy. */
  chosen?: boolean;
}

interface ServiceNet extends ServiceNetView {
  nodePorts: Map<number, number>;
  listeners: Set<string>;
}

const ATTEMPTS_FOR_A_FREE_NODE_PORT = 5;

export class PodNetwork {
  private readonly clusterIps: ClusterIpAllocator;
  private readonly nodePortAllocator: NodePortAllocator;
  private readonly listeners = new TcpListeners();
  private readonly services = new Map<string, ServiceNet>();
  private readonly proxies = new Map<string, Promise<DirectProxy>>();
  private readonly directory: ServiceDirectory;
  private readonly said = new Set<string>();
  private cache: { snapshot: StoreSnapshot; registry: ServiceRegistry } | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly snapshot: () => StoreSnapshot,
    private readonly opts: PodNetworkOptions,
  ) {
    this.clusterIps = new ClusterIpAllocator(opts.salt);
    this.nodePortAllocator = new NodePortAllocator(opts.random);
    this.directory = new ServiceDirectory({ registry: () => this.registry(), serviceAt: (ip) => this.clusterIps.holder(ip) });
  }

  private registry(): ServiceRegistry {
    const snapshot = this.snapshot();
    if (this.cache?.snapshot !== snapshot) this.cache = { snapshot, registry: buildRegistry(snapshot) };
    return this.cache.registry;
  }

  private say(message: string): void {
    if (this.said.has(message)) return;
    this.said.add(message);
    this.opts.log(message);
  }

  /** Brings addresses and listeners in line with the Services in the store; one sync at a time. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncNow());
    return this.syncing;
  }

  private async syncNow(): Promise<void> {
    if (this.closed) return;
    const snapshot = this.snapshot();
    const gateways = gatewayPods(snapshot.resources);
    const seen = new Set<string>();
    for (const r of snapshot.byKind('Service') as Resource<ServiceObject>[]) {
      const key = `${r.namespace ?? 'default'}/${r.name}`;
      seen.add(key);
      await this.syncService(key, r, selectsGateway(r.namespace ?? 'default', r.object.spec?.selector, gateways));
    }
    for (const [key, state] of this.services) {
      if (seen.has(key)) continue;
      await Promise.all([...state.listeners].map((l) => this.listeners.close(l)));
      for (const np of state.nodePorts.values()) this.nodePortAllocator.release(np);
      this.clusterIps.release(key);
      this.services.delete(key);
    }
  }

  private async syncService(key: string, r: Resource<ServiceObject>, gateway: boolean): Promise<void> {
    const spec = r.object.spec ?? {};
    const type = spec.type ?? 'ClusterIP';
    const assigned = this.clusterIps.assign(key, spec.clusterIP, type === 'ExternalName');
    if (assigned.note) this.say(`Service ${key}: ${assigned.note}`);
    const state = this.services.get(key) ?? { clusterIp: assigned.clusterIp, nodePorts: new Map<number, number>(), loadBalancer: false, listeners: new Set<string>() };
    state.clusterIp = assigned.clusterIp;
    this.services.set(key, state);
    const tcp = (spec.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
    // A Service of tack's gateway opens nothing: the gateway serves its Gateway ports on the host ports `tack up` gave it.
    const external = (type === 'NodePort' || type === 'LoadBalancer') && !gateway;
    const wanted: Listener[] = [];
    if (assigned.clusterIp.kind === 'ip' && !gateway) for (const p of tcp) wanted.push({ what: 'cluster IP', address: assigned.clusterIp.ip, port: p.port, servicePort: p.port });
    const nodePorts = new Map<number, number>();
    if (external) {
      for (const p of spec.ports ?? []) {
        const owner = `Service ${key} port ${p.port}`;
        const had = state.nodePorts.get(p.port);
        if (p.nodePort !== undefined) {
          if (had !== undefined && had !== p.nodePort) this.nodePortAllocator.release(had);
          const problem = this.nodePortAllocator.reserve(p.nodePort, owner);
          if (problem) this.say(`${owner}: spec.ports nodePort: ${problem}`);
          else nodePorts.set(p.port, p.nodePort);
        } else {
          nodePorts.set(p.port, had ?? this.nodePortAllocator.allocate(owner));
        }
      }
      for (const p of tcp) {
        if (type === 'LoadBalancer') wanted.push({ what: 'type LoadBalancer', address: LOAD_BALANCER_IP, port: p.port, servicePort: p.port });
        const np = nodePorts.get(p.port);
        if (np !== undefined) wanted.push({ what: 'node port', address: LOAD_BALANCER_IP, port: np, servicePort: p.port, chosen: p.nodePort === undefined });
      }
    }
    for (const [port, np] of state.nodePorts) if (nodePorts.get(port) !== np) this.nodePortAllocator.release(np);
    state.nodePorts = nodePorts;
    const wantedKeys = new Set(wanted.map((l) => `${l.address}:${l.port}`));
    for (const l of [...state.listeners]) {
      if (wantedKeys.has(l)) continue;
      state.listeners.delete(l);
      await this.listeners.close(l);
    }
    let lbReady = type === 'LoadBalancer' && (gateway || tcp.length > 0);
    for (const l of wanted) {
      const ok = await this.open(key, state, l);
      if (!ok && l.what === 'type LoadBalancer') lbReady = false;
    }
    state.loadBalancer = lbReady;
  }

  /** Opens one listener of a Service; a node port tack chose moves on when the host has it busy. */
  private async open(key: string, state: ServiceNet, l: Listener): Promise<boolean> {
    let port = l.port;
    const busy = new Set<number>();
    const target = (): Backend | undefined => {
      const ref = this.directory.byKey(key, l.servicePort);
      return ref ? this.directory.pick(ref) : undefined;
    };
    for (let attempt = 0; ; attempt++) {
      const id = `${l.address}:${port}`;
      if (state.listeners.has(id)) return true;
      const reservedFor = l.address === LOAD_BALANCER_IP ? this.opts.reserved?.get(port) : undefined;
      const problem = reservedFor !== undefined ? { code: 'RESERVED', message: `${l.address}:${port} is ${reservedFor}` } : await this.listeners.open(`Service ${key}`, l.address, port, target);
      if (problem === undefined) {
        state.listeners.add(id);
        return true;
      }
      if (l.chosen && ['EADDRINUSE', 'OWNED', 'RESERVED'].includes(problem.code) && attempt < ATTEMPTS_FOR_A_FREE_NODE_PORT) {
        this.nodePortAllocator.release(port);
        busy.add(port);
        port = this.nodePortAllocator.allocate(`Service ${key} port ${l.servicePort}`, busy);
        state.nodePorts.set(l.servicePort, port);
        continue;
      }
      if (l.what === 'cluster IP' && problem.code === 'EACCES') {
        // Common without root (Services on port 80): said once, as it is about the host, not the Service.
        this.say(`note: cluster IP ports below 1024 cannot be bound without privileges (root or CAP_NET_BIND_SERVICE); Services on them are reached by name only`);
        return false;
      }
      const what = l.what === 'node port' ? `node port ${port} (port ${l.servicePort})` : `${l.what} port ${l.servicePort}`;
      this.say(`Service ${key}: cannot serve ${what}: ${problem.message}`);
      return false;
    }
  }

  /** The Service object with its cluster IP, node ports and load balancer address. */
  serviceObject(r: Resource): Record<string, unknown> {
    const object = r.object as Record<string, unknown>;
    if (r.kind !== 'Service') return object;
    return serviceObjectView(object, this.services.get(`${r.namespace ?? 'default'}/${r.name}`));
  }

  clusterIpOf(namespace: string, name: string): ClusterIp | undefined {
    return this.services.get(`${namespace}/${name}`)?.clusterIp;
  }

  /** The kubelet's variables for the Services of `namespace` as they are now. */
  serviceEnv(namespace: string): Record<string, string> {
    const links: ServiceLink[] = [];
    for (const r of this.snapshot().byKind('Service') as Resource<ServiceObject>[]) {
      if ((r.namespace ?? 'default') !== namespace) continue;
      const ip = this.services.get(`${namespace}/${r.name}`)?.clusterIp;
      if (ip?.kind === 'ip') links.push({ name: r.name, clusterIP: ip.ip, ports: r.object.spec?.ports ?? [] });
    }
    links.sort((a, b) => a.name.localeCompare(b.name));
    return serviceEnvironment(links);
  }

  /** Port of the HTTP proxy for pods without a sidecar in `namespace` (started on first use). */
  async directProxyPort(namespace: string): Promise<number> {
    let proxy = this.proxies.get(namespace);
    if (!proxy) {
      const directory = this.directory;
      const allocate = this.opts.allocatePort;
      proxy = (allocate ? allocate() : Promise.resolve(0)).then((port) => startDirectProxy(namespace, directory, port));
      this.proxies.set(namespace, proxy);
      void proxy.then((p) => this.opts.log(`pods without a sidecar in namespace ${namespace} reach Services through 127.0.0.1:${p.port}`), () => this.proxies.delete(namespace));
    }
    return (await proxy).port;
  }

  /** Closes every listener and proxy this network opened. */
  async close(): Promise<void> {
    this.closed = true;
    await this.syncing.catch(() => undefined);
    await this.listeners.closeAll();
    const proxies = await Promise.allSettled(this.proxies.values());
    this.proxies.clear();
    await Promise.all(proxies.map((p) => (p.status === 'fulfilled' ? p.value.close() : undefined)));
  }
}
