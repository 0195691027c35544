// npm links `bin` entries at install time; the compiled entry must be executable.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
