/** The proxy's surface of this module: nothing here reaches api/ or compile/. */
export * from './config.js';
export { buildAuthorizer, type Authorizer, type AuthzDecision, type RuleRef, type ShadowResult } from './authorizer.js';
export { remoteAddress, type TcpAttributes, type HttpAttributes } from './attributes.js';
