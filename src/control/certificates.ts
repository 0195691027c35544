/**
 * The mesh CA's front door (Istio's CA service): a proxy posts a CSR with the bootstrap token the
 * platform gave it alone, and gets back a workload certificate for the identity that token is
 * bound to, never for one it asks for. A token used for another pod's path is refused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BootstrapTokens, SigningCa, WorkloadIdentity } from '../security/ca/index.js';
import { MESH_TRUST_DOMAIN } from '../security/ca/identity.js';
import { bearerToken, readJson, sendJson } from './http-util.js';

export interface MeshCa {
  ca: SigningCa;
  tokens: BootstrapTokens;
}


/** A proxy's bootstrap credential, bound to its pod and service account. */
export function issueProxyToken(mesh: MeshCa, namespace: string, pod: string, serviceAccount: string): string {
  const identity: WorkloadIdentity = { trustDomain: MESH_TRUST_DOMAIN, namespace, serviceAccount };
  return mesh.tokens.issueBootstrapToken(identity, `${namespace}/${pod}`);
}

export async function handleCertificateRequest(mesh: MeshCa | undefined, namespace: string, pod: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!mesh) {
    sendJson(res, 404, { error: 'this control plane runs no certificate authority' });
    return;
  }
  const token = bearerToken(req.headers.authorization);
  const identity = token ? mesh.tokens.authenticate(token) : undefined;
  if (!token || !identity || mesh.tokens.podOf(token) !== `${namespace}/${pod}`) {
    sendJson(res, 401, { error: 'a certificate is issued only to the proxy holding that pod\'s bootstrap token' });
    return;
  }
  const body = await readJson<{ csr?: unknown }>(req);
  if (typeof body.csr !== 'string') {
    sendJson(res, 400, { error: 'expected {"csr": "<PEM>"}' });
    return;
  }
  try {
    const { issueWorkloadCertificate } = await import('../security/ca/index.js');
    const issued = await issueWorkloadCertificate(mesh.ca, body.csr, identity, { now: Date.now() });
    sendJson(res, 200, { certChain: issued.chainPem.join(''), root: issued.rootsPem });
  } catch (err) {
    sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
  }
}
