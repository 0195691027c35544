import { beforeAll, describe, expect, it } from 'vitest';
import { buildJwtAuthenticator, type JwtAuthenticator } from './authenticator.js';
import type { JwtConfig, JwtProviderConfig } from './config.js';
import type { JwtOutcome } from './outcome.js';
import { jwksOf, makeKey, provider, request, type TestKey } from './test-support.js';

const NOW = 1_750_000_000; // seconds
const clock = { now: () => NOW * 1000 };
const noFetch = () => Promise.reject(new Error('no remote JWKS in this test'));
const ISS = 'testing@secure.istio.io';

let rsa: TestKey;
let ec: TestKey;
let stranger: TestKey; // same kid as rsa, different key: a forger
let otherKid: TestKey;

beforeAll(async () => {
  rsa = await makeKey('RS256', 'rsa-1');
  ec = await makeKey('ES256', 'ec-1');
  stranger = await makeKey('RS256', 'rsa-1');
  otherKid = await makeKey('RS256', 'unknown-kid');
});

function engine(...providers: JwtProviderConfig[]): JwtAuthenticator {
  const config: JwtConfig = { providers: providers.map((p, i) => ({ ...p, name: `origins-${i}` })), bypassCorsPreflight: true };
  // Through JSON, as the config travels from the compiler to the proxy.
  return buildJwtAuthenticator(JSON.parse(JSON.stringify(config)) as JwtConfig, { fetchJwks: noFetch, clock });
}

const basic = () => provider({ issuer: ISS, jwks: { kind: 'inline', jwks: jwksOf(rsa, ec) } });

async function run(a: JwtAuthenticator, headers: Record<string, string | string[]>, path = '/get'): Promise<JwtOutcome> {
  return a.authenticate(request(headers, path));
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const claims = (over: Record<string, unknown> = {}) => ({ iss: ISS, sub: 'alice', exp: NOW + 3600, ...over });

describe('one provider, Envoy statuses', () => {
  const cases: Array<{ name: string; key: () => TestKey; payload: Record<string, unknown>; kid?: string; mangle?: (t: string) => string; audiences?: string[]; status?: number; body?: string }> = [
    { name: 'valid RS256', key: () => rsa, payload: claims() },
    { name: 'valid ES256', key: () => ec, payload: claims() },
    { name: 'expired beyond the 60s skew', key: () => rsa, payload: claims({ exp: NOW - 61 }), status: 401, body: 'Jwt is expired' },
    { name: 'expired within the skew still passes', key: () => rsa, payload: claims({ exp: NOW - 60 }) },
    { name: 'not yet valid beyond the skew', key: () => ec, payload: claims({ nbf: NOW + 61 }), status: 401, body: 'Jwt not yet valid' },
    { name: 'nbf within the skew passes', key: () => ec, payload: claims({ nbf: NOW + 60 }) },
    { name: 'wrong issuer', key: () => rsa, payload: claims({ iss: 'evil@example.com' }), status: 401, body: 'Jwt issuer is not configured' },
    { name: 'wrong audience', key: () => rsa, payload: claims({ aud: 'other' }), audiences: ['bookinfo'], status: 403, body: 'Audiences in Jwt are not allowed' },
    { name: 'no audience when one is required', key: () => rsa, payload: claims(), audiences: ['bookinfo'], status: 403, body: 'Audiences in Jwt are not allowed' },
    { name: 'audience among several, scheme and slash ignored', key: () => rsa, payload: claims({ aud: ['x', 'https://bookinfo/'] }), audiences: ['bookinfo'] },
    { name: 'unknown key id', key: () => otherKid, payload: claims(), status: 401, body: "Jwks doesn't have key to match kid or alg from Jwt" },
    { name: 'wrong key under a known kid', key: () => stranger, payload: claims(), status: 401, body: 'Jwt verification fails' },
    { name: 'expired and forged: time is checked before the key', key: () => stranger, payload: claims({ exp: NOW - 3600 }), status: 401, body: 'Jwt is expired' },
    {
      name: 'tampered payload',
      key: () => rsa,
      payload: claims(),
      mangle: (t) => {
        const [h, , s] = t.split('.');
        return `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url')}.${s}`;
      },
      status: 401,
      body: 'Jwt verification fails',
    },
    { name: 'tampered signature', key: () => ec, payload: claims(), mangle: (t) => t.slice(0, -4) + (t.endsWith('AAAA') ? 'BBBB' : 'AAAA'), status: 401, body: 'Jwt verification fails' },
    { name: 'two sections', key: () => rsa, payload: claims(), mangle: (t) => t.split('.').slice(0, 2).join('.'), status: 401, body: 'Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections' },
    { name: 'header is not JSON', key: () => rsa, payload: claims(), mangle: (t) => `${Buffer.from('{nope').toString('base64url')}.${t.split('.').slice(1).join('.')}`, status: 401, body: 'Jwt header is an invalid JSON' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const a = engine({ ...basic(), audiences: c.audiences ?? [] });
      let token = await c.key().sign(c.payload);
      if (c.mangle) token = c.mangle(token);
      const out = await run(a, bearer(token));
      if (c.status === undefined) {
        expect(out).toMatchObject({ kind: 'ok', principal: `${c.payload.iss as string}/alice`, provider: 'origins-0', policy: 'default/jwt' });
      } else {
        expect(out).toEqual({
          kind: 'denied',
          status: c.status,
          body: c.body,
          wwwAuthenticate: 'Bearer realm="http://httpbin.foo:8000/get", error="invalid_token"',
          reason: expect.any(String),
          responseDetails: `jwt_authn_access_denied{${c.body!.replace(/ /g, '_')}}`,
        });
      }
    });
  }

  it('passes a request without a token, with no principal', async () => {
    expect(await run(engine(basic()), {})).toEqual({ kind: 'none', headersToRemove: [] });
    // A header without the Bearer prefix is not a token location either.
    expect(await run(engine(basic()), { authorization: 'Basic Zm9vOmJhcg==' })).toMatchObject({ kind: 'none' });
  });

  it('answers synchronously when the keys are inline', async () => {
    const out = engine(basic()).authenticate(request(bearer(await rsa.sign(claims()))));
    expect(out).not.toBeInstanceOf(Promise);
  });

  it('lets a CORS preflight through even with a bad token', async () => {
    const a = engine(basic());
    const headers = { ...bearer(await rsa.sign(claims({ exp: NOW - 3600 }))), origin: 'http://a.example', 'access-control-request-method': 'POST' };
    expect(await a.authenticate(request(headers, '/get', 'OPTIONS'))).toMatchObject({ kind: 'none' });
    expect(await a.authenticate(request(headers, '/get', 'GET'))).toMatchObject({ kind: 'denied', body: 'Jwt is expired' });
  });

  it('requires every token it finds to pass', async () => {
    const a = engine(basic());
    const good = await rsa.sign(claims());
    const bad = await rsa.sign(claims({ exp: NOW - 3600 }));
    expect(await run(a, { authorization: [`Bearer ${good}`, `Bearer ${bad}`] })).toMatchObject({ kind: 'denied', body: 'Jwt is expired' });
    expect(await run(a, bearer(good), `/get?access_token=${bad}`)).toMatchObject({ kind: 'denied', body: 'Jwt is expired' });
  });

  it('fails closed on an inline JWKS with no usable key', async () => {
    const a = engine(provider({ issuer: ISS, jwks: { kind: 'inline', jwks: '{"keys":[{"kty":"RSA"}]}' } }));
    expect(await run(a, bearer(await rsa.sign(claims())))).toMatchObject({ status: 401, body: "Jwks doesn't have any valid public key" });
  });
});

describe('token locations', () => {
  it('reads a header with a custom prefix and strips it before the app sees it', async () => {
    const a = engine({ ...basic(), locations: { headers: [{ name: 'x-jwt-assertion', prefix: 'Token ' }], params: [], cookies: [] } });
    const token = await ec.sign(claims());
    const out = await run(a, { 'x-jwt-assertion': `Token ${token}`, authorization: 'Bearer ignored' });
    expect(out).toMatchObject({ kind: 'ok', principal: `${ISS}/alice`, headersToRemove: ['x-jwt-assertion'], path: undefined });
    // The default location is not looked at once a location is named.
    expect(await run(a, bearer(token))).toMatchObject({ kind: 'none' });
  });

  it('reads a query parameter and takes it out of the forwarded path', async () => {
    const a = engine({ ...basic(), locations: { headers: [], params: ['token'], cookies: [] } });
    const token = await rsa.sign(claims());
    expect(await run(a, {}, `/get?a=1&token=${token}&b=2`)).toMatchObject({ kind: 'ok', path: '/get?a=1&b=2', headersToRemove: [] });
    expect(await run(a, {}, `/get?token=${token}`)).toMatchObject({ kind: 'ok', path: '/get' });
  });

  it('reads the default access_token parameter', async () => {
    const out = await run(engine(basic()), {}, `/headers?access_token=${await rsa.sign(claims())}`);
    expect(out).toMatchObject({ kind: 'ok', path: '/headers' });
  });

  it('reads a cookie and leaves it in place, as Envoy does', async () => {
    const a = engine({ ...basic(), locations: { headers: [], params: [], cookies: ['session'] } });
    const out = await run(a, { cookie: `theme=dark; session="${await ec.sign(claims())}"` });
    expect(out).toMatchObject({ kind: 'ok', principal: `${ISS}/alice`, headersToRemove: [], path: undefined });
  });

  it('keeps the token when forwardOriginalToken is set', async () => {
    const out = await run(engine({ ...basic(), forwardOriginalToken: true }), bearer(await rsa.sign(claims())));
    expect(out).toMatchObject({ kind: 'ok', headersToRemove: [] });
  });
});

describe('outputs', () => {
  const nested = { iss: ISS, sub: 'bob', exp: NOW + 60, group: 'eng', nested: { key1: ['a', 'b'], key2: 'v2', n: { deep: true } }, int: 42, float: 1.5, neg: -3, big: 2 ** 53, empty: '', scope: 'read write  admin' };

  it('puts the payload, base64url as sent, in outputPayloadToHeader', async () => {
    const token = await rsa.sign(nested);
    const out = await run(engine({ ...basic(), outputPayloadToHeader: 'X-Jwt-Payload' }), bearer(token));
    expect(out.kind).toBe('ok');
    if (out.kind !== 'ok') return;
    const [name, value] = out.headersToSet[0]!;
    expect(name).toBe('x-jwt-payload');
    expect(value).toBe(token.split('.')[1]);
    expect(JSON.parse(Buffer.from(value, 'base64url').toString())).toEqual(nested);
    expect(out.headersToRemove).toEqual(['x-jwt-payload', 'authorization']);
  });

  it('copies claims to headers as Envoy formats them', async () => {
    const map: Array<[string, string]> = [
      ['x-group', 'group'],
      ['x-nested', 'nested.key2'],
      ['x-deep', 'nested.n.deep'],
      ['x-list', 'nested.key1'],
      ['x-obj', 'nested'],
      ['x-int', 'int'],
      ['x-float', 'float'],
      ['x-neg', 'neg'],
      ['x-big', 'big'],
      ['x-empty', 'empty'],
      ['x-missing', 'nope.nope'],
    ];
    const a = engine({ ...basic(), outputClaimToHeaders: map.map(([header, claim]) => ({ header, claim })) });
    const out = await run(a, bearer(await rsa.sign(nested)));
    expect(out.kind === 'ok' && out.headersToSet).toEqual([
      ['x-group', 'eng'],
      ['x-nested', 'v2'],
      ['x-deep', 'true'],
      ['x-int', '42'],
      ['x-float', '1.500000'],
      ['x-neg', '-3.000000'],
      ['x-big', '9007199254740992'],
    ]);
    // Forgeable output headers go even when no token came.
    expect(await run(a, { 'x-group': 'admins' })).toEqual({ kind: 'none', headersToRemove: map.map(([h]) => h) });
  });

  it('hands authorization the claims, scope split on spaces', async () => {
    const out = await run(engine(basic()), bearer(await rsa.sign(nested)));
    expect(out.kind === 'ok' && out.claims).toEqual({ ...nested, scope: ['read', 'write', 'admin'] });
  });
});

describe('several providers, as Istio combines them', () => {
  const ISS2 = 'second@example.com';
  const two = () => [
    provider({ issuer: ISS, jwks: { kind: 'inline', jwks: jwksOf(rsa) } }),
    provider({ issuer: ISS2, jwks: { kind: 'inline', jwks: jwksOf(ec) }, locations: { headers: [{ name: 'x-token', prefix: '' }], params: [], cookies: [] } }),
  ];

  it('accepts a token valid for either provider', async () => {
    const a = engine(...two());
    expect(await run(a, bearer(await rsa.sign(claims())))).toMatchObject({ kind: 'ok', principal: `${ISS}/alice`, provider: 'origins-0' });
    expect(await run(a, { 'x-token': await ec.sign(claims({ iss: ISS2 })) })).toMatchObject({ kind: 'ok', principal: `${ISS2}/alice`, provider: 'origins-1' });
    expect(await run(a, {})).toMatchObject({ kind: 'none' });
  });

  it('one good token is enough, even beside a bad one for the other provider', async () => {
    const a = engine(...two());
    const out = await run(a, { ...bearer(await rsa.sign(claims())), 'x-token': 'garbage' });
    expect(out).toMatchObject({ kind: 'ok', provider: 'origins-0' });
  });

  it('reports the real error over an unknown issuer', async () => {
    const a = engine(...two());
    // origins-0 finds the token and it is expired; origins-1 finds nothing.
    expect(await run(a, bearer(await rsa.sign(claims({ exp: NOW - 3600 }))))).toMatchObject({ status: 401, body: 'Jwt is expired' });
    // Shared location: both providers see a stranger's token.
    const shared = two().map((p) => ({ ...p, locations: basic().locations }));
    expect(await run(engine(...shared), bearer(await rsa.sign(claims({ iss: 'nobody' }))))).toMatchObject({ status: 401, body: 'Jwt issuer is not configured' });
    // Shared location, token of the second issuer signed with the wrong key.
    expect(await run(engine(...shared), bearer(await rsa.sign(claims({ iss: ISS2 }))))).toMatchObject({ status: 401, body: "Jwks doesn't have key to match kid or alg from Jwt" });
  });
});

describe('several tokens for one provider', () => {
  it('verifies each, outputs for each, and removes the header once', async () => {
    const k = await makeKey('ES256', 'multi');
    const a = engine(provider({ issuer: ISS, jwks: { kind: 'inline', jwks: jwksOf(k) }, outputClaimToHeaders: [{ header: 'x-sub', claim: 'sub' }] }));
    const t1 = await k.sign(claims({ sub: 'first' }));
    const t2 = await k.sign(claims({ sub: 'second' }));
    const out = await run(a, { authorization: [`Bearer ${t1}`, `Bearer ${t2}`] });
    // The last token found is checked first; the payload kept is the last one checked.
    expect(out).toMatchObject({ kind: 'ok', principal: `${ISS}/first`, headersToRemove: ['x-sub', 'authorization'], headersToSet: [['x-sub', 'second'], ['x-sub', 'first']] });
  });
});
