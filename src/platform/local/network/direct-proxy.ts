/**
 * The HTTP proxy that pods without a sidecar in one namespace point `HTTP_PROXY` at: it stands in
 * for cluster DNS plus kube-proxy. A Service name (as that namespace writes it) or cluster IP goes
 * to one of the Service's ready endpoints in plaintext, with no routing rule applied; any other
 * host is reached as it is, as a pod reaches the world. `CONNECT` tunnels the same way.
 */
import http from 'node:http';
import net from 'node:net';
import type { Backend, ServiceDirectory } from './service-directory.js';

/** Hop-by-hop headers a proxy must not pass on (RFC 9110 §7.6.1), and the proxy's own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export interface DirectProxy {
  port: number;
  close(): Promise<void>;
}

type Target = { kind: 'backend'; backend: Backend } | { kind: 'none'; reason: string };

function target(directory: ServiceDirectory, namespace: string, host: string, port: number): Target {
  const ref = directory.resolve(namespace, host, port);
  if (!ref) return { kind: 'backend', backend: { host, port } };
  const backend = directory.pick(ref);
  if (backend) return { kind: 'backend', backend };
  return { kind: 'none', reason: `no ready endpoints for Service ${ref.service.namespace}/${ref.service.name} port ${ref.port.port}` };
}

function reply(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(`${text}\n`);
}

function forwardRequest(directory: ServiceDirectory, namespace: string, agent: http.Agent, req: http.IncomingMessage, res: http.ServerResponse): void {
  let url: URL;
  try {
    url = new URL(req.url ?? '');
  } catch {
    reply(res, 400, 'this is a forward proxy: send requests in absolute form (GET http://service:port/path)');
    return;
  }
  if (url.protocol !== 'http:') {
    reply(res, 400, `cannot forward ${url.protocol} requests; use CONNECT`);
    return;
  }
  const port = url.port === '' ? 80 : Number(url.port);
  const t = target(directory, namespace, url.hostname, port);
  if (t.kind === 'none') {
    reply(res, 503, t.reason);
    return;
  }
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
  const upstream = http.request({ host: t.backend.host, port: t.backend.port, method: req.method, path: `${url.pathname}${url.search}`, headers, agent }, (up) => {
    const out: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
    res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  upstream.on('error', (err) => reply(res, 502, `cannot reach ${url.host}: ${err.message}`));
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

function tunnel(directory: ServiceDirectory, namespace: string, req: http.IncomingMessage, client: net.Socket, head: Buffer): void {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(req.url ?? '');
  if (!m) {
    client.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    return;
  }
  const t = target(directory, namespace, (m[1] ?? '').replace(/^\[|\]$/g, ''), Number(m[2]));
  if (t.kind === 'none') {
    client.end(`HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(t.reason)}\r\n\r\n${t.reason}`);
    return;
  }
  const upstream = net.connect({ host: t.backend.host, port: t.backend.port });
  const refused = (): void => void client.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n');
  upstream.once('error', refused);
  client.on('error', () => upstream.destroy());
  upstream.once('connect', () => {
    upstream.off('error', refused);
    upstream.on('error', () => client.destroy());
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
}

/** Starts the proxy for `namespace` on 127.0.0.1, on a port the system picks. */
export function startDirectProxy(namespace: string, directory: ServiceDirectory, port = 0): Promise<DirectProxy> {
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => forwardRequest(directory, namespace, agent, req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => tunnel(directory, namespace, req, client, head));
  server.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            agent.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
