// Plain config (what the compiler emits and the proxy receives) and Envoy's wire constants.
export * from './config.js';
// Compile side (control plane): may import api types.
export { compileAuthorization, DEFAULT_ROOT_NAMESPACE, GATEWAY_NAME_LABEL, type AuthorizationPolicyInput, type AuthzWorkload, type AuthzCompileOptions, type AuthzCompileResult } from './compile.js';
export { AuthzCodes } from './findings.js';
// Engine side (proxy): imports only config.ts.
export { buildAuthorizer, type Authorizer, type AuthzDecision, type RuleRef, type ShadowResult } from './authorizer.js';
export { remoteAddress, type TcpAttributes, type HttpAttributes } from './attributes.js';
