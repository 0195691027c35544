import { corpusDocs, errors, expectRefusedLikeIstio as expectRefusedAsIstio } from '../../../test/support/corpus-docs.js';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { formatPath, loadText, validateDocuments, type Check } from '../index.js';
import { describeCorpus } from '../../../test/support/corpus-suite.js';

const expectRefusedLikeIstio = expectRefusedAsIstio;

function validate(spec: unknown): Check[] {
  const { documents, checks } = loadText(stringify({ apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry', metadata: { name: 'x' }, spec }), 'case.yaml');
  return [...checks, ...validateDocuments(documents).checks];
}




const INVALID: { name: string; spec: Record<string, unknown>; path: string; word: string }[] = [
  { name: 'nothing after unix://', spec: { address: 'unix://' }, path: 'spec.address', word: 'absolute path' },
  { name: 'address neither IP nor DNS name', spec: { address: 'not_a_host!' }, path: 'spec.address', word: 'not a valid ip address or dns name' },
  { name: 'five-field dotted address', spec: { address: '1.2.3.4.5' }, path: 'spec.address', word: 'numeric' },
  { name: 'empty address and empty network', spec: { address: '', network: '' }, path: 'spec.address', word: 'address is required' },
  { name: 'empty ports map on a unix address', spec: { address: 'unix:///sock', ports: {} }, path: 'spec.ports', word: 'UDS may not include ports' },
  { name: 'label key with a space', spec: { address: '1.1.1.1', labels: { 'a b': 'x' } }, path: formatPath(['spec', 'labels', 'a b']), word: 'label key' },
  { name: 'label value starting with "-"', spec: { address: '1.1.1.1', labels: { app: '-x' } }, path: 'spec.labels.app', word: 'label value' },
  { name: 'negative weight', spec: { address: '1.1.1.1', weight: -1 }, path: 'spec.weight', word: 'negative' },
  { name: 'service account too long', spec: { address: '1.1.1.1', serviceAccount: 'a'.repeat(254) }, path: 'spec.serviceAccount', word: '253' },
  { name: '63-character port name', spec: { address: '1.1.1.1', ports: { ['p'.repeat(63)]: 80 } }, path: `spec.ports.${'p'.repeat(63)}`, word: 'port name' },
  { name: 'port 0', spec: { address: '1.1.1.1', ports: { http: 0 } }, path: 'spec.ports.http', word: '1-65535' },
  { name: 'misspelt field', spec: { adress: '1.1.1.1', address: '1.1.1.1' }, path: 'spec.adress', word: 'did you mean "address"' },
];

describe('WorkloadEntry validation', () => {
  it.each(INVALID)('refuses $name at $path', ({ spec, path, word }) => {
    const errs = errors(validate(spec));
    expect(errs.map((c) => c.path)).toContain(path);
    expect(errs.filter((c) => c.path === path).some((c) => c.message.toLowerCase().includes(word.toLowerCase())), JSON.stringify(errs)).toBe(true);
  });

  const VALID: { name: string; spec: Record<string, unknown> }[] = [
    { name: 'IPv6 address with a zone', spec: { address: 'fe80::1%eth0' } },
    { name: 'upper-case DNS name', spec: { address: 'VM1.Example.com' } },
    { name: 'network only, empty address', spec: { address: '', network: 'remote' } },
    { name: 'long label value (Istio does not cap it)', spec: { address: '1.1.1.1', labels: { app: 'a'.repeat(80) } } },
    { name: 'labels with an upper-case prefix', spec: { address: '1.1.1.1', labels: { 'Example.com/tier': 'web' } } },
    { name: 'weight at the uint32 limit', spec: { address: '1.1.1.1', weight: 4294967295 } },
  ];
  it.each(VALID)('accepts $name', ({ spec }) => {
    expect(errors(validate(spec))).toEqual([]);
  });
});

describeCorpus("WorkloadEntry: Istio's corpus", () => {
  for (const { doc, name } of corpusDocs('validation/crds/workloadentry-valid.yaml')) {
    it(`accepts workloadentry-valid ${name}`, () => expect(validateDocuments([doc]).checks).toEqual([]));
  }
  for (const { doc, name, err } of corpusDocs('validation/crds/workloadentry-invalid.yaml')) {
    it(`refuses workloadentry-invalid ${name} (${err})`, () => expectRefusedLikeIstio(validateDocuments([doc]).checks, err ?? ''));
  }
  it.each(['v1', 'v1alpha3', 'v1beta1'])('accepts the %s WorkloadEntry of the dataset', (version) => {
    const docs = corpusDocs(`validation/dataset/networking-${version}-WorkloadEntry.yaml`);
    expect(docs.length).toBe(1);
    for (const { doc } of docs) expect(validateDocuments([doc]).checks).toEqual([]);
  });
});
