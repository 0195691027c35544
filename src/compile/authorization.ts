/** A workload's AuthorizationPolicies and RequestAuthentications as its inbound listeners enforce them (selection and order: src/security). */
import { compileAuthorization } from '../security/authz/compile.js';
import { compileJwtConfig } from '../security/jwt/compile.js';
import type { AuthzConfig, JwtConfig } from './config.js';
import type { WorkloadInstance } from '../store/index.js';
import type { MeshIndex } from './mesh-index.js';
import { perWorkloadLabels } from './per-workload.js';

const authorization = perWorkloadLabels<AuthzConfig | undefined>((index, namespace, labels) => {
  const policies = index.authorizationPolicies.map((r) => ({
    namespace: r.namespace ?? 'default',
    name: r.name,
    creationTimestamp: r.object.metadata?.creationTimestamp ?? null,
    ...(r.object.metadata?.annotations ? { annotations: r.object.metadata.annotations } : {}),
    spec: r.object.spec ?? {},
  }));
  const { config } = compileAuthorization(policies, { namespace, labels }, { rootNamespace: index.mesh.rootNamespace });
  return config.custom.length + config.audit.length + config.deny.length + config.allow.length > 0 ? config : undefined;
});

const requestAuthentication = perWorkloadLabels<JwtConfig | undefined>((index, namespace, labels) =>
  compileJwtConfig(index.requestAuthentications, { namespace, labels }, index.mesh.rootNamespace).config);

/** The compiled policies for a workload, or undefined when none applies (nothing to check). */
export function authorizationFor(index: MeshIndex, w: WorkloadInstance): AuthzConfig | undefined {
  return index.authorizationPolicies.length === 0 ? undefined : authorization(index, w.namespace, w.labels);
}

/** The workload's RequestAuthentication providers, or undefined when none applies. */
export function requestAuthenticationFor(index: MeshIndex, w: WorkloadInstance): JwtConfig | undefined {
  return index.requestAuthentications.length === 0 ? undefined : requestAuthentication(index, w.namespace, w.labels);
}
