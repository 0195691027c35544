/** security.istio.io RequestAuthentication: fields and rules of Istio's CRD schema and validation webhook. */
import { z } from 'zod';
import { obj, str, bool, enumOf, deprecated } from '../schema/fields.js';
import { defineKind, statusField, SECURITY_VERSIONS } from './define.js';
import { oneTargetingMode, pbDuration, policyTargetingShape } from './common.js';

const nonEmpty = (what: string) => z.string().min(1, { message: `${what} must not be empty` });

/** Why `uri` is not a JWKS URL Istio fetches (http or https, parseable), or undefined. */
export function jwksUriProblem(uri: string): string | undefined {
  // Go's url.Parse refuses ASCII control characters anywhere in the text.
  if (/[\u0000-\u001f\u007f]/.test(uri)) return 'url must have scheme http:// or https:// (the text holds a control character)';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri)?.[1];
  if (scheme === undefined) return 'url must have scheme http:// or https://';
  if (scheme.toLowerCase() !== 'http' && scheme.toLowerCase() !== 'https') return `url must have scheme http:// or https:// (got ${scheme}:)`;
  try {
    new URL(uri);
  } catch {
    return 'not a valid URL';
  }
  return undefined;
}

const KEY_TYPES = new Set(['RSA', 'EC', 'oct', 'OKP']);

/** Why `text` is not a JSON Web Key Set (or a single JWK), or undefined. */
export function jwksProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `jwks parse error: ${(err as Error).message}`;
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) return 'jwks parse error: a JWKS is a JSON object';
  const keys = 'keys' in value ? value.keys : [value];
  if (!Array.isArray(keys)) return 'jwks parse error: "keys" must be a list';
  for (const key of keys) {
    if (!isObject(key)) return 'jwks parse error: each key must be a JSON object';
    if (typeof key.kty !== 'string' || !KEY_TYPES.has(key.kty)) return `jwks parse error: unsupported key type ${JSON.stringify(key.kty)} (use RSA, EC, oct or OKP)`;
  }
  return undefined;
}

const jwksUriField = () =>
  z
    .string()
    .min(1, { message: 'jwksUri must not be empty' })
    .max(2048, { message: 'jwksUri must be at most 2048 characters' })
    .superRefine((u, ctx) => {
      const p = jwksUriProblem(u);
      if (p) ctx.addIssue({ code: 'custom', message: `invalid jwksUri ${JSON.stringify(u)}: ${p}` });
    });

export const jwtHeaderSchema = obj({
  name: nonEmpty('header name'),
  prefix: str().optional(),
});
export type JWTHeader = z.infer<typeof jwtHeaderSchema>;

export const claimToHeaderSchema = obj({
  header: nonEmpty('header').regex(/^[-A-Za-z0-9]+$/, { message: 'header in body should match ^[-A-Za-z0-9]+$: letters, digits and "-" only' }),
  claim: nonEmpty('claim'),
});
export type ClaimToHeader = z.infer<typeof claimToHeaderSchema>;

/** How a JWT rule treats a request without its token. */
export const JWT_PRESENCE = ['OPTIONAL', 'REQUIRED'] as const;

export const jwtRuleSchema = obj({
  issuer: nonEmpty('issuer').optional(),
  audiences: z.array(nonEmpty('audience')).optional(),
  jwksUri: jwksUriField().optional(),
  jwks_uri: deprecated(jwksUriField(), 'use jwksUri').optional(),
  jwks: str()
    .superRefine((j, ctx) => {
      const p = jwksProblem(j);
      if (p) ctx.addIssue({ code: 'custom', message: p });
    })
    .optional(),
  fromHeaders: z.array(jwtHeaderSchema).optional(),
  fromParams: z.array(nonEmpty('query parameter name')).optional(),
  fromCookies: z.array(nonEmpty('cookie name')).optional(),
  outputPayloadToHeader: str().optional(),
  forwardOriginalToken: bool().optional(),
  outputClaimToHeaders: z.array(claimToHeaderSchema).optional(),
  timeout: pbDuration().optional(),
  spaceDelimitedClaims: z.array(nonEmpty('claim name')).max(64, { message: 'at most 64 space-delimited claims are allowed' }).optional(),
  presence: enumOf(JWT_PRESENCE).optional(),
}).superRefine((rule, ctx) => {
  const sources = (['jwks', 'jwksUri', 'jwks_uri'] as const).filter((k) => rule[k] !== undefined);
  if (sources.length > 1) ctx.addIssue({ code: 'custom', path: [sources[1] as string], message: `only one of jwks or jwksUri can be set (got ${sources.join(' and ')})` });
  if (!rule.issuer && !rule.jwksUri && !rule.jwks_uri) ctx.addIssue({ code: 'custom', path: ['issuer'], message: 'issuer or jwksUri must be set' });
});
export type JWTRule = z.infer<typeof jwtRuleSchema>;

export const requestAuthenticationSpecSchema = obj({
  ...policyTargetingShape,
  jwtRules: z.array(jwtRuleSchema).max(4096, { message: 'at most 4096 JWT rules are allowed' }).optional(),
}).superRefine((ra, ctx) => oneTargetingMode(ra, ctx));
export type RequestAuthenticationSpec = z.infer<typeof requestAuthenticationSpecSchema>;

export const RequestAuthentication = defineKind({
  kind: 'RequestAuthentication',
  group: 'security.istio.io',
  versions: SECURITY_VERSIONS,
  plural: 'requestauthentications',
  shortNames: ['ra'],
  body: { spec: requestAuthenticationSpecSchema, status: statusField },
});
export type RequestAuthenticationObject = z.infer<typeof RequestAuthentication.schema>;
