/** `tack proxy`: the sidecar or gateway process itself (the same entrypoint runs in Kubernetes). */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '../../api/schema/duration.js';
import { startProxy } from '../../proxy/index.js';
import { isProxyWorker, runProxyWorker, startProxyPrimary } from '../../proxy/workers.js';
import { AccessLog } from '../../proxy/access-log.js';
import type { RequestLogEntry } from '../../proxy/http/request-context.js';
import type { HttpCodec } from '../../proxy/listeners.js';

/** A Go-style duration flag (`300ms`, `5m`, `0` disables), as Envoy's timeouts are written. */
export function durationFlag(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(`"${value}" is not a duration (e.g. 300ms, 30s, 5m; 0 disables)`);
  return ms;
}

export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('run a proxy (sidecar or gateway) for one pod, configured by the control plane')
    .requiredOption('--control <host:port>', 'address of the control plane')
    .requiredOption('--namespace <ns>', "the pod's namespace")
    .requiredOption('--pod <name>', "the pod's name")
    .option('--service-account <name>', "the pod's service account: the identity its workload certificate names", 'default')
    .option('--admin-port <port>', 'serve the admin endpoint (config dump, live cluster state) on 127.0.0.1:PORT')
    .option('--access-log', 'write an access log line per request to standard output')
    .option('--concurrency <n>', 'worker processes sharing the listeners (Envoy\'s --concurrency)', '1')
    .addOption(new Option('--http-codec <codec>', "HTTP/1.1 implementation: tack's lean codec, or Node's http server as a fallback").choices(['lean', 'node']).default('lean'))
    .addOption(new Option('--stream-idle-timeout <duration>', "reset a request on which no byte moved either way for this long (Envoy's stream_idle_timeout; 0 disables)").argParser(durationFlag).default(5 * 60_000, '5m'))
    .addOption(new Option('--request-headers-timeout <duration>', "answer 408 to a request head not complete within this (Envoy's request_headers_timeout; 0, the default, disables)").argParser(durationFlag).default(0, '0'))
    .action((opts: { control: string; namespace: string; pod: string; serviceAccount: string; adminPort?: string; accessLog?: boolean; concurrency: string; httpCodec: HttpCodec; streamIdleTimeout: number; requestHeadersTimeout: number }) => {
      const log = (m: string): void => void process.stderr.write(`${new Date().toISOString()} ${m}\n`);
      const accessLog = opts.accessLog ? new AccessLog((text) => process.stdout.write(text)) : undefined;
      const options = {
        control: opts.control,
        namespace: opts.namespace,
        pod: opts.pod,
        log,
        httpCodec: opts.httpCodec,
        codecTimeouts: { streamIdleTimeoutMs: opts.streamIdleTimeout, requestHeadersTimeoutMs: opts.requestHeadersTimeout },
        ...(accessLog ? { accessLog: (e: RequestLogEntry) => accessLog.record(e) } : {}),
        ...(opts.adminPort ? { adminPort: Number(opts.adminPort) } : {}),
        // The platform hands each proxy its own bootstrap credential in the environment, never on the command line.
        ...(process.env.TACK_PROXY_TOKEN ? { identity: { token: process.env.TACK_PROXY_TOKEN, serviceAccount: opts.serviceAccount } } : {}),
      };
      const concurrency = Math.max(1, Number(opts.concurrency) || 1);
      let stopProxy: () => Promise<void>;
      if (isProxyWorker()) stopProxy = runProxyWorker(options);
      else if (concurrency > 1) stopProxy = startProxyPrimary(options, concurrency);
      else {
        const proxy = startProxy(options);
        stopProxy = () => proxy.stop();
      }
      let stopping = false;
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        accessLog?.flush();
        void stopProxy().then(() => process.exit(0));
        setTimeout(() => process.exit(0), 3_000).unref();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}
