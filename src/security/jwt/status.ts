/**
 * The verification outcomes Envoy's jwt_authn reports, with the exact strings it answers with
 * (jwt_verify_lib's status table). Only the statuses tack can produce are listed.
 */
export const JwtStatus = {
  Ok: 'OK',
  JwtMissed: 'Jwt is missing',
  JwtNotYetValid: 'Jwt not yet valid',
  JwtExpired: 'Jwt is expired',
  JwtBadFormat: 'Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections',
  JwtHeaderParseErrorBadBase64: 'Jwt header is an invalid Base64url encoded',
  JwtHeaderParseErrorBadJson: 'Jwt header is an invalid JSON',
  JwtHeaderBadAlg: 'Jwt header [alg] field is required and must be a string',
  JwtHeaderNotImplementedAlg: 'Jwt header [alg] is not supported',
  JwtHeaderBadKid: 'Jwt header [kid] field is not a string',
  JwtPayloadParseErrorBadBase64: 'Jwt payload is an invalid Base64url encoded',
  JwtPayloadParseErrorBadJson: 'Jwt payload is an invalid JSON',
  JwtPayloadParseErrorIssNotString: 'Jwt payload [iss] field is not a string',
  JwtPayloadParseErrorSubNotString: 'Jwt payload [sub] field is not a string',
  JwtPayloadParseErrorIatNotInteger: 'Jwt payload [iat] field is not an integer',
  JwtPayloadParseErrorIatOutOfRange: 'Jwt payload [iat] field is not a positive 64 bit integer',
  JwtPayloadParseErrorNbfNotInteger: 'Jwt payload [nbf] field is not an integer',
  JwtPayloadParseErrorNbfOutOfRange: 'Jwt payload [nbf] field is not a positive 64 bit integer',
  JwtPayloadParseErrorExpNotInteger: 'Jwt payload [exp] field is not an integer',
  JwtPayloadParseErrorExpOutOfRange: 'Jwt payload [exp] field is not a positive 64 bit integer',
  JwtPayloadParseErrorJtiNotString: 'Jwt payload [jti] field is not a string',
  JwtPayloadParseErrorAudNotString: 'Jwt payload [aud] field is not a string or string list',
  JwtSignatureParseErrorBadBase64: 'Jwt signature is an invalid Base64url encoded',
  JwtUnknownIssuer: 'Jwt issuer is not configured',
  JwtAudienceNotAllowed: 'Audiences in Jwt are not allowed',
  JwtVerificationFail: 'Jwt verification fails',
  JwksNoValidKeys: "Jwks doesn't have any valid public key",
  JwksKidAlgMismatch: "Jwks doesn't have key to match kid or alg from Jwt",
  JwksFetchFail: 'Jwks remote fetch is failed',
} as const;

export type JwtStatusName = keyof typeof JwtStatus;

/** Envoy answers 403 for a disallowed audience and 401 for every other failure. */
export function httpStatusOf(status: JwtStatusName): 401 | 403 {
  return status === 'JwtAudienceNotAllowed' ? 403 : 401;
}

/** Envoy's response code details for access logs: `jwt_authn_access_denied{Jwt_is_expired}`. */
export function responseDetailsOf(status: JwtStatusName): string {
  return `jwt_authn_access_denied{${JwtStatus[status].replace(/\s/g, '_')}}`;
}

/** Envoy caps the path in the realm at 256 characters. */
const MAX_REALM_PATH = 256;

/**
 * `WWW-Authenticate` of a denial: `Bearer realm="<scheme>://<host><path>"`, plus
 * `, error="invalid_token"` unless the token was missing.
 */
export function wwwAuthenticateOf(status: JwtStatusName, scheme: string, host: string, path: string): string {
  const p = path.length > MAX_REALM_PATH ? path.slice(0, MAX_REALM_PATH) : path;
  const realm = `Bearer realm="${scheme}://${host}${p}"`;
  return status === 'JwtMissed' ? realm : `${realm}, error="invalid_token"`;
}
