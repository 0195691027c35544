/** `tack exec`: run a command as if inside a pod: its environment, its sidecar as HTTP proxy. */
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { controlPortOf, request, ControlError } from '../control-client.js';
import { resolvePod } from '../pod-ref.js';
import { execCommand } from '../../platform/local/container-command.js';

export function registerExec(program: Command): void {
  program
    .command('exec')
    .description('run a command in the environment of a pod (its proxy settings and identity); prints its output, returns its exit code')
    .argument('<pod>', 'pod/NAME, deploy/NAME or NAME')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-c, --container <name>', 'container whose environment to use')
    .option('-i, --stdin', 'pass standard input to the command')
    .option('-t, --tty', 'accepted for kubectl compatibility')
    .option('--control-port <port>', 'control port of the mesh')
    .action(async (ref: string, argv: string[], opts: { namespace: string; container?: string; stdin?: boolean; controlPort?: string }) => {
      const port = controlPortOf(opts.controlPort);
      const pod = await resolvePod(port, ref, opts.namespace);
      const q = opts.container ? `?container=${encodeURIComponent(opts.container)}` : '';
      const answer = await request<{ env: Record<string, string>; image?: string; error?: string }>(port, 'GET', `/v1/pods/${encodeURIComponent(pod.namespace)}/${encodeURIComponent(pod.name)}/exec${q}`);
      if (answer.status !== 200) throw new ControlError(answer.body.error ?? `HTTP ${answer.status}`);
      const { command, args } = execCommand(answer.body.image, argv);
      const code = await new Promise<number>((resolve) => {
        const child = spawn(command, args, { env: answer.body.env, stdio: [opts.stdin ? 'inherit' : 'ignore', 'inherit', 'inherit'] });
        child.once('error', (err: NodeJS.ErrnoException) => {
          process.stderr.write(`tack exec: ${err.code === 'ENOENT' ? `"${command}" not found on this machine` : err.message}\n`);
          resolve(127);
        });
        child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 + 15 : 1)));
      });
      process.exitCode = code;
    });
}
