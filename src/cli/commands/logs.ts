import type { Command } from 'commander';
import { controlPortOf, request, ControlError } from '../control-client.js';
import { resolvePod } from '../pod-ref.js';

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("print a pod's container log (-c istio-proxy for its sidecar)")
    .argument('<pod>', 'pod/NAME, deploy/NAME or NAME')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-c, --container <name>', 'container (default: the first; istio-proxy or sidecar for the proxy)')
    .option('--tail <n>', 'only the last N lines')
    .option('--control-port <port>', 'control port of the mesh')
    .action(async (ref: string, opts: { namespace: string; container?: string; tail?: string; controlPort?: string }) => {
      const port = controlPortOf(opts.controlPort);
      const pod = await resolvePod(port, ref, opts.namespace);
      const container = opts.container === 'sidecar' ? 'istio-proxy' : opts.container;
      const q = container ? `?container=${encodeURIComponent(container)}` : '';
      const answer = await request<string | { error: string }>(port, 'GET', `/v1/pods/${encodeURIComponent(pod.namespace)}/${encodeURIComponent(pod.name)}/logs${q}`);
      if (answer.status !== 200) throw new ControlError(typeof answer.body === 'string' ? answer.body : answer.body.error);
      let text = answer.body as string;
      if (opts.tail !== undefined) {
        const lines = text.split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        text = lines.slice(-Number(opts.tail)).join('\n') + (lines.length ? '\n' : '');
      }
      process.stdout.write(text);
    });
}
