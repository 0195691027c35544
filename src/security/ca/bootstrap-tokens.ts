/**
 * Per-proxy bootstrap credentials: the control plane mints one random token per pod when it spawns
 * the proxy and hands it only to that process. A CSR is signed for the identity the token is bound to,
 * never for what the CSR says. Tokens are kept only as SHA-256 digests, looked up by digest (so timing
 * reveals nothing about the secret) and compared with timingSafeEqual; revoking a pod drops its token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { defaultRandomBytes, type RandomBytes } from './serial.js';
import { formatSpiffeId, type WorkloadIdentity } from './identity.js';

export const BOOTSTRAP_TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

interface Binding {
  digest: Buffer;
  podName: string;
  identity: WorkloadIdentity;
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export class BootstrapTokens {
  private readonly byDigest = new Map<string, Binding>();
  private readonly digestByPod = new Map<string, string>();

  constructor(private readonly randomBytes: RandomBytes = defaultRandomBytes) {}

  /** A fresh token for `podName`; any earlier token of that pod stops working. */
  issueBootstrapToken(identity: WorkloadIdentity, podName: string): string {
    formatSpiffeId(identity); // refuse an identity that could never be put in a certificate
    this.revoke(podName);
    const token = Buffer.from(this.randomBytes(BOOTSTRAP_TOKEN_BYTES)).toString('base64url');
    const digest = digestOf(token);
    const key = digest.toString('hex');
    this.byDigest.set(key, { digest, podName, identity: { ...identity } });
    this.digestByPod.set(podName, key);
    return token;
  }

  /** The identity bound to `token`, or undefined for an unknown, revoked or malformed one. */
  authenticate(token: string): WorkloadIdentity | undefined {
    return this.lookup(token)?.identity;
  }

  /** The pod a token was issued to, for audit logs. */
  podOf(token: string): string | undefined {
    return this.lookup(token)?.podName;
  }

  /** Drops the pod's token (the pod has gone or restarted). */
  revoke(podName: string): boolean {
    const key = this.digestByPod.get(podName);
    if (key === undefined) return false;
    this.byDigest.delete(key);
    this.digestByPod.delete(podName);
    return true;
  }

  get size(): number {
    return this.byDigest.size;
  }

  private lookup(token: string): Binding | undefined {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return undefined;
    const digest = digestOf(token);
    const found = this.byDigest.get(digest.toString('hex'));
    if (!found || !timingSafeEqual(found.digest, digest)) return undefined;
    return { ...found, identity: { ...found.identity } };
  }
}
