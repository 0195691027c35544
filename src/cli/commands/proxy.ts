/** `tack proxy`: the sidecar or gateway process itself (the same entrypoint runs in Kubernetes). */
import { Option, type Command } from 'commander';
import { startProxy } from '../../proxy/index.js';
import { parseDuration } from '../../api/schema/duration.js';
import { isProxyWorker, runProxyWorker, startProxyPrimary } from '../../proxy/workers.js';
import { AccessLog } from '../../proxy/access-log.js';
import type { RequestLogEntry } from '../../proxy/http/request-context.js';
import type { HttpCodec } from '../../proxy/listeners.js';

/** A Go-style duration flag (`5m`, `30s`, `0`) in milliseconds; a malformed one stops the command. */
function durationFlag(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) {
    process.stderr.write(`error: ${flag} ${JSON.stringify(text)} is not a duration such as 5m, 30s or 0\n`);
    process.exit(2);
  }
  return ms;
}

export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('run a proxy (sidecar or gateway) for one pod, configured by the control plane')
    .requiredOption('--control <host:port>', 'address of the control plane')
    .requiredOption('--namespace <ns>', "the pod's namespace")
    .requiredOption('--pod <name>', "the pod's name")
    .option('--admin-port <port>', 'serve the admin endpoint (config dump, live cluster state) on 127.0.0.1:PORT')
    .option('--access-log', 'write an access log line per request to standard output')
    .option('--concurrency <n>', 'worker processes sharing the listeners (Envoy\'s --concurrency)', '1')
    .addOption(new Option('--http-codec <codec>', "HTTP/1.1 implementation: tack's lean codec, or Node's http server as a fallback").choices(['lean', 'node']).default('lean'))
    .option('--stream-idle-timeout <duration>', "a request with no bytes either way for this long is ended: 408 if unanswered (Envoy's stream_idle_timeout; 0 turns it off)", '5m')
    .option('--request-headers-timeout <duration>', "a request head not complete this long after its first byte gets 408 (Envoy's request_headers_timeout)", '0')
    .action((opts: { control: string; namespace: string; pod: string; adminPort?: string; accessLog?: boolean; concurrency: string; httpCodec: HttpCodec; streamIdleTimeout: string; requestHeadersTimeout: string }) => {
      const log = (m: string): void => void process.stderr.write(`${new Date().toISOString()} ${m}\n`);
      const accessLog = opts.accessLog ? new AccessLog((text) => process.stdout.write(text)) : undefined;
      const options = {
        control: opts.control,
        namespace: opts.namespace,
        pod: opts.pod,
        log,
        httpCodec: opts.httpCodec,
        streamTimeouts: { streamIdleMs: durationFlag('--stream-idle-timeout', opts.streamIdleTimeout), requestHeadersMs: durationFlag('--request-headers-timeout', opts.requestHeadersTimeout) },
        ...(accessLog ? { accessLog: (e: RequestLogEntry) => accessLog.record(e) } : {}),
        ...(opts.adminPort ? { adminPort: Number(opts.adminPort) } : {}),
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
