import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './corpus.js';

/** Integration tests run the built `tack` command, so build it once before any test file runs. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/post-build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
}
