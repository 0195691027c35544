/** Plain, JSON-serializable shapes this module hands to other layers (no classes, no keys as objects). */
import type { WorkloadIdentity } from './identity.js';

export type { WorkloadIdentity };

/** The four files of Istio's `cacerts` plug-in layout, as text. */
export interface CaFiles {
  /** `ca-cert.pem`: the certificate that signs workload certificates. */
  caCertPem: string;
  /** `ca-key.pem`: its private key. */
  caKeyPem: string;
  /** `root-cert.pem`: the trust anchor(s) proxies are given. */
  rootCertPem: string;
  /** `cert-chain.pem`: ca-cert up to the root. */
  certChainPem: string;
}

/** What the CA returns for one CSR. */
export interface IssuedCertificate {
  spiffeId: string;
  /** The leaf alone. */
  certPem: string;
  /** Leaf, intermediates, root: what a proxy presents (`tls.createSecureContext({cert})` takes it whole). */
  chainPem: string[];
  /** Every trusted root, for the `ca` option and the ROOTCA secret. */
  rootsPem: string;
  /** Lower-case hex without leading zeros, as istioctl prints it. */
  serialNumber: string;
  notBefore: number;
  notAfter: number;
}

/** A proxy's own key and the CSR it sends with its bootstrap token. */
export interface KeyAndCsr {
  keyPem: string;
  csrPem: string;
}
