/**
 * Stand-in for the fortio/fortio image: with no arguments it runs `fortio server` (the image's
 * default command); with container `args` (`load -c 2 ... URL`) it runs that fortio command.
 */
import { fortioMain } from './commands.js';

const args = process.argv.slice(2);
fortioMain(args.length === 0 ? ['server'] : args).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`fortio: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
