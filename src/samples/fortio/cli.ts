/** `fortio ...` as users `exec` it in the fortio image: `fortio curl URL`, `fortio load ... URL`. */
import { fortioMain } from './commands.js';

fortioMain(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`fortio: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
