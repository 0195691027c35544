#!/usr/bin/env node
import type { Command } from 'commander';

/**
 * A proxy runs once per pod, so `tack proxy` loads only what a proxy needs: the schemas, analyzers
 * and compiler behind the other commands would cost every sidecar about 20 MB of memory.
 */
async function program(): Promise<Command> {
  if (process.argv[2] === 'proxy') return (await import('./proxy-program.js')).buildProxyProgram();
  // Not for a proxy: it must keep serving traffic whatever happens to its log output.
  (await import('./closed-output.js')).exitQuietlyWhenOutputCloses();
  return (await import('./program.js')).buildProgram();
}

program()
  .then((p) => p.parseAsync(process.argv))
  .catch((err: unknown) => {
    process.stderr.write(`tack: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
