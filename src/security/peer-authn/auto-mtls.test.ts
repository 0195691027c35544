import { describe, it, expect } from 'vitest';
import { clientWouldUseMtls, type AutoMtlsQuery } from './auto-mtls.js';

const base: AutoMtlsQuery = { serviceNamespaceMode: 'PERMISSIVE', endpoint: { hasSidecar: true, portMode: 'PERMISSIVE' } };

describe('clientWouldUseMtls', () => {
  it.each<[string, Partial<AutoMtlsQuery>, string]>([
    ['sidecar endpoint, PERMISSIVE: mTLS (global automtls scenario)', {}, 'ISTIO_MUTUAL'],
    ['sidecar endpoint, STRICT: mTLS', { endpoint: { hasSidecar: true, portMode: 'STRICT' } }, 'ISTIO_MUTUAL'],
    ['endpoint without sidecar: plaintext', { endpoint: { hasSidecar: false, portMode: 'STRICT' } }, 'NONE'],
    ['endpoint DISABLE on its port: plaintext (workload/port level, mtls_checker)', { endpoint: { hasSidecar: true, portMode: 'DISABLE' } }, 'NONE'],
    ['namespace/mesh DISABLE: plaintext even to sidecars (global automtls disable scenario)', { serviceNamespaceMode: 'DISABLE', endpoint: { hasSidecar: true, portMode: 'STRICT' } }, 'NONE'],
    ['DR DISABLE wins over a STRICT endpoint (migration tls disabled scenario)', { destinationRuleTls: 'DISABLE', endpoint: { hasSidecar: true, portMode: 'STRICT' } }, 'NONE'],
    ['DR ISTIO_MUTUAL wins over an endpoint without sidecar', { destinationRuleTls: 'ISTIO_MUTUAL', endpoint: { hasSidecar: false, portMode: 'DISABLE' } }, 'ISTIO_MUTUAL'],
    ['DR SIMPLE is one-way TLS', { destinationRuleTls: 'SIMPLE' }, 'SIMPLE'],
    ['DR MUTUAL uses the user certificates', { destinationRuleTls: 'MUTUAL' }, 'MUTUAL'],
    ['mesh-external service: plaintext', { meshExternal: true }, 'NONE'],
    ['auto mTLS off: plaintext', { autoMtls: false }, 'NONE'],
    ['passthrough service, all endpoints with mTLS: cluster-wide mTLS', { passthrough: { anyEndpointWithoutMtls: false }, endpoint: { hasSidecar: false, portMode: 'PERMISSIVE' } }, 'ISTIO_MUTUAL'],
    ['passthrough service, one endpoint without: DISABLE', { passthrough: { anyEndpointWithoutMtls: true } }, 'NONE'],
  ])('%s', (_n, q, want) => {
    const got = clientWouldUseMtls({ ...base, ...q });
    expect(got.tls).toBe(want);
    expect(got.mtls).toBe(want === 'ISTIO_MUTUAL');
    expect(got.reason.length).toBeGreaterThan(0);
  });
});
