import { describe, expect, it } from 'vitest';
import { normalizeAudience, parseJwt, timeStatus, type ParsedJwt } from './token.js';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const jwt = (header: unknown, payload: unknown, sig = 'c2ln') => `${b64(header)}.${b64(payload)}.${sig}`;
const H = { alg: 'RS256', kid: 'k' };

describe('parseJwt fails as jwt_verify_lib does', () => {
  const cases: Array<[string, string, string]> = [
    ['no dots', 'abc', 'JwtBadFormat'],
    ['two sections', `${b64(H)}.${b64({})}`, 'JwtBadFormat'],
    ['an empty section', `${b64(H)}..c2ln`, 'JwtBadFormat'],
    ['four sections', `${jwt(H, {})}.more`, 'JwtBadFormat'],
    ['header not base64url', `${b64(H)}*.${b64({})}.c2ln`, 'JwtHeaderParseErrorBadBase64'],
    ['header not JSON', jwt('{alg', {}), 'JwtHeaderParseErrorBadJson'],
    ['header a JSON list', jwt([1], {}), 'JwtHeaderParseErrorBadJson'],
    ['no alg', jwt({ kid: 'k' }, {}), 'JwtHeaderBadAlg'],
    ['alg not a string', jwt({ alg: 256 }, {}), 'JwtHeaderBadAlg'],
    ['alg none', jwt({ alg: 'none' }, {}), 'JwtHeaderNotImplementedAlg'],
    ['kid not a string', jwt({ alg: 'ES256', kid: 7 }, {}), 'JwtHeaderBadKid'],
    ['payload not base64url', `${b64(H)}.%%%.c2ln`, 'JwtPayloadParseErrorBadBase64'],
    ['payload not JSON', jwt(H, 'not json'), 'JwtPayloadParseErrorBadJson'],
    ['iss a number', jwt(H, { iss: 1 }), 'JwtPayloadParseErrorIssNotString'],
    ['sub an object', jwt(H, { sub: {} }), 'JwtPayloadParseErrorSubNotString'],
    ['iat a string', jwt(H, { iat: '1' }), 'JwtPayloadParseErrorIatNotInteger'],
    ['nbf negative', jwt(H, { nbf: -1 }), 'JwtPayloadParseErrorNbfOutOfRange'],
    ['exp a string', jwt(H, { exp: 'tomorrow' }), 'JwtPayloadParseErrorExpNotInteger'],
    ['exp too large', jwt(H, { exp: 2 ** 64 }), 'JwtPayloadParseErrorExpOutOfRange'],
    ['jti a number', jwt(H, { jti: 3 }), 'JwtPayloadParseErrorJtiNotString'],
    ['aud a number', jwt(H, { aud: 3 }), 'JwtPayloadParseErrorAudNotString'],
    ['aud a list with a number', jwt(H, { aud: ['a', 3] }), 'JwtPayloadParseErrorAudNotString'],
    ['signature not base64url', jwt(H, {}, 'a+b/'), 'JwtSignatureParseErrorBadBase64'],
  ];
  for (const [name, token, status] of cases) it(name, () => expect(parseJwt(token)).toBe(status));

  it('reads the fields it checks', () => {
    const p = parseJwt(jwt({ alg: 'ES256' }, { iss: 'i', sub: 's', nbf: 10.9, exp: 20, aud: 'a', extra: { x: 1 } })) as ParsedJwt;
    expect(p).toMatchObject({ alg: 'ES256', kid: '', iss: 'i', sub: 's', nbf: 10, exp: 20, audiences: ['a'], claims: { extra: { x: 1 } } });
    expect(p.signingInput).toBe(`${b64({ alg: 'ES256' })}.${b64({ iss: 'i', sub: 's', nbf: 10.9, exp: 20, aud: 'a', extra: { x: 1 } })}`);
  });
});

describe('timeStatus', () => {
  const at = (nbf: number, exp: number) => ({ nbf, exp }) as ParsedJwt;
  const cases: Array<[number, number, number, string]> = [
    [0, 0, 1000, 'Ok'], // neither claim
    [0, 1000, 1060, 'Ok'], // expired by exactly the skew
    [0, 1000, 1061, 'JwtExpired'],
    [1060, 0, 1000, 'Ok'],
    [1061, 0, 1000, 'JwtNotYetValid'],
  ];
  for (const [nbf, exp, now, want] of cases) it(`nbf=${nbf} exp=${exp} now=${now} → ${want}`, () => expect(timeStatus(at(nbf, exp), now, 60)).toBe(want));
});

describe('normalizeAudience', () => {
  const cases: Array<[string, string]> = [
    ['bookinfo', 'bookinfo'],
    ['https://bookinfo', 'bookinfo'],
    ['http://bookinfo/', 'bookinfo'],
    ['bookinfo/', 'bookinfo'],
    ['ftp://bookinfo', 'ftp://bookinfo'],
  ];
  for (const [aud, want] of cases) it(aud, () => expect(normalizeAudience(aud)).toBe(want));
});
