import { Command } from 'commander';
import { registerAnalyze } from './commands/analyze.js';
import { registerUp } from './commands/up.js';
import { registerProxy } from './commands/proxy.js';
import { registerApply } from './commands/apply.js';
import { registerGet } from './commands/get.js';
import { registerLogs } from './commands/logs.js';
import { registerExec } from './commands/exec.js';
import { registerProxyStatus, registerProxyConfig } from './commands/proxy-debug.js';
import { registerKubeconfig } from './commands/kubeconfig.js';
import { packageVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command('tack')
    .description('A service mesh that speaks Istio: run Istio manifests on one machine, then in Kubernetes.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .showHelpAfterError()
    .enablePositionalOptions()
    .configureHelp({ sortSubcommands: false });
  registerUp(program);
  registerApply(program);
  registerGet(program);
  registerAnalyze(program);
  registerExec(program);
  registerLogs(program);
  registerProxyStatus(program);
  registerProxyConfig(program);
  registerKubeconfig(program);
  registerProxy(program);
  return program;
}
