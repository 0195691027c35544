import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerAnalyze } from './commands/analyze.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('tack')
    .description('A service mesh that speaks Istio: run Istio manifests on one machine, then in Kubernetes.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false });
  registerAnalyze(program);
  return program;
}
