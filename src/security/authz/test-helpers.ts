/** Shared by this folder's tests: policies from short literals, and request attributes with defaults. */
import type { AuthorizationPolicySpec } from '../../api/kinds/authorization-policy.js';
import { compileAuthorization, type AuthorizationPolicyInput, type AuthzCompileOptions } from './compile.js';
import { buildAuthorizer, type Authorizer } from './authorizer.js';
import type { HttpAttributes, TcpAttributes } from './attributes.js';

export const WORKLOAD = { namespace: 'foo', labels: { app: 'httpbin' } };

export function policy(name: string, spec: AuthorizationPolicySpec, extra: Partial<AuthorizationPolicyInput> = {}): AuthorizationPolicyInput {
  return { namespace: 'foo', name, creationTimestamp: '2024-01-01T00:00:00Z', spec, ...extra };
}

export function authorizer(policies: AuthorizationPolicyInput[], options?: AuthzCompileOptions): Authorizer {
  return buildAuthorizer(compileAuthorization(policies, WORKLOAD, options).config);
}

export const SLEEP = 'spiffe://cluster.local/ns/foo/sa/sleep';

export function tcp(a: Partial<TcpAttributes> = {}): TcpAttributes {
  return { sourcePrincipal: SLEEP, sourceIp: '10.0.0.1', destinationIp: '10.0.0.9', destinationPort: 8000, ...a };
}

export function http(a: Partial<HttpAttributes> = {}): HttpAttributes {
  return { ...tcp(), host: 'httpbin.foo:8000', method: 'GET', path: '/get', headers: {}, ...a };
}
