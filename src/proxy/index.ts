/** `tack proxy`: one sidecar or gateway, configured by the control plane. */
import type { ProxyConfig, ProxyNode } from '../compile/config.js';
import { ConfigSource } from './config-source.js';
import { ListenerManager, type HttpCodec } from './listeners.js';
import { ProxyRuntime } from './runtime/proxy-runtime.js';
import { UpstreamHosts } from './runtime/upstream.js';
import type { RequestLogEntry } from './http/request-context.js';
import { ClusterStates } from './runtime/cluster-state.js';
import { systemClock, type Clock } from './clock.js';
import { startAdmin } from './admin.js';
import type { CodecTimeouts } from './h1/timeouts.js';
import { WorkloadSecrets, type WorkloadCertificate } from './tls/workload-secrets.js';
import { CertificateAgent } from './tls/certificate-agent.js';

export interface ProxyOptions {
  control: string;
  namespace: string;
  pod: string;
  log?: (message: string) => void;
  accessLog?: (entry: RequestLogEntry) => void;
  /** Port of the admin endpoint on 127.0.0.1 (config dump, live cluster state); none when absent. */
  adminPort?: number;
  clock?: Clock;
  /** The HTTP/1.1 implementation behind the listeners (default: the lean codec). */
  httpCodec?: HttpCodec;
  /** Envoy's stream idle and request headers timeouts, for either codec (defaults when absent). */
  codecTimeouts?: CodecTimeouts;
  /** A workload certificate to start with (Istio's mTLS); the control plane's CA issues it otherwise. */
  workloadCertificate?: WorkloadCertificate;
  /** Ask the control plane's CA for a workload certificate with this proxy's bootstrap token, before taking any config. */
  identity?: { token: string; serviceAccount: string };
}

export interface RunningProxy {
  /** The configuration being served, if any arrived yet. */
  current(): ProxyConfig | undefined;
  stop(): Promise<void>;
}

const EMPTY_NODE: ProxyNode = { id: '', role: 'sidecar', pod: '', namespace: '', labels: {}, serviceAccount: '' };

/** A proxy's serving part: applies configurations to listeners; fed by a ConfigSource or by a primary process. */
export interface ProxyCore {
  apply(config: ProxyConfig): Promise<void>;
  /** Installs a (renewed) workload certificate: new connections use it, open ones keep theirs. */
  setWorkloadCertificate(cert: WorkloadCertificate): void;
  current(): ProxyConfig | undefined;
  stop(): Promise<void>;
}

export function createProxyCore(opts: Omit<ProxyOptions, 'control' | 'namespace' | 'pod'>): ProxyCore {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const clock = opts.clock ?? systemClock;
  const hosts = new UpstreamHosts(clock);
  const states = new ClusterStates(clock);
  let runtime: ProxyRuntime | undefined;
  const secrets = new WorkloadSecrets();
  if (opts.workloadCertificate) secrets.set(opts.workloadCertificate);
  const admin = opts.adminPort !== undefined ? startAdmin(opts.adminPort, () => runtime, secrets) : undefined;
  const listeners = new ListenerManager(
    () => runtime as ProxyRuntime,
    hosts,
    () => runtime?.config.node ?? EMPTY_NODE,
    opts.accessLog,
    opts.httpCodec ?? 'lean',
    { ...(opts.codecTimeouts ? { timeouts: opts.codecTimeouts } : {}), secrets },
  );
  return {
    async apply(config) {
      // Everything that can refuse the version (filters, route tables, ports) runs before it is served.
      const next = new ProxyRuntime(config, hosts, states, clock, secrets);
      const previous = runtime;
      await listeners.reconcile(config.listeners, () => {
        runtime = next;
      });
      hosts.retainOnly(next.hostKeys());
      states.retainOnly(new Set(next.clusters.keys()));
      if (!previous) log(`serving config version ${config.version}: ${config.listeners.map((l) => `${l.name}@${l.port}`).join(', ')}`);
    },
    setWorkloadCertificate: (cert) => secrets.set(cert),
    current: () => runtime?.config,
    async stop() {
      admin?.close();
      await listeners.closeAll();
      hosts.closeAll();
    },
  };
}

export function startProxy(opts: ProxyOptions): RunningProxy {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const core = createProxyCore(opts);
  const source = new ConfigSource({ control: opts.control, namespace: opts.namespace, pod: opts.pod, log, apply: (config) => core.apply(config) });
  const agent = identityAgent(opts, log, (cert) => core.setWorkloadCertificate(cert));
  // With an identity, config is taken only once the certificate is in: listeners that terminate mTLS never start without one.
  if (agent) void agent.start().then(() => source.start());
  else source.start();
  return {
    current: () => core.current(),
    async stop() {
      agent?.stop();
      source.stop();
      await core.stop();
    },
  };
}

/** The certificate agent of a proxy started with an identity, or undefined. */
export function identityAgent(opts: ProxyOptions, log: (m: string) => void, install: (cert: WorkloadCertificate) => void): CertificateAgent | undefined {
  if (!opts.identity) return undefined;
  return new CertificateAgent({ control: opts.control, namespace: opts.namespace, pod: opts.pod, serviceAccount: opts.identity.serviceAccount, token: opts.identity.token, clock: opts.clock ?? systemClock, log, install });
}
