export type { MtlsMode, PeerAuthnChainEntry, PeerAuthnConfig } from './config.js';
export { mtlsModeForPort } from './config.js';
export { composePeerAuthentication, namespaceMtlsMode, DEFAULT_ROOT_NAMESPACE, type PeerAuthenticationInput, type PeerAuthnWorkload, type PeerAuthnOptions } from './compose.js';
export { clientWouldUseMtls, type AutoMtlsQuery, type AutoMtlsDecision, type DestinationRuleTlsMode } from './auto-mtls.js';
