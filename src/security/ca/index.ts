/** The mesh CA (control-plane side) and the proxy's half of identity (key + CSR, renewal, peer checks). */
export type { CaFiles, IssuedCertificate, KeyAndCsr, WorkloadIdentity } from './config.js';
export { CaError, type CaErrorCode } from './errors.js';
export { formatSpiffeId, parseSpiffeId, sameIdentity } from './identity.js';
export { spiffeIdsOf, uriSansOf } from './san.js';
export { createSelfSignedRoot, SELF_SIGNED_ROOT_TTL_MS, type RootOptions } from './root-ca.js';
export { CA_FILE_NAMES, openSigningCa, type SigningCa } from './signing-ca.js';
export { loadCaDir, loadOrCreateCa, writeCaDir, type LoadOrCreateResult } from './ca-dir.js';
export { issueWorkloadCertificate, DEFAULT_WORKLOAD_TTL_MS, MAX_WORKLOAD_TTL_MS, CLOCK_SKEW_GRACE_MS, type IssueOptions } from './issue.js';
export { BootstrapTokens, BOOTSTRAP_TOKEN_BYTES } from './bootstrap-tokens.js';
export { createKeyAndCsr } from './proxy-csr.js';
export { renewAtMs, renewalDelayMs, DEFAULT_GRACE_RATIO, DEFAULT_GRACE_RATIO_JITTER, type RenewalOptions } from './renewal.js';
export { verifyPeerChain, peerChainDer, type PeerCheck, type PeerVerifyOptions } from './peer-verify.js';
export { secretRows, formatSecretTable, secretDump, SECRET_TABLE_HEADER, type SecretRow, type SecretInput, type SecretDump } from './secret-rows.js';
export { caRootConfigMap, CA_ROOT_CONFIG_MAP_NAME, CA_ROOT_CONFIG_MAP_KEY, type CaRootConfigMap } from './root-config-map.js';
export { certificatesDer, pemBlocks, toPem } from './pem.js';
