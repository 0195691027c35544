import { describe, expect, it } from 'vitest';
import { claimHeaderValue, claimStrings, formatClaimNumber, jwtPrincipalOf, normalizeClaims, parseRequestAuthAttribute, requestAuthValues } from './claims.js';

describe('Envoy number formatting', () => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [42, '42'],
    [1.5, '1.500000'],
    [-3, '-3.000000'],
    [0.1234567, '0.123457'],
    [2 ** 63, '9223372036854775808'],
    [1e22, '10000000000000000000000.000000'],
  ];
  for (const [n, want] of cases) it(String(n), () => expect(formatClaimNumber(n)).toBe(want));
});

describe('request.auth attributes', () => {
  const claims = { iss: 'https://accounts.example', sub: 'u1', aud: ['a', 'b', 3], azp: 'web', group: 'eng', nested: { key1: ['v1', 'v2'], key2: { deep: 'x' } }, n: 5 };
  const cases: Array<[string, readonly string[] | undefined]> = [
    ['request.auth.principal', ['https://accounts.example/u1']],
    ['request.auth.audiences', ['a', 'b']],
    ['request.auth.presenter', ['web']],
    ['request.auth.claims[group]', ['eng']],
    ['request.auth.claims[nested][key1]', ['v1', 'v2']],
    ['request.auth.claims[nested][key2][deep]', ['x']],
    ['request.auth.claims[nested]', []],
    ['request.auth.claims[n]', []],
    ['request.auth.claims[absent]', []],
    ['request.auth.claims', undefined],
    ['request.auth.other', undefined],
  ];
  for (const [key, want] of cases) {
    it(key, () => {
      const attr = parseRequestAuthAttribute(key);
      expect(attr === undefined ? undefined : requestAuthValues(claims, attr)).toEqual(want);
    });
  }

  it('principal needs both iss and sub', () => {
    expect(jwtPrincipalOf({ iss: 'i' })).toBeUndefined();
    expect(jwtPrincipalOf({ iss: 'i', sub: 's' })).toBe('i/s');
  });

  it('splits space-delimited claims for matching, leaving others alone', () => {
    const n = normalizeClaims({ scope: 'a  b', roles: ['x'], other: 'c d' }, ['roles', 'scope']);
    expect(n).toEqual({ scope: ['a', 'b'], roles: ['x'], other: 'c d' });
    expect(claimStrings(n, ['scope'])).toEqual(['a', 'b']);
  });

  it('writes header values only for strings, numbers and booleans', () => {
    const c = { s: 'v', t: true, f: false, o: { a: 1 }, l: ['x'], e: '' };
    expect(['s', 't', 'f', 'o', 'l', 'e', 'o.a', 's.x'].map((k) => claimHeaderValue(c, k))).toEqual(['v', 'true', 'false', undefined, undefined, undefined, '1', undefined]);
  });
});
