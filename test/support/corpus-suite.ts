/** Suites that check tack against Istio's own test data, run only where that data is. */
import { describe, it } from 'vitest';
import { CORPUS_SKIPPED_TEST, corpusPresent } from './corpus.js';

/**
 * `describe` when Istio's corpus is present. Without it the factory is not called at all (it reads
 * corpus files while collecting tests) and the suite holds one skipped test, so the skip shows in
 * every count and the summary reporter can name it in its one-line notice.
 */
export function describeCorpus(name: string, factory: () => void): void {
  if (corpusPresent()) describe(name, factory);
  else describe(name, () => it.skip(CORPUS_SKIPPED_TEST, () => undefined));
}
