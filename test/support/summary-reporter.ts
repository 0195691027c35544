import type { Reporter, TestModule } from 'vitest/node';
import { CORPUS_ROOT, CORPUS_SKIPPED_TEST, corpusPresent } from './corpus.js';

/**
 * Prints one closing line, `Tests: N passed, N failed, N skipped`, which CI reads to tell a run that
 * tested something from one that tested nothing. When Istio's corpus is absent it first prints one
 * line saying which suites were skipped for it, once per run (reporters run once, in the main
 * process, whatever the number of files or projects), so the skip is never silent.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let corpusSuites = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
        if (test.name === CORPUS_SKIPPED_TEST) corpusSuites++;
      }
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
    }
    if (corpusSuites > 0 && !corpusPresent()) {
      process.stdout.write(`\nIstio corpus not found at ${CORPUS_ROOT}: skipped ${corpusSuites} suites that check tack against Istio's own test data (set TACK_ISTIO_CORPUS to run them)\n`);
    }
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
