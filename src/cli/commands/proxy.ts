/** `tack proxy`: the sidecar or gateway process itself (the same entrypoint runs in Kubernetes). */
import type { Command } from 'commander';
import { startProxy } from '../../proxy/index.js';
import { AccessLog } from '../../proxy/access-log.js';
import type { RequestLogEntry } from '../../proxy/http/request-context.js';

export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('run a proxy (sidecar or gateway) for one pod, configured by the control plane')
    .requiredOption('--control <host:port>', 'address of the control plane')
    .requiredOption('--namespace <ns>', "the pod's namespace")
    .requiredOption('--pod <name>', "the pod's name")
    .option('--admin-port <port>', 'serve the admin endpoint (config dump, live cluster state) on 127.0.0.1:PORT')
    .option('--access-log', 'write an access log line per request to standard output')
    .action((opts: { control: string; namespace: string; pod: string; adminPort?: string; accessLog?: boolean }) => {
      const log = (m: string): void => void process.stderr.write(`${new Date().toISOString()} ${m}\n`);
      const accessLog = opts.accessLog ? new AccessLog((text) => process.stdout.write(text)) : undefined;
      const proxy = startProxy({
        control: opts.control,
        namespace: opts.namespace,
        pod: opts.pod,
        log,
        ...(accessLog ? { accessLog: (e: RequestLogEntry) => accessLog.record(e) } : {}),
        ...(opts.adminPort ? { adminPort: Number(opts.adminPort) } : {}),
      });
      let stopping = false;
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        accessLog?.flush();
        void proxy.stop().then(() => process.exit(0));
        setTimeout(() => process.exit(0), 3_000).unref();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}
