/**
 * One pod on this machine: its containers as processes, its sidecar (or, for the ingress gateway,
 * the proxy itself), readiness, and the WorkloadInstance the registry sees.
 */
import { join } from 'node:path';
import type { WorkloadInstance, WorkloadPort } from '../../store/index.js';
import type { Container } from '../../api/kinds/pod-spec.js';
import { ManagedProcess } from './managed-process.js';
import { containerRun, DIST_DIR } from './container-command.js';
import { containerEnv, type EnvContext } from './container-env.js';
import { runProbe } from './readiness.js';
import { proxyEnvironment } from './proxy-env.js';
import type { PodPlan } from './pod-plan.js';

export interface PodPorts {
  ports: WorkloadPort[];
  outboundPort?: number;
  adminPort?: number;
  /** For a pod without a sidecar: the pod network's proxy its HTTP clients reach Services through. */
  directProxyPort?: number;
  gatewayPorts?: Record<number, number>;
}

export interface PodHost {
  controlAddress: string;
  accessLog: boolean;
  proxyConcurrency: number;
  /** HTTP/1.1 implementation of the proxies: tack's lean codec or Node's http server. */
  proxyHttpCodec: 'lean' | 'node';
  /** More `tack proxy` flags, passed on as given to `tack up`. */
  proxyArgs: readonly string[];
  logDir: string;
  lookup: EnvContext['lookup'];
  /** The kubelet's variables for the Services of a namespace, as they are now. */
  serviceEnv(namespace: string): Record<string, string>;
  /** Has this pod's proxy acknowledged a configuration? */
  proxyHasConfig(namespace: string, pod: string): boolean;
  /** The bootstrap credential of this pod's proxy, from the mesh CA; no identity when absent. */
  proxyToken?(namespace: string, pod: string, serviceAccount: string): string;
  update(w: WorkloadInstance): void;
  log(message: string): void;
}

interface ContainerProcess {
  container: Container;
  process: ManagedProcess;
  env: Record<string, string>;
  firstAppPort: number | undefined;
}

export class LocalPod {
  private containers: ContainerProcess[] = [];
  private proxy: ManagedProcess | undefined;
  private readyTimer: NodeJS.Timeout | undefined;
  private ready = false;
  private terminating = false;
  private readonly startedAt = Date.now();
  private probing = false;
  readonly gateway: boolean;

  constructor(
    readonly plan: PodPlan,
    readonly ports: PodPorts,
    private readonly host: PodHost,
  ) {
    this.gateway = ports.gatewayPorts !== undefined;
  }

  get key(): string {
    return `${this.plan.namespace}/${this.plan.name}`;
  }

  logFile(container: string): string {
    return join(this.host.logDir, this.plan.namespace, this.plan.name, `${container}.log`);
  }

  /** Environment a command run in this pod's first container gets (`tack exec`). */
  execEnv(container?: string): { env: Record<string, string>; image: string | undefined } | undefined {
    const c = container ? this.containers.find((x) => x.container.name === container) : this.containers[0];
    if (!c) return undefined;
    return { env: c.env, image: c.container.image };
  }

  containerNames(): string[] {
    return [...this.containers.map((c) => c.container.name), ...(this.proxy ? ['istio-proxy'] : [])];
  }

  workload(): WorkloadInstance {
    const restarts = this.containers.reduce((n, c) => n + c.process.restarts, 0) + (this.proxy?.restarts ?? 0);
    const crashing = this.containers.some((c) => c.process.state === 'backoff') || this.proxy?.state === 'backoff';
    return {
      namespace: this.plan.namespace,
      name: this.plan.name,
      labels: this.plan.labels,
      serviceAccount: this.plan.serviceAccount,
      ...(this.plan.deployment ? { deployment: this.plan.deployment } : {}),
      address: '127.0.0.1',
      ports: this.ports.ports,
      sidecar: this.plan.sidecar && !this.gateway,
      ready: this.ready && !this.terminating,
      phase: this.terminating ? 'Terminating' : crashing ? 'CrashLoopBackOff' : this.ready ? 'Running' : 'Pending',
      restarts,
      startedAt: this.startedAt,
      ...(this.ports.outboundPort !== undefined ? { outboundPort: this.ports.outboundPort } : {}),
      ...(this.ports.adminPort !== undefined ? { adminPort: this.ports.adminPort } : {}),
      ...(this.ports.gatewayPorts ? { gatewayPorts: this.ports.gatewayPorts } : {}),
    };
  }

  private publish(): void {
    this.host.update(this.workload());
  }

  /** The proxy's own credential for the mesh CA: in its environment only, never in its arguments or the app's. */
  private proxyIdentityEnv(): Record<string, string> {
    const token = this.host.proxyToken?.(this.plan.namespace, this.plan.name, this.plan.serviceAccount);
    return token ? { TACK_PROXY_TOKEN: token } : {};
  }

  /** Starts the proxy first (as Istio holds the app until its proxy starts), then the containers. */
  start(): void {
    this.publish();
    const onChange = (): void => {
      if (this.terminating) return;
      this.checkReady();
      this.publish();
    };
    if (this.gateway || this.plan.sidecar) {
      this.proxy = new ManagedProcess(
        {
          name: 'istio-proxy',
          command: process.execPath,
          args: [
            join(DIST_DIR, 'cli', 'main.js'), 'proxy', '--control', this.host.controlAddress, '--namespace', this.plan.namespace, '--pod', this.plan.name, '--service-account', this.plan.serviceAccount,
            // Access logs on by default, as in Istio's demo profile: `tack logs POD -c istio-proxy` shows each request and its flags.
            ...(this.host.accessLog ? ['--access-log'] : []),
            ...(this.host.proxyConcurrency > 1 ? ['--concurrency', String(this.host.proxyConcurrency)] : []),
            ...(this.host.proxyHttpCodec !== 'lean' ? ['--http-codec', this.host.proxyHttpCodec] : []),
            ...this.host.proxyArgs,
            ...(this.ports.adminPort !== undefined ? ['--admin-port', String(this.ports.adminPort)] : []),
          ],
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.proxyIdentityEnv() },
          logFile: this.logFile('istio-proxy'),
        },
        onChange,
      );
      this.proxy.start();
    }
    if (!this.gateway) {
      // Service variables as the kubelet sets them when the pod starts (unless the pod turns them off).
      const serviceEnv = this.plan.spec.enableServiceLinks === false ? {} : this.host.serviceEnv(this.plan.namespace);
      const where = this.plan.deployment ? `Deployment ${this.plan.namespace}/${this.plan.deployment}` : `Pod ${this.plan.namespace}/${this.plan.name}`;
      for (const container of this.plan.spec.containers) {
        const run = containerRun(container, where);
        if (run.kind !== 'command') continue;
        const firstPort = container.ports?.[0]?.containerPort;
        const firstAppPort = firstPort !== undefined ? this.ports.ports.find((p) => p.containerPort === firstPort)?.appPort : this.ports.ports.length === 1 && this.plan.spec.containers.length === 1 ? this.ports.ports[0]?.appPort : undefined;
        const base: Record<string, string> = {
          ...serviceEnv,
          ...run.sampleEnv,
          HOST: '127.0.0.1',
          HOSTNAME: this.plan.name,
          POD_NAME: this.plan.name,
          POD_NAMESPACE: this.plan.namespace,
          TACK_IMAGE: container.image ?? '',
          ...(firstAppPort !== undefined ? { PORT: String(firstAppPort) } : {}),
        };
        for (const p of this.ports.ports) base[`TACK_PORT_${p.containerPort}`] = String(p.appPort);
        const { env, problems } = containerEnv(container, { pod: { namespace: this.plan.namespace, name: this.plan.name, serviceAccount: this.plan.serviceAccount, labels: this.plan.labels, annotations: this.plan.annotations }, lookup: this.host.lookup }, base);
        for (const p of problems) this.host.log(`pod ${this.key} container ${container.name}: ${p}`);
        if (this.plan.sidecar && this.ports.outboundPort !== undefined) Object.assign(env, proxyEnvironment(this.ports.outboundPort, env));
        else if (this.ports.directProxyPort !== undefined) Object.assign(env, proxyEnvironment(this.ports.directProxyPort, env));
        const proc = new ManagedProcess({ name: container.name, command: run.command, args: run.args, env, ...(container.workingDir ? { cwd: container.workingDir } : {}), logFile: this.logFile(container.name) }, onChange);
        this.containers.push({ container, process: proc, env, firstAppPort });
        proc.start();
      }
    }
    this.scheduleProbe(100);
  }

  private scheduleProbe(ms: number): void {
    if (this.terminating) return;
    this.readyTimer = setTimeout(() => void this.probe(), ms);
    this.readyTimer.unref();
  }

  private checkReady(): void {
    const procsUp = this.containers.every((c) => c.process.state === 'running') && (!this.proxy || this.proxy.state === 'running');
    if (!procsUp && this.ready) this.ready = false;
  }

  private async probe(): Promise<void> {
    if (this.terminating || this.probing) return;
    this.probing = true;
    try {
      let ok = !this.proxy || (this.proxy.state === 'running' && this.host.proxyHasConfig(this.plan.namespace, this.plan.name));
      for (const c of this.containers) {
        if (!ok) break;
        if (c.process.state !== 'running') {
          ok = false;
          break;
        }
        ok = await runProbe(c.container.readinessProbe, { appPort: (p) => this.appPortOf(c.container, p), env: c.env }, c.firstAppPort);
      }
      if (ok !== this.ready && !this.terminating) {
        this.ready = ok;
        if (ok) this.host.log(`pod ${this.key} is ready`);
        this.publish();
      }
      const period = this.containers[0]?.container.readinessProbe?.periodSeconds;
      this.scheduleProbe(this.ready ? Math.min((period ?? 10) * 1000, 2000) : 150);
    } finally {
      this.probing = false;
    }
  }

  private appPortOf(container: Container, port: number | string): number | undefined {
    if (typeof port === 'number') return this.ports.ports.find((p) => p.containerPort === port)?.appPort ?? (container.ports === undefined ? this.containers.find((c) => c.container === container)?.firstAppPort : undefined);
    return this.ports.ports.find((p) => p.name === port)?.appPort;
  }

  isReady(): boolean {
    return this.ready && !this.terminating;
  }

  /** Stops the containers, then the proxy (so in-flight calls the app makes can finish). */
  async stop(graceMs: number): Promise<void> {
    this.terminating = true;
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.publish();
    await Promise.all(this.containers.map((c) => c.process.stop(graceMs)));
    await this.proxy?.stop(graceMs);
  }

  /** Pids of every process of this pod (for tests and `tack get pods -o wide`). */
  pids(): Record<string, number | undefined> {
    const out: Record<string, number | undefined> = {};
    for (const c of this.containers) out[c.container.name] = c.process.pid;
    if (this.proxy) out['istio-proxy'] = this.proxy.pid;
    return out;
  }
}
