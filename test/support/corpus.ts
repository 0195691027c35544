import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve, join } from 'node:path';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Istio's own test data (validation datasets, analyzer cases, samples), kept outside the repository
 * and never copied in: `TACK_ISTIO_CORPUS` (relative paths from the repository root), else
 * `../shared/istio-corpus` beside the repository. A fresh clone has neither; the suites that need it
 * are then skipped (see `describeCorpus`) and the summary reporter says so in one line.
 */
export const CORPUS_ROOT = resolve(REPO_ROOT, process.env.TACK_ISTIO_CORPUS ?? '../shared/istio-corpus');

/** True when the corpus is there to test against. */
export function corpusPresent(): boolean {
  return existsSync(CORPUS_ROOT);
}

/**
 * Asked for on purpose (CI sets it), so a missing corpus is an error rather than a skip: a run that
 * names the corpus and quietly tests without it would look green while checking less.
 */
export function assertCorpusIfRequested(): void {
  if (process.env.TACK_ISTIO_CORPUS !== undefined && !corpusPresent()) {
    throw new Error(`TACK_ISTIO_CORPUS is set, but there is no Istio corpus at ${CORPUS_ROOT}`);
  }
}

/** Name of the one skipped test a corpus suite registers when the corpus is absent; the reporter counts these. */
export const CORPUS_SKIPPED_TEST = "needs Istio's corpus (TACK_ISTIO_CORPUS)";

/** A path inside Istio's corpus; only for code that runs inside `describeCorpus`. */
export function corpusPath(...parts: string[]): string {
  if (!corpusPresent()) throw new Error(`Istio corpus not found at ${CORPUS_ROOT}: set TACK_ISTIO_CORPUS or place shared/ beside the repository`);
  return join(CORPUS_ROOT, ...parts);
}

export function seedFixture(...parts: string[]): string {
  return join(REPO_ROOT, 'test', 'fixtures', 'seeds', ...parts);
}

/** A file of the project's own examples (examples/), which stand in for the Istio samples tutorials apply. */
export function example(...parts: string[]): string {
  return join(REPO_ROOT, 'examples', ...parts);
}
