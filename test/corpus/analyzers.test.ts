/**
 * Istio's `istioctl analyze` test table: for every Istio analyzer tack reproduces, the same input
 * files give the same codes on the same resources. Istio runs one analyzer per case, so only the
 * codes that analyzer can produce are compared.
 */
import { it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { loadPaths, validateDocuments, Codes, type Check } from '../../src/api/index.js';
import { ANALYZERS, analyze } from '../../src/api/analyze/index.js';
import { corpusPath } from '../support/corpus.js';
import { describeCorpus } from '../support/corpus-suite.js';

interface ExpectedCase {
  name: string;
  analyzer: string;
  inputFiles: string[];
  meshConfigFile: string | null;
  expected: { code: string; message: string; resource: string }[];
}

const implemented = new Set(ANALYZERS.map((a) => a.istioName).filter(Boolean));
implemented.add('deprecation.FieldAnalyzer'); // deprecations are reported by validation itself
/**
 * Cases of implemented analyzers that cannot run here, each with the reason. A test below checks
 * the reasons still hold, so an entry goes stale loudly rather than hiding a case.
 */
const CANNOT_RUN: Record<string, string> = {
  virtualServiceKubernetesGateways: 'needs the Kubernetes Gateway API kind (gateway.networking.k8s.io Gateway), which tack does not read',
  'Route Rule no effect on Ingress': 'its input file is missing from the shared corpus (covered by src/api/analyze/analyzers.test.ts)',
};

function refText(c: Check, expected: string): string {
  const r = c.resource;
  if (!r) return '?';
  return expected.includes('/') ? `${r.kind} ${r.namespace ?? ''}/${r.name}` : `${r.kind} ${r.name}`;
}

describeCorpus('Istio analyzer corpus', () => {
  const cases = JSON.parse(readFileSync(corpusPath('analyzers', 'expected.json'), 'utf8')) as ExpectedCase[];
  const covered = cases.filter((c) => implemented.has(c.analyzer) && c.meshConfigFile === null && !(c.name in CANNOT_RUN));

  it('covers the analyzers tack implements', () => {
    expect(covered.length).toBeGreaterThan(10);
  });

  it('skips only cases whose reason still holds', () => {
    const gatewayApi = cases.find((c) => c.name === 'virtualServiceKubernetesGateways');
    expect(readFileSync(corpusPath('analyzers', 'testdata', gatewayApi?.inputFiles[0] ?? ''), 'utf8')).toContain('gateway.networking.k8s.io');
    const missing = cases.find((c) => c.name === 'Route Rule no effect on Ingress');
    expect(existsSync(corpusPath('analyzers', 'testdata', missing?.inputFiles[0] ?? 'x'))).toBe(false);
  });

  it.each(covered.map((c) => [`${c.analyzer}: ${c.name}`, c] as const))('%s', async (_, testCase) => {
    const loaded = await loadPaths(testCase.inputFiles.map((f) => corpusPath('analyzers', 'testdata', f)));
    const validated = validateDocuments(loaded.documents);
    let findings: Check[];
    if (testCase.analyzer === 'deprecation.FieldAnalyzer') {
      findings = validated.checks.filter((c) => c.code === Codes.Deprecated);
    } else {
      const analyzer = ANALYZERS.filter((a) => a.istioName === testCase.analyzer);
      findings = analyze(validated.resources, { only: analyzer, unchecked: validated.unchecked });
    }
    const codes = new Set(ANALYZERS.filter((a) => a.istioName === testCase.analyzer).flatMap((a) => a.codes));
    if (testCase.analyzer === 'deprecation.FieldAnalyzer') codes.add(Codes.Deprecated);
    const expected = testCase.expected.filter((e) => codes.has(e.code)).map((e) => `${e.code} ${e.resource}`).sort();
    const expectedRefs = new Map(testCase.expected.map((e) => [e.resource.split(' ')[1]?.split('/').pop() ?? '', e.resource]));
    const actual = findings
      .filter((f) => codes.has(f.code))
      .map((f) => `${f.code} ${refText(f, expectedRefs.get(f.resource?.name ?? '') ?? '/')}`)
      .sort();
    // Istio's analyzer inputs are not all valid (its analyzers run on what the schema analyzer
    // flags, too); every document must still be read as a resource.
    const unreadable = loaded.checks.filter((c) => c.level === 'Error');
    expect(unreadable.map((c) => `${c.source?.file}:${c.source?.line} ${c.message}`)).toEqual([]);
    expect(actual).toEqual(expected);
  });
});
