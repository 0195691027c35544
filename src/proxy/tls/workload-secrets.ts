/**
 * The proxy's own credentials for Istio's mutual TLS (Envoy's SDS secrets `default` and `ROOTCA`):
 * its workload certificate chain and key, and the mesh roots. Contexts are built once per
 * certificate; a rotation swaps them, and connections already open keep the ones they started with.
 */
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { uriSans } from './sans.js';

export interface WorkloadCertificate {
  /** The leaf first, then any intermediates. */
  certChainPem: string;
  privateKeyPem: string;
  /** The mesh's trusted roots. */
  rootCertPem: string;
}

export class WorkloadSecrets {
  private cert: WorkloadCertificate | undefined;
  private server: tls.SecureContext | undefined;
  private client: tls.SecureContext | undefined;
  private ownPrincipal: string | undefined;
  private notAfterMs = 0;
  /** Bumped by every `set`, so holders of derived state can tell a rotation happened. */
  version = 0;

  /** Installs a (new) certificate; throws, keeping the previous one, when it cannot be used. */
  set(cert: WorkloadCertificate): void {
    const leaf = new X509Certificate(cert.certChainPem);
    const options = { key: cert.privateKeyPem, cert: cert.certChainPem, ca: cert.rootCertPem, minVersion: 'TLSv1.2' as const };
    const server = tls.createSecureContext(options);
    const client = tls.createSecureContext(options);
    this.cert = cert;
    this.server = server;
    this.client = client;
    this.ownPrincipal = uriSans(leaf.subjectAltName)[0];
    this.notAfterMs = Date.parse(leaf.validTo);
    this.version++;
  }

  get current(): WorkloadCertificate | undefined {
    return this.cert;
  }

  /** The context a listener terminates mTLS with (undefined until a certificate arrives). */
  get serverContext(): tls.SecureContext | undefined {
    return this.server;
  }

  get clientContext(): tls.SecureContext | undefined {
    return this.client;
  }

  /** This proxy's SPIFFE id, from its certificate's URI SAN. */
  get principal(): string | undefined {
    return this.ownPrincipal;
  }

  /** When the current certificate expires (ms since the epoch), 0 without one. */
  get expiresAt(): number {
    return this.notAfterMs;
  }
}
