/** A workload's AuthorizationPolicies as its inbound listeners enforce them (Istio's selection and order: src/security/authz). */
import { compileAuthorization } from '../security/authz/compile.js';
import { compileJwtConfig } from '../security/jwt/compile.js';
import type { AuthzConfig, JwtConfig } from './config.js';
import type { MeshIndex } from './mesh-index.js';
import type { WorkloadInstance } from '../store/index.js';

const cache = new WeakMap<MeshIndex, Map<string, AuthzConfig | undefined>>();

/** The compiled policies for a workload, or undefined when none applies (nothing to check). */
export function authorizationFor(index: MeshIndex, w: WorkloadInstance): AuthzConfig | undefined {
  if (index.authorizationPolicies.length === 0) return undefined;
  let byWorkload = cache.get(index);
  if (!byWorkload) cache.set(index, (byWorkload = new Map()));
  const key = `${w.namespace}|${JSON.stringify(w.labels)}`;
  if (byWorkload.has(key)) return byWorkload.get(key);
  const policies = index.authorizationPolicies.map((r) => ({
    namespace: r.namespace ?? 'default',
    name: r.name,
    creationTimestamp: r.object.metadata?.creationTimestamp ?? null,
    ...(r.object.metadata?.annotations ? { annotations: r.object.metadata.annotations } : {}),
    spec: r.object.spec ?? {},
  }));
  const { config } = compileAuthorization(policies, { namespace: w.namespace, labels: w.labels }, { rootNamespace: index.mesh.rootNamespace });
  const any = config.custom.length + config.audit.length + config.deny.length + config.allow.length > 0;
  byWorkload.set(key, any ? config : undefined);
  return any ? config : undefined;
}

const jwtCache = new WeakMap<MeshIndex, Map<string, JwtConfig | undefined>>();

/** The workload's RequestAuthentication providers, or undefined when none applies. */
export function requestAuthenticationFor(index: MeshIndex, w: WorkloadInstance): JwtConfig | undefined {
  if (index.requestAuthentications.length === 0) return undefined;
  let byWorkload = jwtCache.get(index);
  if (!byWorkload) jwtCache.set(index, (byWorkload = new Map()));
  const key = `${w.namespace}|${JSON.stringify(w.labels)}`;
  if (byWorkload.has(key)) return byWorkload.get(key);
  const { config } = compileJwtConfig(index.requestAuthentications, { namespace: w.namespace, labels: w.labels }, index.mesh.rootNamespace);
  byWorkload.set(key, config);
  return config;
}
