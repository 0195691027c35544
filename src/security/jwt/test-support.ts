/** Keys, tokens and requests for the JWT tests (imported only by *.test.ts). */
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { JwtProviderConfig } from './config.js';
import type { JwtRequest } from './request.js';

export interface TestKey {
  alg: 'RS256' | 'ES256';
  kid: string;
  jwk: JWK;
  sign(payload: JWTPayload, header?: { kid?: string }): Promise<string>;
}

export async function makeKey(alg: 'RS256' | 'ES256', kid: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg };
  return {
    alg,
    kid,
    jwk,
    sign: (payload, header) => new SignJWT(payload).setProtectedHeader({ alg, kid: header?.kid ?? kid, typ: 'JWT' }).sign(privateKey),
  };
}

export const jwksOf = (...keys: TestKey[]) => JSON.stringify({ keys: keys.map((k) => k.jwk) });

/** A provider as the compiler emits it for a rule with only issuer and inline keys. */
export function provider(over: Partial<JwtProviderConfig> & Pick<JwtProviderConfig, 'issuer' | 'jwks'>): JwtProviderConfig {
  return {
    name: 'origins-0',
    policy: 'default/jwt',
    audiences: [],
    locations: { headers: [{ name: 'authorization', prefix: 'Bearer ' }], params: ['access_token'], cookies: [] },
    forwardOriginalToken: false,
    outputPayloadToHeader: '',
    outputClaimToHeaders: [],
    spaceDelimitedClaims: ['permission', 'scope'],
    clockSkewSeconds: 60,
    ...over,
  };
}

/** A request over plain header data. */
export function request(headers: Record<string, string | string[]> = {}, path = '/get', method = 'GET'): JwtRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, scheme: 'http', host: 'httpbin.foo:8000', path, header: (name) => lower[name] };
}
