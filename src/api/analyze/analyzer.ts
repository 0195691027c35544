import type { AnalysisContext } from './context.js';

/** One cross-resource check. `istioName` is the Istio analyzer whose findings it reproduces, if any. */
export interface Analyzer {
  name: string;
  istioName?: string;
  /** The codes this analyzer can report. */
  codes: readonly string[];
  analyze(ctx: AnalysisContext): void;
}
