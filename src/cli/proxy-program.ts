import { Command } from 'commander';
import { registerProxy } from './commands/proxy.js';
import { packageVersion } from './version.js';

/** `tack proxy` alone, as `tack` would parse it. */
export function buildProxyProgram(): Command {
  const program = new Command('tack').version(packageVersion(), '-v, --version', 'print the version').showHelpAfterError().enablePositionalOptions();
  registerProxy(program);
  return program;
}
