/**
 * `tack proxy --concurrency N` (Envoy's --concurrency): a primary process holds the control-plane
 * subscription and hands each configuration to N worker processes that share the listening sockets;
 * it ACKs only when every worker applied it, and NACKs with the first worker's error otherwise.
 */
import cluster, { type Worker } from 'node:cluster';
import type { ProxyConfig } from '../compile/config.js';
import { ConfigSource } from './config-source.js';
import { createProxyCore, identityAgent, type ProxyOptions } from './index.js';
import type { WorkloadCertificate } from './tls/workload-secrets.js';

type ToWorker = { type: 'config'; version: string; config: ProxyConfig } | { type: 'certificate'; cert: WorkloadCertificate };
type FromWorker = { type: 'applied'; version: string; error?: string } | { type: 'ready' };

export function isProxyWorker(): boolean {
  return cluster.isWorker && process.env.TACK_PROXY_WORKER !== undefined;
}

/** In the primary: fork workers and feed them; returns a stop function. */
export function startProxyPrimary(opts: ProxyOptions, concurrency: number): () => Promise<void> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const workers: Worker[] = [];
  for (let i = 0; i < concurrency; i++) workers.push(cluster.fork({ TACK_PROXY_WORKER: String(i) }));
  let stopping = false;
  cluster.on('exit', (w, code) => {
    if (!stopping) log(`proxy worker ${w.process.pid ?? '?'} exited (${code ?? 'signal'})`);
  });
  const applyAll = (config: ProxyConfig): Promise<void> =>
    Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (m: FromWorker): void => {
              if (m.type !== 'applied' || m.version !== config.version) return;
              w.off('message', onMessage);
              if (m.error) reject(new Error(m.error));
              else resolve();
            };
            w.on('message', onMessage);
            w.send({ type: 'config', version: config.version, config } satisfies ToWorker);
          }),
      ),
    ).then(() => undefined);
  const source = new ConfigSource({ control: opts.control, namespace: opts.namespace, pod: opts.pod, log, apply: applyAll });
  // The primary holds the identity: each (renewed) certificate goes to every worker.
  const agent = identityAgent(opts, log, (cert) => {
    for (const w of workers) w.send({ type: 'certificate', cert } satisfies ToWorker);
  });
  // Subscribe only once every worker listens for configurations: messages sent earlier would be lost.
  void Promise.all(workers.map((w) => new Promise<void>((resolve) => {
    const onReady = (m: FromWorker): void => {
      if (m.type !== 'ready') return;
      w.off('message', onReady);
      resolve();
    };
    w.on('message', onReady);
  }))).then(async () => {
    await agent?.start();
    if (!stopping) source.start();
  });
  return async () => {
    stopping = true;
    agent?.stop();
    source.stop();
    await Promise.all(workers.map((w) => new Promise<void>((r) => {
      w.once('exit', () => r());
      w.process.kill('SIGTERM');
    })));
  };
}

/** In a worker: apply what the primary sends. Only worker 0 serves the admin endpoint. */
export function runProxyWorker(opts: Omit<ProxyOptions, 'control' | 'namespace' | 'pod'>): () => Promise<void> {
  const index = process.env.TACK_PROXY_WORKER;
  const core = createProxyCore({ ...opts, ...(index === '0' ? {} : { adminPort: undefined }) });
  process.on('message', (m: ToWorker) => {
    if (m.type === 'certificate') {
      core.setWorkloadCertificate(m.cert);
      return;
    }
    core.apply(m.config).then(
      () => process.send?.({ type: 'applied', version: m.version } satisfies FromWorker),
      (err: unknown) => process.send?.({ type: 'applied', version: m.version, error: err instanceof Error ? err.message : String(err) } satisfies FromWorker),
    );
  });
  process.send?.({ type: 'ready' } satisfies FromWorker);
  return () => core.stop();
}
