/**
 * HTTPS for the Kubernetes API on the control port itself. kubectl sends no credentials over plain
 * HTTP (client-go sets the bearer token for TLS connections only), so the API needs TLS for its token
 * to reach it. A connection whose first byte starts a TLS handshake goes to an HTTPS server with the
 * same handler; anything else stays plain HTTP, as proxies and the tack CLI speak it.
 */
import { webcrypto } from 'node:crypto';
import type http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { Duplex } from 'node:stream';

export interface ServingCert {
  /** PEM; it is also the CA the kubeconfig trusts (self-signed until tack's CA serves it). */
  cert: string;
  key: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64.trimEnd()}\n-----END ${label}-----\n`;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid a year from `now`. */
export async function createServingCert(now: number, serial: Buffer): Promise<ServingCert> {
  // Loaded here, by `tack up` alone: every other command starts without the X.509 library.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${serial.subarray(0, 15).toString('hex')}`,
    name: 'CN=tack-kube-api',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 24 * 3600_000),
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }]),
    ],
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem'), key: pem('PRIVATE KEY', key) };
}

/** Makes `server` answer TLS connections too, with `cert`, through the same request handler. */
export function acceptTls(server: http.Server, cert: ServingCert): https.Server {
  const handlers = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  const secure = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    for (const h of handlers) h(req, res);
  });
  secure.keepAliveTimeout = server.keepAliveTimeout;
  secure.requestTimeout = server.requestTimeout;
  const plain = server.listeners('connection') as ((socket: net.Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: net.Socket) => {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      // 0x16: a TLS handshake record; no HTTP request line starts with it.
      if (first[0] === 0x16) secure.emit('connection', streamOf(socket, first));
      else {
        socket.unshift(first);
        for (const l of plain) l.call(server, socket);
        socket.resume();
      }
    });
  });
  server.on('close', () => secure.close());
  return secure;
}

/**
 * The socket as a plain stream that starts with the byte already read: TLS over a net.Socket reads its
 * handle directly and would never see data given back with unshift.
 */
function streamOf(socket: net.Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      socket.write(chunk, cb);
    },
    final(cb) {
      socket.end(cb);
    },
    destroy(err, cb) {
      socket.destroy(err ?? undefined);
      cb(err);
    },
  });
  stream.push(first);
  socket.on('data', (d: Buffer) => {
    if (!stream.push(d)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('error', (e) => stream.destroy(e));
  socket.on('close', () => stream.destroy());
  return stream;
}
