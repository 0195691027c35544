/** Gateway `credentialName` Secrets -> validated PEMs, with Istio's lookup order and error strings. */
export type { GatewayCredential, CredentialError, CredentialErrorCode, CredentialResult, SecretLike, SecretLookup } from './config.js';
export { resolveCredential, CA_SUFFIX, type ResolveOptions } from './resolve.js';
export { extractCertAndKey, extractRoot, secretData, truncatedKeysMessage } from './secret-data.js';
