/**
 * Istio's mutual TLS between two real proxies on 127.0.0.1, with openssl-made mesh certificates:
 * a STRICT inbound listener resets plaintext and serves mTLS, PERMISSIVE serves both on one port,
 * the client verifies the server's SPIFFE id, and the app sees `X-Forwarded-Client-Cert` only when
 * the caller really used mTLS.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { execFile } from 'node:child_process';
import type { ClusterConfig, ListenerTransport, ProxyConfig, UpstreamTlsConfig } from '../../src/compile/config.js';
import { createProxyCore, type ProxyCore } from '../../src/proxy/index.js';
import type { RequestLogEntry } from '../../src/proxy/http/request-context.js';
import { ISTIO_HTTP_ALPN } from '../../src/compile/mtls.js';
import { freePort, listen } from '../support/ports.js';
import { makeTestCa, type TestCa, type TestLeaf } from '../support/test-certs.js';

let ca: TestCa;
let other: TestCa;
let client: TestLeaf;
let server: TestLeaf;
let stranger: TestLeaf;
beforeAll(() => {
  ca = makeTestCa();
  other = makeTestCa('other');
  client = ca.leaf('default', 'sleep');
  server = ca.leaf('default', 'httpbin');
  stranger = other.leaf('default', 'sleep');
});
afterAll(() => {
  ca?.cleanup();
  other?.cleanup();
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An app that answers with the headers it received. */
async function echoApp(): Promise<number> {
  const app = http.createServer((req, res) => res.end(JSON.stringify(req.headers)));
  const port = await listen(app);
  cleanups.push(() => new Promise<void>((r) => {
    app.closeAllConnections();
    app.close(() => r());
  }));
  return port;
}

function core(cert: TestLeaf | undefined, log?: RequestLogEntry[]): ProxyCore {
  const c = createProxyCore({ log: () => undefined, ...(cert ? { workloadCertificate: cert } : {}), ...(log ? { accessLog: (e: RequestLogEntry) => log.push(e) } : {}) });
  cleanups.push(() => c.stop());
  return c;
}

const node = (pod: string, sa: string) => ({ id: `${pod}.default`, role: 'sidecar' as const, pod, namespace: 'default', labels: {}, serviceAccount: sa });

/** The server side: an inbound listener with the given transport in front of the app. */
function inbound(port: number, appPort: number, transport: ListenerTransport): ProxyConfig {
  const cluster = 'inbound|8000||';
  return {
    version: String(Math.random()),
    node: node('httpbin-0', 'httpbin'),
    listeners: [{ name: 'inbound|8000', direction: 'inbound', address: '127.0.0.1', port, protocol: 'HTTP', transport, httpFilters: [], inboundCluster: cluster, appPort }],
    routes: {},
    clusters: { [cluster]: { name: cluster, service: '', port: 8000, lb: 'ROUND_ROBIN', endpoints: [{ address: '127.0.0.1', port: appPort, labels: {}, sidecar: false, weight: 1 }] } },
    outboundTrafficPolicy: 'ALLOW_ANY',
  };
}

const HTTPBIN = 'outbound|8000||httpbin.default.svc.cluster.local';
const istioMutual = (sans: string[]): UpstreamTlsConfig => ({ mode: 'ISTIO_MUTUAL', sni: 'outbound_.8000_._.httpbin.default.svc.cluster.local', subjectAltNames: sans, alpn: ISTIO_HTTP_ALPN });

/** The client side: a plain listener routing everything to httpbin's endpoint, over mTLS or not. */
function outbound(port: number, target: number, tls: { auto?: UpstreamTlsConfig; explicit?: UpstreamTlsConfig; endpointMtls: boolean }): ProxyConfig {
  const cluster: ClusterConfig = {
    name: HTTPBIN, service: 'httpbin.default.svc.cluster.local', port: 8000, lb: 'ROUND_ROBIN',
    ...(tls.explicit ? { tls: tls.explicit } : {}), ...(tls.auto ? { autoMtls: tls.auto } : {}),
    endpoints: [{ address: '127.0.0.1', port: target, labels: {}, sidecar: true, weight: 1, ...(tls.endpointMtls ? { tlsMode: 'istio' as const } : {}) }],
  };
  return {
    version: String(Math.random()),
    node: node('sleep-0', 'sleep'),
    listeners: [{ name: '0.0.0.0_8000', direction: 'gateway', address: '127.0.0.1', port, protocol: 'HTTP', transport: 'plain', httpFilters: [], routeTable: 'http.8000', serverPort: 8000 }],
    routes: { 'http.8000': { name: 'http.8000', virtualHosts: [{ name: 'httpbin', domains: ['*'], routes: [{ name: 'default', match: {}, action: { kind: 'forward', clusters: [{ cluster: HTTPBIN, weight: 100 }], totalWeight: 100, retries: { attempts: 0, retryOn: [], retriableStatusCodes: [], retryOtherHosts: false } } }] }] } },
    clusters: { [HTTPBIN]: cluster },
    outboundTrafficPolicy: 'ALLOW_ANY',
  };
}

interface Answer {
  status: number;
  body: string;
}

function get(port: number, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/headers', headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', reject);
  });
}

/** A plaintext HTTP request straight to a port: what curl to a pod's endpoint does. */
function rawPlaintext(port: number): Promise<{ bytes: string; error: string | undefined }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('GET /headers HTTP/1.1\r\nhost: httpbin\r\nx-forwarded-client-cert: By=forged\r\n\r\n'));
    let bytes = '';
    s.on('data', (d: Buffer) => (bytes += d.toString('latin1')));
    s.setTimeout(5_000, () => s.destroy(new Error('timeout')));
    s.on('error', (e: NodeJS.ErrnoException) => resolve({ bytes, error: e.code ?? e.message }));
    s.on('close', () => resolve({ bytes, error: undefined }));
  });
}

function opensslClient(port: number, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    // -ign_eof: send a request and wait for what comes back (the server's answer, or its alert).
    const child = execFile('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', ca.rootFile, '-ign_eof', '-quiet', ...args], { timeout: 10_000 }, (_err, stdout, stderr) => resolve(`${stdout}\n${stderr}`));
    child.stdin?.end('GET /headers HTTP/1.1\r\nhost: httpbin\r\nconnection: close\r\n\r\n');
  });
}

async function pair(transport: ListenerTransport, tls: Parameters<typeof outbound>[2], serverLog?: RequestLogEntry[]): Promise<{ front: number; back: number }> {
  const appPort = await echoApp();
  const back = await freePort();
  await core(server, serverLog).apply(inbound(back, appPort, transport));
  const front = await freePort();
  await core(client).apply(outbound(front, back, tls));
  return { front, back };
}

describe('STRICT: mutual TLS only', () => {
  it('serves a sidecar that uses mTLS, and the app sees the caller in X-Forwarded-Client-Cert', async () => {
    const { front } = await pair('mtls', { auto: istioMutual([server.spiffe]), endpointMtls: true });
    const answer = await get(front, { 'x-forwarded-client-cert': 'By=forged;URI=spiffe://cluster.local/ns/default/sa/admin' });
    expect(answer.status).toBe(200);
    const xfcc = (JSON.parse(answer.body) as Record<string, string>)['x-forwarded-client-cert'] ?? '';
    // The app's own forged header did not survive the client sidecar; the server sidecar set its own.
    expect(xfcc).toMatch(new RegExp(`^By=${server.spiffe};Hash=[0-9a-f]{64};Subject="";URI=${client.spiffe}$`));
  });

  it('resets a plaintext connection straight to the port: no HTTP status, as curl exit 56 shows', async () => {
    const { back } = await pair('mtls', { auto: istioMutual([server.spiffe]), endpointMtls: true });
    const r = await rawPlaintext(back);
    expect(r.bytes).toBe('');
    expect(r.error).toBe('ECONNRESET');
  });

  it('answers a sidecar that sends plaintext with 503 upstream connect error, from the client side', async () => {
    const { front } = await pair('mtls', { endpointMtls: false });
    const answer = await get(front);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatch(/^upstream connect error or disconnect\/reset before headers/);
  });

  it('refuses openssl s_client without a client certificate, and shows the SPIFFE identity with one', async () => {
    const { back } = await pair('mtls', { auto: istioMutual([server.spiffe]), endpointMtls: true });
    const without = await opensslClient(back, []);
    expect(without).not.toContain('HTTP/1.1 200');
    expect(without).toMatch(/alert certificate required/);
    const withCert = await opensslClient(back, ['-cert', client.certFile, '-key', client.keyFile]);
    expect(withCert).toContain('HTTP/1.1 200');
    // The app behind it saw the caller's identity; openssl verified the server's chain (no verify error).
    expect(withCert).toContain(`URI=${client.spiffe}`);
    expect(withCert).not.toMatch(/verify error/);
  });

  it('refuses a client certificate from another root', async () => {
    const { back } = await pair('mtls', { auto: istioMutual([server.spiffe]), endpointMtls: true });
    const out = await opensslClient(back, ['-cert', stranger.certFile, '-key', stranger.keyFile]);
    // The server ends the connection (with no alert from Node: EOF or a reset, depending on timing);
    // what matters is that nothing is served and the app never saw the request.
    expect(out).not.toContain('HTTP/1.1');
    expect(out).not.toContain('spiffe://');
  });
});

describe('the client verifies whom it talks to', () => {
  it('fails with a TLS error when the server is not the account the control plane named', async () => {
    const { front } = await pair('mtls', { auto: istioMutual(['spiffe://cluster.local/ns/default/sa/reviews']), endpointMtls: true });
    const answer = await get(front);
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('upstream connect error or disconnect/reset before headers');
  });

  it('an explicit ISTIO_MUTUAL DestinationRule uses mTLS even for an endpoint not marked for it', async () => {
    const { front } = await pair('mtls', { explicit: istioMutual([server.spiffe]), endpointMtls: false });
    const a = await get(front);
    expect(a.status).toBe(200);
  });
});

describe('PERMISSIVE: both on one port', () => {
  it('serves plaintext without XFCC (a forged one is removed) and mTLS with it', async () => {
    const { front, back } = await pair('permissive', { auto: istioMutual([server.spiffe]), endpointMtls: true });
    const plain = await get(back, { 'x-forwarded-client-cert': 'By=forged' });
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body)).not.toHaveProperty('x-forwarded-client-cert');
    const mtls = await get(front);
    expect(mtls.status).toBe(200);
    expect((JSON.parse(mtls.body) as Record<string, string>)['x-forwarded-client-cert']).toContain(`URI=${client.spiffe}`);
  });
});
