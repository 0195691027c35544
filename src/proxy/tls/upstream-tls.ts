/**
 * TLS from the proxy to an upstream endpoint: Istio's mutual TLS with the workload certificate
 * (verifying the server's SPIFFE id against the accounts the control plane names), or a
 * DestinationRule's SIMPLE/MUTUAL origination. A transport is built once per configuration and
 * cluster; it reads the current workload certificate at each connect, so a rotation takes effect
 * for new connections without a restart.
 */
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import type { UpstreamTlsConfig } from '../../compile/config.js';
import type { WorkloadSecrets } from './workload-secrets.js';
import { parseSans } from './sans.js';

export interface UpstreamTransport {
  /** Connections with different transports never share a pool. */
  readonly key: string;
  connect(address: string, port: number): tls.TLSSocket;
}

/** Node's hostname check ignores URI SANs; the mesh's secure naming is an exact URI (or DNS) match. */
function sanCheck(allowed: readonly string[]): (host: string, cert: PeerCertificate) => Error | undefined {
  return (_host, cert) => {
    const sans = parseSans(new X509Certificate(cert.raw).subjectAltName);
    if ([...sans.uris, ...sans.dns].some((n) => allowed.includes(n))) return undefined;
    return new Error(`the server's certificate names ${[...sans.uris, ...sans.dns].join(', ') || 'no SAN'}, not ${allowed.join(' or ')}`);
  };
}

class NoCertificateError extends Error {
  readonly code = 'ERR_TACK_NO_WORKLOAD_CERT';
}

/** What tells two transports apart: equal settings share one transport, and so its pools. */
export function transportKey(config: UpstreamTlsConfig): string {
  return JSON.stringify([config.mode, config.sni, config.subjectAltNames ?? [], config.insecureSkipVerify ?? false, config.caCertificates ?? '', config.clientCertificate ?? '', config.alpn ?? []]);
}

export function upstreamTransport(config: UpstreamTlsConfig, secrets: () => WorkloadSecrets | undefined): UpstreamTransport {
  const sans = config.subjectAltNames ?? [];
  const key = transportKey(config);
  const verify = sans.length > 0 ? sanCheck(sans) : config.mode === 'ISTIO_MUTUAL' ? () => undefined : undefined;
  // SIMPLE and MUTUAL contexts do not change with the workload certificate: built once.
  const fixed = config.mode === 'ISTIO_MUTUAL' ? undefined : tls.createSecureContext({
    ...(config.caCertificates ? { ca: config.caCertificates } : {}),
    ...(config.mode === 'MUTUAL' && config.clientCertificate && config.privateKey ? { cert: config.clientCertificate, key: config.privateKey } : {}),
    minVersion: 'TLSv1.2',
  });
  return {
    key,
    connect(address, port) {
      const secureContext = fixed ?? secrets()?.clientContext;
      const options: tls.ConnectionOptions = {
        host: address,
        port,
        ...(secureContext ? { secureContext } : {}),
        ...(config.sni ? { servername: config.sni } : {}),
        ...(config.alpn ? { ALPNProtocols: config.alpn } : {}),
        rejectUnauthorized: !config.insecureSkipVerify,
        ...(verify ? { checkServerIdentity: verify } : {}),
      };
      const socket = tls.connect(options);
      socket.setNoDelay(true);
      if (!secureContext) process.nextTick(() => socket.destroy(new NoCertificateError('TLS error: this proxy has no workload certificate yet')));
      return socket;
    },
  };
}
