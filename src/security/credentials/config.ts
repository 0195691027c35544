/** Plain shapes for gateway credentials: what the compiler puts in a gateway's TLS settings. */

/** PEM text a gateway listener needs for one `credentialName`. */
export interface GatewayCredential {
  /** Server certificate first, then any intermediates. */
  certChainPem: string;
  keyPem: string;
  /** Client-certificate roots, for MUTUAL and OPTIONAL_MUTUAL. */
  caPem?: string;
}

export type CredentialErrorCode = 'not-found' | 'empty-keys' | 'missing-keys' | 'bad-pem' | 'key-mismatch';

export interface CredentialError {
  code: CredentialErrorCode;
  /** The SDS resource Istio would report: `kubernetes://<name>` or `kubernetes://<name>-cacert`. */
  resource: string;
  /** Istio's own wording where Istio has one (see README). */
  message: string;
  /** The istiod warning line for the same failure, for `tack gateway status` and logs. */
  logLine: string;
}

export type CredentialResult =
  | { ok: true; credential: GatewayCredential; warnings: string[] }
  | { ok: false; error: CredentialError };

/** The Secret fields this module reads; `SecretObject` from src/api/kinds/secret.ts fits it. */
export interface SecretLike {
  metadata: { name: string; namespace?: string };
  type?: string;
  /** base64 values. */
  data?: Record<string, string>;
  /** Plain values; win over `data` for the same key, as the API server merges them. */
  stringData?: Record<string, string>;
}

/** Finds a Secret by namespace and name (the gateway workload's namespace, as Istio requires). */
export type SecretLookup = (namespace: string, name: string) => SecretLike | undefined;
