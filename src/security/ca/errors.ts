/** Errors with stable codes, so callers (CLI, control plane) can branch without parsing messages. */
export type CaErrorCode =
  | 'missing'
  | 'unreadable'
  | 'malformed'
  | 'not-ca'
  | 'mismatch'
  | 'untrusted-chain'
  | 'expired'
  | 'bad-csr'
  | 'bad-csr-signature'
  | 'unsupported-key'
  | 'identity-mismatch'
  | 'ttl-too-long'
  | 'bad-spiffe-id';

export class CaError extends Error {
  override readonly name = 'CaError';
  constructor(
    readonly code: CaErrorCode,
    message: string,
    /** The file the problem is in, when there is one. */
    readonly file?: string,
  ) {
    super(message);
  }
}
