import { configDefaults, defineConfig } from 'vitest/config';
import { assertCorpusIfRequested } from './test/support/corpus.js';

// A run that names the corpus (CI does) must not quietly run without it.
assertCorpusIfRequested();

/**
 * Tests that run what `tsc` builds into dist/ (the `tack` command, the built-in samples, the
 * compiled preload). Only these wait for the build; everything else imports the sources directly.
 */
const NEEDS_BUILD = [
  'test/integration/**/*.test.ts',
  'test/cli.test.ts',
  'test/readme.test.ts',
  'src/samples/**/*.test.ts',
  'src/platform/local/preload/*.test.ts',
  'src/platform/local/proxy-env.test.ts',
];

export default defineConfig({
  test: {
    // Shared by both projects through `extends: true`.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...NEEDS_BUILD] },
      },
      {
        extends: true,
        test: { name: 'integration', include: NEEDS_BUILD, globalSetup: ['./test/support/global-setup.ts'] },
      },
    ],
  },
});
