import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve, join } from 'node:path';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Istio's test data, kept beside the repository in shared/ (see its README); never copied in. */
export function corpusPath(...parts: string[]): string {
  const root = process.env.TACK_ISTIO_CORPUS ?? resolve(REPO_ROOT, '../shared/istio-corpus');
  if (!existsSync(root)) throw new Error(`Istio corpus not found at ${root}: set TACK_ISTIO_CORPUS or place shared/ beside the repository`);
  return join(root, ...parts);
}

export function seedFixture(...parts: string[]): string {
  return join(REPO_ROOT, 'test', 'fixtures', 'seeds', ...parts);
}
