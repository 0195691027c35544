/**
 * Istio's sample manifests, the ones its documentation and tutorials apply: each file is valid for
 * tack, and applied the way the tutorials apply them (platform first, then a routing file), the
 * sample analyzes without an error.
 */
import { it, expect } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatCheck, loadPaths, validateDocuments } from '../../src/api/index.js';
import { analyze } from '../../src/api/analyze/index.js';
import { CORPUS_ROOT } from '../support/corpus.js';
import { describeCorpus } from '../support/corpus-suite.js';

// CORPUS_ROOT, not corpusPath (which throws without the corpus): only the suite below reads it.
const samples = join(CORPUS_ROOT, 'samples');

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.yaml') ? [p] : [];
    });
}

const bookinfo = (f: string) => join(samples, 'bookinfo', f);
const bookinfoBase = [bookinfo('platform/kube/bookinfo.yaml'), bookinfo('networking/destination-rule-all.yaml'), bookinfo('networking/bookinfo-gateway.yaml')];

/** The files a tutorial has applied before the one under test. */
function contextFor(file: string): string[] {
  const rel = relative(samples, file);
  if (rel.startsWith('bookinfo/networking/virtual-service-ratings-db')) return [...bookinfoBase, bookinfo('platform/kube/bookinfo-db.yaml'), bookinfo('platform/kube/bookinfo-ratings-v2.yaml')];
  if (rel.startsWith('bookinfo/networking/virtual-service-details-v2')) return [...bookinfoBase, bookinfo('platform/kube/bookinfo-details-v2.yaml')];
  if (rel.startsWith('bookinfo/networking/destination-rule')) return [bookinfo('platform/kube/bookinfo.yaml')];
  if (rel.startsWith('bookinfo/networking/')) return bookinfoBase;
  if (rel.startsWith('bookinfo/platform/kube/') && rel !== 'bookinfo/platform/kube/bookinfo.yaml') return [bookinfo('platform/kube/bookinfo.yaml')];
  if (rel.startsWith('httpbin/') && rel !== 'httpbin/httpbin.yaml') return [join(samples, 'httpbin/httpbin.yaml')];
  if (rel.startsWith('helloworld/helloworld-gateway')) return [join(samples, 'helloworld/helloworld.yaml')];
  if (rel === 'tcp-echo/tcp-echo-20-v2.yaml') return [join(samples, 'tcp-echo/tcp-echo-services.yaml'), join(samples, 'tcp-echo/tcp-echo-all-v1.yaml')];
  if (rel.startsWith('tcp-echo/') && rel !== 'tcp-echo/tcp-echo.yaml') return [join(samples, 'tcp-echo/tcp-echo-services.yaml')];
  if (rel === 'websockets/route.yaml') return [join(samples, 'websockets/app.yaml')];
  return [];
}

/** Errors Istio gives too, because the sample relies on something outside the samples. */
const EXPECTED_ERRORS: Record<string, RegExp> = {
  // cert-manager's own solver Service is created by cert-manager, not by the sample.
  'bookinfo/networking/certmanager-gateway.yaml': /cert-manager-resolver/,
};

describeCorpus('Istio samples', () => {
  const all = filesUnder(samples);

  it('finds the samples', () => {
    expect(all.length).toBeGreaterThan(30);
  });

  it.each(all.map((f) => [relative(samples, f), f] as const))('%s validates and analyzes without error', async (_, file) => {
    const own = await loadPaths([file]);
    const ownValidated = validateDocuments(own.documents);
    // The file is applied over its context, as `kubectl apply` would: what it defines replaces the context's.
    const key = (r: { kind: string; namespace: string | undefined; name: string }) => `${r.kind}/${r.namespace}/${r.name}`;
    const replaced = new Set(ownValidated.resources.map(key));
    const context = validateDocuments((await loadPaths(contextFor(file).filter((f) => f !== file))).documents).resources.filter((r) => !replaced.has(key(r)));
    const findings = analyze([...context, ...ownValidated.resources], { unchecked: ownValidated.unchecked });
    const errors = [...own.checks, ...ownValidated.checks, ...findings].filter((c) => c.level === 'Error' && !EXPECTED_ERRORS[relative(samples, file)]?.test(c.message));
    expect(errors.map(formatCheck)).toEqual([]);
  });
});
