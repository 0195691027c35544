import { writeFileSync } from 'node:fs';
import { renderCompatibility } from '../src/api/compat.js';

writeFileSync(new URL('../docs/compatibility.md', import.meta.url), renderCompatibility());
process.stdout.write('wrote docs/compatibility.md\n');
