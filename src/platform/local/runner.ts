/**
 * Runs what the store asks for: every Deployment's replicas and every bare Pod as local pods, the
 * ingress gateway included. Template changes roll: new pods start, and old ones stop once the new
 * ones are ready, so a change loses no request.
 */
import type { Resource } from '../../api/index.js';
import type { DeploymentObject } from '../../api/kinds/deployment.js';
import type { PodObject } from '../../api/kinds/pod.js';
import type { ServiceObject } from '../../api/kinds/service.js';
import type { ConfigStore, WorkloadPort } from '../../store/index.js';
import { LocalPod, type PodHost, type PodPorts } from './local-pod.js';
import { PortAllocator } from './ports.js';
import { declaredPorts, planDeployment, planPod, type PodPlan } from './pod-plan.js';
import { containerRun } from './container-command.js';
import { PodNetwork } from './network/index.js';

export interface RunnerOptions {
  controlAddress: string;
  logDir: string;
  /** Host port for each Gateway server port (80 → --http-port ...). */
  gatewayPorts: Record<number, number>;
  /** Proxies log each request (on by default, as in Istio's demo profile). */
  accessLog?: boolean;
  /** Worker processes per proxy. */
  proxyConcurrency?: number;
  /** HTTP/1.1 implementation of the proxies (default: tack's lean codec). */
  proxyHttpCodec?: 'lean' | 'node';
  /** More `tack proxy` flags for every proxy, as given to `tack up` (its timeouts). */
  proxyArgs?: string[];
  /** Randomness for node ports (Math.random unless a test fixes it). */
  random?: () => number;
  proxyHasConfig(namespace: string, pod: string): boolean;
  forgetProxy(namespace: string, pod: string): void;
  /** A bootstrap credential for one proxy, bound to its pod and service account (the mesh CA's). */
  proxyToken?(namespace: string, pod: string, serviceAccount: string): string;
  log(message: string): void;
}

const MAX_GRACE_MS = 5_000;

/** Problems that keep a Deployment or Pod from running here (e.g. an image with no command). */
export function runProblems(resources: readonly Resource[]): string[] {
  const out: string[] = [];
  for (const r of resources) {
    if (r.kind !== 'Deployment' && r.kind !== 'Pod') continue;
    const spec = r.kind === 'Deployment' ? (r as Resource<DeploymentObject>).object.spec.template.spec : ((r as Resource<PodObject>).object.spec as PodObject['spec']);
    for (const c of spec?.containers ?? []) {
      const run = containerRun(c, `${r.kind} ${r.namespace}/${r.name}`);
      if (run.kind === 'error') out.push(`${r.source.file}:${r.source.line}: ${run.message}`);
    }
  }
  return out;
}

/** Host ports tack itself listens on, which no Service may take. */
function reservedHostPorts(opts: RunnerOptions): Map<number, string> {
  const reserved = new Map<number, string>();
  for (const [server, host] of Object.entries(opts.gatewayPorts)) reserved.set(host, `the ingress gateway's host port for Gateway port ${server}`);
  const control = Number(opts.controlAddress.split(':').pop());
  if (Number.isInteger(control)) reserved.set(control, 'the control API (--control-port)');
  return reserved;
}

export class LocalRunner {
  private readonly pods = new Map<string, LocalPod>();
  private readonly ports = new PortAllocator();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly host: PodHost;
  /** Cluster IPs, LoadBalancer and NodePort listeners, and the way pods without a sidecar reach Services. */
  readonly network: PodNetwork;

  constructor(
    private readonly store: ConfigStore,
    private readonly opts: RunnerOptions,
  ) {
    this.host = {
      controlAddress: opts.controlAddress,
      accessLog: opts.accessLog ?? true,
      proxyConcurrency: opts.proxyConcurrency ?? 1,
      proxyHttpCodec: opts.proxyHttpCodec ?? 'lean',
      proxyArgs: opts.proxyArgs ?? [],
      logDir: opts.logDir,
      lookup: (kind, ns, name) => store.get(kind, ns, name),
      serviceEnv: (ns) => this.network.serviceEnv(ns),
      proxyHasConfig: opts.proxyHasConfig,
      ...(opts.proxyToken ? { proxyToken: opts.proxyToken } : {}),
      update: (w) => {
        if (!this.stopped || w.phase === 'Terminating') store.putWorkload(w);
      },
      log: opts.log,
    };
    // The control address tells meshes on one machine apart, so they do not share cluster IPs.
    this.network = new PodNetwork(() => store.snapshot(), { salt: opts.controlAddress, random: opts.random ?? Math.random, reserved: reservedHostPorts(opts), allocatePort: () => this.ports.allocate(), log: opts.log });
    store.onChange(() => this.schedule());
  }

  /** A namespace's labels as they are now (they decide injection for pods created from now on). */
  private namespaceLabels(namespace: string): Record<string, string> {
    return this.store.get('Namespace', undefined, namespace)?.metadata.labels ?? {};
  }

  /** A resource as `tack get` shows it: Services with their cluster IP, node ports and load balancer. */
  served(r: Resource): Record<string, unknown> {
    return this.network.serviceObject(r);
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.running.then(() => this.reconcile()).catch((err: unknown) => this.opts.log(`reconcile failed: ${err instanceof Error ? err.message : String(err)}`));
    }, 20);
  }

  pod(namespace: string, name: string): LocalPod | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  allPods(): LocalPod[] {
    return [...this.pods.values()];
  }

  /** Brings running pods in line with the store. */
  async reconcile(): Promise<void> {
    if (this.stopped) return;
    // Addresses first: a pod's environment names the cluster IPs of the Services that exist when it starts.
    await this.network.sync();
    if (this.stopped) return;
    const snapshot = this.store.snapshot();
    const wanted = new Set<string>();
    for (const d of snapshot.byKind('Deployment') as Resource<DeploymentObject>[]) {
      await this.reconcileDeployment(d, wanted);
    }
    for (const p of snapshot.byKind('Pod') as Resource<PodObject>[]) {
      const key = `${p.namespace}/${p.name}`;
      wanted.add(key);
      if (!this.pods.has(key)) await this.startPod(planPod(p, this.namespaceLabels(p.namespace ?? 'default')));
    }
    for (const [key, pod] of this.pods) if (!wanted.has(key)) this.retire(pod);
  }

  private async reconcileDeployment(d: Resource<DeploymentObject>, wanted: Set<string>): Promise<void> {
    const ns = d.namespace ?? 'default';
    const replicas = d.object.spec.replicas ?? 1;
    const mine = [...this.pods.values()].filter((p) => p.plan.namespace === ns && p.plan.deployment === d.name);
    const [plan] = planDeployment(d, () => 'x');
    const hash = plan?.templateHash;
    const current = mine.filter((p) => p.plan.templateHash === hash);
    const old = mine.filter((p) => p.plan.templateHash !== hash);
    for (const p of current) wanted.add(p.key);
    if (current.length < replicas) {
      const plans = planDeployment({ ...d, object: { ...d.object, spec: { ...d.object.spec, replicas: replicas - current.length } } }, undefined, this.namespaceLabels(ns));
      for (const pl of plans) {
        wanted.add(`${pl.namespace}/${pl.name}`);
        await this.startPod(pl);
      }
    } else if (current.length > replicas) {
      for (const p of current.slice(replicas)) wanted.delete(p.key);
    }
    // Old pods keep serving until the new template's pods are ready.
    const readyNew = current.filter((p) => p.isReady()).length;
    if (readyNew >= Math.min(replicas, current.length) && current.length >= replicas) return;
    for (const p of old) wanted.add(p.key);
    if (old.length > 0) setTimeout(() => this.schedule(), 200).unref();
  }

  /** Ports a pod needs: its declared container ports, or the numeric targetPorts of Services selecting it. */
  private portNumbers(plan: PodPlan): { containerPort: number; name?: string; protocol: string }[] {
    const declared = declaredPorts(plan.spec).map(({ containerPort, name, protocol }) => ({ containerPort, ...(name ? { name } : {}), protocol }));
    if (declared.length > 0) return declared;
    const out: { containerPort: number; protocol: string }[] = [];
    for (const s of this.store.list('Service') as Resource<ServiceObject>[]) {
      const sel = s.object.spec?.selector;
      if (s.namespace !== plan.namespace || !sel || Object.keys(sel).length === 0) continue;
      if (!Object.entries(sel).every(([k, v]) => plan.labels[k] === v)) continue;
      for (const p of s.object.spec?.ports ?? []) {
        const target = typeof p.targetPort === 'number' ? p.targetPort : p.targetPort === undefined ? p.port : undefined;
        if (target !== undefined && !out.some((o) => o.containerPort === target)) out.push({ containerPort: target, protocol: p.protocol ?? 'TCP' });
      }
    }
    return out;
  }

  private async startPod(plan: PodPlan): Promise<void> {
    const gateway = plan.spec.containers.some((c) => containerRun(c, '').kind === 'gateway');
    const ports: WorkloadPort[] = [];
    let podPorts: PodPorts;
    if (gateway) {
      podPorts = { ports: [], gatewayPorts: this.opts.gatewayPorts, adminPort: await this.ports.allocate() };
    } else {
      for (const p of this.portNumbers(plan)) {
        const appPort = await this.ports.allocate();
        const endpointPort = plan.sidecar ? await this.ports.allocate() : appPort;
        ports.push({ containerPort: p.containerPort, ...(p.name ? { name: p.name } : {}), protocol: p.protocol, appPort, endpointPort });
      }
      podPorts = { ports, ...(plan.sidecar ? { outboundPort: await this.ports.allocate(), adminPort: await this.ports.allocate() } : { directProxyPort: await this.network.directProxyPort(plan.namespace) }) };
    }
    const pod = new LocalPod(plan, podPorts, this.host);
    this.pods.set(pod.key, pod);
    this.opts.log(`pod ${pod.key} starting${gateway ? ' (ingress gateway)' : plan.sidecar ? ' with sidecar' : ' without sidecar'}`);
    pod.start();
  }

  private retire(pod: LocalPod): void {
    if (!this.pods.has(pod.key)) return;
    this.pods.delete(pod.key);
    this.opts.log(`pod ${pod.key} terminating`);
    const grace = Math.min((pod.plan.spec.terminationGracePeriodSeconds ?? 30) * 1000, MAX_GRACE_MS);
    void pod.stop(grace).then(() => {
      this.store.removeWorkload(pod.plan.namespace, pod.plan.name);
      this.opts.forgetProxy(pod.plan.namespace, pod.plan.name);
      for (const p of pod.ports.ports) {
        this.ports.release(p.appPort);
        this.ports.release(p.endpointPort);
      }
      if (pod.ports.outboundPort !== undefined) this.ports.release(pod.ports.outboundPort);
      if (pod.ports.adminPort !== undefined) this.ports.release(pod.ports.adminPort);
    });
  }

  /** Stops every pod: apps first, then their proxies, the gateway last. */
  async stopAll(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const pods = [...this.pods.values()];
    this.pods.clear();
    await Promise.all(pods.filter((p) => !p.gateway).map((p) => p.stop(MAX_GRACE_MS)));
    await Promise.all(pods.filter((p) => p.gateway).map((p) => p.stop(MAX_GRACE_MS)));
    await this.network.close();
  }
}
