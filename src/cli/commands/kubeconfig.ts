/** `tack kubeconfig`: a kubeconfig for the running mesh, so the user's own kubectl talks to it. */
import type { Command } from 'commander';
import { kubeconfigText, readKubeCa, readKubeToken, stateDirOf } from '../../control/kube-api/index.js';
import { controlPortOf, ControlError } from '../control-client.js';

interface KubeconfigOptions {
  controlPort?: string;
  namespace: string;
}

export function registerKubeconfig(program: Command): void {
  program
    .command('kubeconfig')
    .description('print a kubeconfig for the running mesh (kubectl --kubeconfig FILE, or KUBECONFIG=FILE)')
    .option('-n, --namespace <ns>', "the context's namespace", 'default')
    .option('--control-port <port>', 'control port of the mesh')
    .action((opts: KubeconfigOptions) => {
      const port = controlPortOf(opts.controlPort);
      let token: string;
      try {
        token = readKubeToken(stateDirOf(port));
      } catch {
        throw new ControlError(`no tack mesh on control port ${port} has left its token here: start one with \`tack up -f <manifests>\` (or pass --control-port)`);
      }
      // kubectl sends its token over TLS only: with the mesh's certificate the API is https on the same port.
      const ca = readKubeCa(stateDirOf(port));
      process.stdout.write(kubeconfigText({ server: `${ca ? 'https' : 'http'}://127.0.0.1:${port}`, token, namespace: opts.namespace, ...(ca ? { ca } : {}) }));
    });
}
