/** `tack proxy`: the sidecar or gateway process itself (the same entrypoint runs in Kubernetes). */
import type { Command } from 'commander';
import { startProxy } from '../../proxy/index.js';

export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('run a proxy (sidecar or gateway) for one pod, configured by the control plane')
    .requiredOption('--control <host:port>', 'address of the control plane')
    .requiredOption('--namespace <ns>', "the pod's namespace")
    .requiredOption('--pod <name>', "the pod's name")
    .action((opts: { control: string; namespace: string; pod: string }) => {
      const log = (m: string): void => void process.stderr.write(`${new Date().toISOString()} ${m}\n`);
      const proxy = startProxy({ control: opts.control, namespace: opts.namespace, pod: opts.pod, log });
      let stopping = false;
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        void proxy.stop().then(() => process.exit(0));
        setTimeout(() => process.exit(0), 3_000).unref();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}
