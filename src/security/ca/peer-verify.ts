/**
 * Checks a peer after a node:tls handshake. Node validates the chain itself when `ca` and
 * `rejectUnauthorized` are set, but its hostname check ignores URI SANs and the server side has no
 * identity hook at all, so this re-checks what a SPIFFE peer must satisfy: chains to one of our roots,
 * is within its validity, is not a CA, carries exactly one URI SAN that is a SPIFFE id in an allowed
 * trust domain and, when given, in `allowedIds`. Synchronous, for the connection path.
 */
import { X509Certificate as NodeCert } from 'node:crypto';
import type { TLSSocket, PeerCertificate, DetailedPeerCertificate } from 'node:tls';
import { certificatesDer } from './pem.js';
import { uriSansOf } from './san.js';
import { parseSpiffeId, type WorkloadIdentity } from './identity.js';

export type PeerCheck =
  | { ok: true; spiffeId: string; identity: WorkloadIdentity }
  | { ok: false; code: 'no-certificate' | 'untrusted' | 'expired' | 'not-leaf' | 'bad-san' | 'trust-domain' | 'not-allowed'; reason: string };

export interface PeerVerifyOptions {
  /** Defaults to the current time. */
  now?: number;
  /** Trust domains accepted; defaults to cluster.local. */
  trustDomains?: readonly string[];
}

const MAX_DEPTH = 8;

function within(c: NodeCert, now: number): boolean {
  return Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
}

function signedBy(child: NodeCert, parent: NodeCert): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

export function verifyPeerChain(peerChainDer: readonly Uint8Array[], rootsPem: string, allowedIds?: readonly string[], opts: PeerVerifyOptions = {}): PeerCheck {
  const now = opts.now ?? Date.now();
  const first = peerChainDer[0];
  if (!first) return { ok: false, code: 'no-certificate', reason: 'the peer sent no certificate' };
  const leaf = new NodeCert(Buffer.from(first));
  const rest = peerChainDer.slice(1).map((d) => new NodeCert(Buffer.from(d)));
  const roots = certificatesDer(rootsPem).map((d) => new NodeCert(d));

  let current = leaf;
  let anchored = false;
  for (let depth = 0; depth < MAX_DEPTH && !anchored; depth++) {
    if (!within(current, now)) return { ok: false, code: 'expired', reason: `certificate ${current.serialNumber} is outside its validity (${current.validFrom} – ${current.validTo})` };
    if (roots.some((r) => signedBy(current, r))) {
      anchored = true;
      break;
    }
    const next = rest.find((c) => c !== current && c.ca && signedBy(current, c));
    if (!next) break;
    current = next;
  }
  if (!anchored) return { ok: false, code: 'untrusted', reason: 'the peer chain does not lead to a trusted root' };
  if (leaf.ca) return { ok: false, code: 'not-leaf', reason: 'the peer presented a CA certificate as its own' };

  const uris = uriSansOf(leaf.raw);
  if (uris.length !== 1) return { ok: false, code: 'bad-san', reason: `expected exactly one URI SAN, found ${uris.length}` };
  const spiffeId = uris[0] ?? '';
  let identity: WorkloadIdentity;
  try {
    identity = parseSpiffeId(spiffeId);
  } catch (e) {
    return { ok: false, code: 'bad-san', reason: (e as Error).message };
  }
  const domains = opts.trustDomains ?? ['cluster.local'];
  if (!domains.includes(identity.trustDomain)) return { ok: false, code: 'trust-domain', reason: `trust domain ${identity.trustDomain} is not one of ${domains.join(', ')}` };
  if (allowedIds && !allowedIds.includes(spiffeId)) return { ok: false, code: 'not-allowed', reason: `${spiffeId} is not one of ${allowedIds.join(', ')}` };
  return { ok: true, spiffeId, identity };
}

/** The peer's chain as DER, leaf first, from a connected TLSSocket (stops at the self-signed top). */
export function peerChainDer(socket: TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  let c: PeerCertificate | DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (c && c.raw && out.length < MAX_DEPTH) {
    if (out.some((d) => d.equals(c!.raw))) break;
    out.push(c.raw);
    c = 'issuerCertificate' in c ? c.issuerCertificate : undefined;
  }
  return out;
}
