/**
 * Who is on the other end of a downstream connection that came in over mutual TLS: its SPIFFE
 * principal (for authorization and telemetry) and what Envoy puts into `X-Forwarded-Client-Cert`.
 * Read once per connection; plaintext connections have none.
 */
import { TLSSocket } from 'node:tls';
import { createHash } from 'node:crypto';
import type net from 'node:net';
import { parseSans } from './sans.js';

export interface PeerIdentity {
  /** The peer's SPIFFE id (its first URI SAN), or undefined when its certificate names none. */
  principal: string | undefined;
  uris: string[];
  dns: string[];
  /** The certificate's subject in RFC 2253 order, as Envoy prints it; empty for Istio's certificates. */
  subject: string;
  /** Hex SHA-256 of the certificate's DER, Envoy's XFCC `Hash`. */
  hash: string;
}

const cache = new WeakMap<net.Socket, PeerIdentity | null>();

/** `C=US\nO=Acme\nCN=x` (Node, X.509 order) as `CN=x,O=Acme,C=US` (RFC 2253). */
function rfc2253(subject: string | undefined): string {
  if (!subject) return '';
  return subject.split('\n').filter(Boolean).reverse().join(',');
}

export function peerIdentity(socket: net.Socket): PeerIdentity | undefined {
  const known = cache.get(socket);
  if (known !== undefined) return known ?? undefined;
  let identity: PeerIdentity | null = null;
  if (socket instanceof TLSSocket && socket.authorized) {
    const cert = socket.getPeerX509Certificate();
    if (cert) {
      const sans = parseSans(cert.subjectAltName);
      identity = { principal: sans.uris[0], uris: sans.uris, dns: sans.dns, subject: rfc2253(cert.subject), hash: createHash('sha256').update(cert.raw).digest('hex') };
    }
  }
  cache.set(socket, identity);
  return identity ?? undefined;
}

/**
 * One XFCC element as an Istio sidecar's inbound listener sets it (Envoy's
 * `set_current_client_cert_details` with subject, URI and DNS): `By` is this proxy's own identity.
 */
export function xfccElement(by: string | undefined, peer: PeerIdentity): string {
  let out = by ? `By=${by};` : '';
  out += `Hash=${peer.hash};Subject="${peer.subject.replace(/"/g, '\\"')}"`;
  for (const uri of peer.uris) out += `;URI=${uri}`;
  for (const dns of peer.dns) out += `;DNS=${dns}`;
  return out;
}
