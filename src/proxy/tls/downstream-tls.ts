/**
 * Istio's inbound transports in front of a listener's protocol handler. `mtls` (STRICT) accepts
 * only a TLS handshake with a client certificate the mesh roots vouch for, and resets anything else,
 * so a plaintext caller sees a reset and no HTTP status, as with Envoy. `permissive` looks at the
 * first byte, as Envoy's TLS inspector does: a TLS record (0x16) is terminated as mTLS, anything
 * else is served in plaintext.
 */
import tls from 'node:tls';
import type net from 'node:net';
import type { Clock, Timer } from '../clock.js';
import type { WorkloadSecrets } from './workload-secrets.js';

export type Accept = (socket: net.Socket) => void;

/** A TLS handshake record starts with this content type. */
const HANDSHAKE = 0x16;
/** How long a connection may take to send its first byte, and then to finish the handshake. */
export const HANDSHAKE_TIMEOUT_MS = 15_000;

/**
 * What the server answers to the client's ALPN list: HTTP/1.1 or h2 when offered (Envoy's server
 * side advertises those two), else the first offered, so no Istio client is ever refused over ALPN
 * (Node would abort the handshake where Envoy carries on).
 */
function pickAlpn({ protocols }: { protocols: string[] }): string | undefined {
  if (protocols.includes('http/1.1')) return 'http/1.1';
  if (protocols.includes('h2')) return 'h2';
  return protocols[0];
}

function reset(socket: net.Socket): void {
  if (socket.destroyed) return;
  // An RST, not a FIN: what a plaintext caller of a STRICT Envoy sees (curl exit 56).
  if (typeof socket.resetAndDestroy === 'function' && !socket.connecting) socket.resetAndDestroy();
  else socket.destroy();
}

export interface TransportOptions {
  secrets: () => WorkloadSecrets | undefined;
  clock: Clock;
  /** Serve plaintext too (PERMISSIVE). */
  permissive: boolean;
}

/**
 * The handshake runs in a `tls.Server` that never listens (its connections are handed to it): it is
 * what checks the client's chain against the mesh roots and refuses a missing or foreign certificate.
 */
function handshaker(inner: Accept, secrets: () => WorkloadSecrets | undefined): (socket: net.Socket) => void {
  const server = tls.createServer({ requestCert: true, rejectUnauthorized: true, ALPNCallback: pickAlpn, handshakeTimeout: HANDSHAKE_TIMEOUT_MS, minVersion: 'TLSv1.2' });
  let applied = -1;
  server.on('secureConnection', (secure: tls.TLSSocket) => inner(secure));
  server.on('tlsClientError', (_err: Error, secure: tls.TLSSocket) => secure.destroy());
  return (socket) => {
    const s = secrets();
    const cert = s?.current;
    if (!s || !cert) {
      // No workload certificate yet: nothing to terminate mTLS with.
      reset(socket);
      return;
    }
    if (applied !== s.version) {
      server.setSecureContext({ key: cert.privateKeyPem, cert: cert.certChainPem, ca: cert.rootCertPem });
      applied = s.version;
    }
    server.emit('connection', socket);
  };
}

export function terminateMtls(inner: Accept, opts: TransportOptions): Accept {
  const handshake = handshaker(inner, opts.secrets);
  return (socket) => {
    let timer: Timer | undefined = opts.clock.setTimeout(() => {
      timer = undefined;
      reset(socket);
    }, HANDSHAKE_TIMEOUT_MS);
    const done = (): void => {
      timer?.cancel();
      timer = undefined;
    };
    socket.once('error', done);
    socket.once('close', done);
    socket.once('data', (chunk: Buffer) => {
      done();
      socket.off('error', done);
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] === HANDSHAKE) {
        handshake(socket);
        return;
      }
      if (!opts.permissive) {
        reset(socket);
        return;
      }
      inner(socket);
      socket.resume();
    });
  };
}
