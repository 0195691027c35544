/**
 * The RBAC filter's settings: a listener's compiled AuthorizationPolicies built into an evaluator
 * once per configuration version (the listener config object is replaced when it changes), never
 * per request.
 */
import type { AuthzConfig } from '../../../compile/config.js';
import { buildAuthorizer, type Authorizer } from '../../../security/authz/engine.js';

const built = new WeakMap<AuthzConfig, Authorizer>();

export function authorizerFor(config: AuthzConfig): Authorizer {
  let a = built.get(config);
  if (!a) {
    a = buildAuthorizer(config);
    built.set(config, a);
  }
  return a;
}
