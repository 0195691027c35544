/**
 * CONNECT on a sidecar's outbound listener, through both HTTP codecs: a tunnel to a mesh HTTP
 * service is routed like any request, a tunnel elsewhere is passed through, and under
 * REGISTRY_ONLY a host outside the mesh gets 502.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import { listen, freePort } from '../support/ports.js';
import http from 'node:http';
import type { ProxyConfig } from '../../src/compile/config.js';
import { createProxyCore, type ProxyCore } from '../../src/proxy/index.js';
import type { HttpCodec } from '../../src/proxy/listeners.js';



function config(listenPort: number, appPort: number, policy: ProxyConfig['outboundTrafficPolicy']): ProxyConfig {
  return {
    version: '1',
    node: { id: 'client-0.test', role: 'sidecar', pod: 'client-0', namespace: 'test', labels: {}, serviceAccount: 'default' },
    listeners: [{ name: 'outbound', direction: 'outbound', address: '127.0.0.1', port: listenPort, protocol: 'HTTP', routeTablePrefix: '' }],
    routes: {
      '80': {
        name: '80',
        virtualHosts: [
          {
            name: 'app.test.svc.cluster.local:80',
            domains: ['app', 'app.test.svc.cluster.local'],
            routes: [{ name: 'default', match: {}, headers: { responseSet: { 'x-routed-by': 'mesh' } }, action: { kind: 'forward', clusters: [{ cluster: 'outbound|80||app.test.svc.cluster.local', weight: 100 }], totalWeight: 100, retries: { attempts: 0, retryOn: [], retriableStatusCodes: [], retryOtherHosts: false } } }],
          },
        ],
      },
    },
    clusters: {
      'outbound|80||app.test.svc.cluster.local': { name: 'outbound|80||app.test.svc.cluster.local', service: 'app.test.svc.cluster.local', port: 80, lb: 'ROUND_ROBIN', endpoints: [{ address: '127.0.0.1', port: appPort, labels: {}, sidecar: false, weight: 1 }] },
    },
    outboundTrafficPolicy: policy,
  };
}

/** Opens a CONNECT tunnel and sends `payload` through it; resolves with everything read until the socket ends or 2 s pass. */
function tunnel(port: number, target: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let sent = false;
    const timer = setTimeout(() => socket.destroy(), 2_000);
    socket.on('connect', () => socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      if (!sent && received.includes('\r\n\r\n') && received.startsWith('HTTP/1.1 200')) {
        sent = true;
        socket.write(payload);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

describe.each<HttpCodec>(['lean', 'node'])('CONNECT on the outbound listener (%s codec)', (codec) => {
  let app: http.Server;
  let raw: net.Server;
  let rawPort: number;
  let core: ProxyCore;
  let strict: ProxyCore;
  let port: number;
  let strictPort: number;

  beforeAll(async () => {
    app = http.createServer((req, res) => {
      res.setHeader('connection', 'close');
      res.end(`app saw ${req.method} ${req.url} host=${req.headers.host}`);
    });
    const appPort = await listen(app);
    // A plain TCP service outside the mesh: it echoes in upper case.
    raw = net.createServer((s) => s.on('data', (d: Buffer) => s.end(d.toString().toUpperCase())));
    rawPort = await listen(raw);
    port = await freePort();
    strictPort = await freePort();
    core = createProxyCore({ log: () => undefined, httpCodec: codec });
    await core.apply(config(port, appPort, 'ALLOW_ANY'));
    strict = createProxyCore({ log: () => undefined, httpCodec: codec });
    await strict.apply(config(strictPort, appPort, 'REGISTRY_ONLY'));
  });

  afterAll(async () => {
    await core?.stop();
    await strict?.stop();
    app?.close();
    raw?.close();
  });

  it('routes the HTTP inside a tunnel to a mesh service, with the route applied', async () => {
    const out = await tunnel(port, 'app:80', 'GET /inside HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 /);
    expect(out).toContain('x-routed-by: mesh');
    expect(out).toContain('app saw GET /inside host=app');
  });

  it('passes a tunnel to a host outside the mesh straight through', async () => {
    const out = await tunnel(port, `127.0.0.1:${rawPort}`, 'hello tunnel');
    expect(out).toBe('HTTP/1.1 200 Connection Established\r\n\r\nHELLO TUNNEL');
  });

  it('answers 502 for a host outside the mesh under REGISTRY_ONLY', async () => {
    const out = await tunnel(strictPort, `127.0.0.1:${rawPort}`, 'hello');
    expect(out).toMatch(/^HTTP\/1\.1 502 /);
  });

  it('refuses a CONNECT without a port', async () => {
    const out = await tunnel(port, 'app', 'x');
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
  });
});
