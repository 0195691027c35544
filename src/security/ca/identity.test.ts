import { describe, it, expect } from 'vitest';
import { formatSpiffeId, parseSpiffeId, sameIdentity } from './identity.js';
import { CaError } from './errors.js';

describe('SPIFFE ids', () => {
  it('formats and parses Istio’s spiffe://TD/ns/NS/sa/SA shape both ways', () => {
    const id = { trustDomain: 'cluster.local', namespace: 'bookinfo', serviceAccount: 'bookinfo-reviews' };
    const uri = formatSpiffeId(id);
    expect(uri).toBe('spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews');
    expect(parseSpiffeId(uri)).toEqual(id);
    expect(sameIdentity(parseSpiffeId(uri), id)).toBe(true);
  });

  it.each([
    'http://cluster.local/ns/a/sa/b',
    'spiffe://cluster.local/ns/a',
    'spiffe://cluster.local/ns/a/sa/b/extra',
    'spiffe://cluster.local/namespace/a/sa/b',
    'spiffe://cluster.local/ns//sa/b',
    'spiffe://Cluster.Local/ns/a/sa/b',
    'spiffe:///ns/a/sa/b',
  ])('refuses %s', (uri) => {
    expect(() => parseSpiffeId(uri)).toThrow(CaError);
  });

  it('refuses to format an identity with a slash smuggled into a segment', () => {
    expect(() => formatSpiffeId({ trustDomain: 'cluster.local', namespace: 'a/sa/admin', serviceAccount: 'x' })).toThrow(/invalid namespace/);
  });
});
