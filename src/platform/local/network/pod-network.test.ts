/**
 * The pod network with real sockets: cluster IP, LoadBalancer and NodePort listeners forward to the
 * right ports of ready pods in turn; the direct proxy resolves Service names per namespace; a busy
 * port is a message, not a crash; closing frees every port.
 */
import { describe, it, expect, afterEach } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { loadText, validateDocuments } from '../../../api/index.js';
import { ConfigStore, type WorkloadInstance } from '../../../store/index.js';
import { PodNetwork } from './pod-network.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A TCP server answering each connection with its name and closing. */
async function namedServer(name: string): Promise<number> {
  const server = net.createServer((s) => s.end(name));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

/** An HTTP server answering `<name> <method> <url> <host>`. */
async function httpServer(name: string): Promise<number> {
  const server = http.createServer((req, res) => res.end(`${name} ${req.method ?? ''} ${req.url ?? ''} ${req.headers.host ?? ''}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

function read(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => (data += c));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
}

function viaProxy(proxyPort: number, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: '127.0.0.1', port: proxyPort, path: url, headers: { host: u.host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function storeWith(yaml: string): ConfigStore {
  const store = new ConfigStore();
  const validated = validateDocuments(loadText(yaml, 'm.yaml').documents);
  expect(validated.checks.filter((c) => c.level === 'Error')).toEqual([]);
  store.apply(validated.resources);
  return store;
}

function pod(name: string, app: string, endpointPort: number, appPort: number, ready = true): WorkloadInstance {
  return { namespace: 'shop', name, labels: { app }, serviceAccount: 'default', address: '127.0.0.1', ports: [{ containerPort: 9000, protocol: 'TCP', endpointPort, appPort }], sidecar: endpointPort !== appPort, ready, phase: 'Running', restarts: 0, startedAt: 0 };
}

function network(store: ConfigStore, logs: string[] = []): PodNetwork {
  const n = new PodNetwork(() => store.snapshot(), { salt: `unit-${process.pid}-${Math.random()}`, random: () => 0.5, log: (m) => logs.push(m) });
  closers.push(() => n.close());
  return n;
}

/** Service ports high and random enough not to meet another test's. */
const lbPort = 20000 + Math.floor(Math.random() * 9000);

describe('PodNetwork', () => {
  it('gives Services cluster IPs and node ports, and forwards each listener to the right port of ready pods in turn', async () => {
    const store = storeWith(`
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{name: http, port: ${lbPort}, targetPort: 9000}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  type: NodePort
  selector: {app: api}
  ports: [{name: http, port: 9000}]
`);
    const [aEndpoint, aApp, bEndpoint, bApp, apiApp, notReady] = await Promise.all([namedServer('a-sidecar'), namedServer('a-app'), namedServer('b-sidecar'), namedServer('b-app'), namedServer('api'), namedServer('not-ready')]);
    store.putWorkload(pod('web-a', 'web', aEndpoint, aApp));
    store.putWorkload(pod('web-b', 'web', bEndpoint, bApp));
    store.putWorkload(pod('web-c', 'web', notReady, notReady, false));
    store.putWorkload(pod('api-1', 'api', apiApp, apiApp));
    const n = network(store);
    await n.sync();

    const web = n.serviceObject(store.get('Service', 'shop', 'web')!) as { spec: { clusterIP: string; clusterIPs: string[]; ports: { nodePort: number }[] }; status: unknown };
    expect(web.spec.clusterIP).toMatch(/^127\.(9[6-9]|10\d|11[01])\./);
    expect(web.spec.clusterIPs).toEqual([web.spec.clusterIP]);
    expect(web.status).toEqual({ loadBalancer: { ingress: [{ ip: '127.0.0.1', ipMode: 'VIP' }] } });
    const webNodePort = web.spec.ports[0]?.nodePort ?? 0;
    expect(webNodePort).toBeGreaterThanOrEqual(30000);
    expect(webNodePort).toBeLessThanOrEqual(32767);

    // From outside: the pods' ports as the mesh sees them (their sidecars' inbound), in turn, never the pod that is not ready.
    const outside = [await read('127.0.0.1', lbPort), await read('127.0.0.1', lbPort), await read('127.0.0.1', webNodePort), await read('127.0.0.1', webNodePort)];
    expect(outside.sort()).toEqual(['a-sidecar', 'a-sidecar', 'b-sidecar', 'b-sidecar']);
    // From a pod, through the cluster IP: the same endpoints.
    const inside = [await read(web.spec.clusterIP, lbPort), await read(web.spec.clusterIP, lbPort)];
    expect(inside.sort()).toEqual(['a-sidecar', 'b-sidecar']);

    const api = n.serviceObject(store.get('Service', 'shop', 'api')!) as { spec: { ports: { nodePort: number }[] }; status: unknown };
    expect(api.status).toEqual({ loadBalancer: {} });
    expect(await read('127.0.0.1', api.spec.ports[0]?.nodePort ?? 0)).toBe('api');

    const apiIp = n.clusterIpOf('shop', 'api');
    expect(n.serviceEnv('shop')).toMatchObject({ WEB_SERVICE_HOST: web.spec.clusterIP, WEB_SERVICE_PORT: String(lbPort), WEB_SERVICE_PORT_HTTP: String(lbPort), API_PORT_9000_TCP_ADDR: apiIp?.kind === 'ip' ? apiIp.ip : 'missing' });
    expect(n.serviceEnv('other')).toEqual({});

    await n.close();
    await expect(read('127.0.0.1', lbPort)).rejects.toThrow(/ECONNREFUSED/);
    await expect(read('127.0.0.1', webNodePort)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('the direct proxy resolves names as the namespace writes them, and cluster IPs, to ready endpoints', async () => {
    const store = storeWith(`
apiVersion: v1
kind: Service
metadata: {name: backend, namespace: shop}
spec:
  selector: {app: backend}
  ports: [{name: http, port: 8080, targetPort: 9000}]
---
apiVersion: v1
kind: Service
metadata: {name: empty, namespace: shop}
spec:
  selector: {app: nobody}
  ports: [{name: http, port: 8080}]
`);
    const endpoint = await httpServer('backend');
    const outsideWorld = await httpServer('world');
    store.putWorkload(pod('backend-1', 'backend', endpoint, endpoint));
    const n = network(store);
    await n.sync();
    const proxyPort = await n.directProxyPort('shop');
    expect(await n.directProxyPort('shop')).toBe(proxyPort);

    for (const host of ['backend', 'backend.shop', 'backend.shop.svc', 'backend.shop.svc.cluster.local']) {
      expect(await viaProxy(proxyPort, `http://${host}:8080/todos?x=1`)).toEqual({ status: 200, body: `backend GET /todos?x=1 ${host}:8080` });
    }
    const ip = n.clusterIpOf('shop', 'backend');
    expect(ip?.kind).toBe('ip');
    if (ip?.kind === 'ip') expect((await viaProxy(proxyPort, `http://${ip.ip}:8080/`)).body).toMatch(/^backend GET \//);
    // Another namespace's proxy does not see `backend` as a short name; it is an ordinary host there.
    const other = await n.directProxyPort('elsewhere');
    expect(other).not.toBe(proxyPort);
    expect((await viaProxy(other, 'http://backend:8080/')).status).toBe(502);
    expect((await viaProxy(other, 'http://backend.shop:8080/')).status).toBe(200);
    // No ready endpoint: refused with the reason; a host that is no Service is reached as it is.
    expect(await viaProxy(proxyPort, 'http://empty:8080/')).toEqual({ status: 503, body: 'no ready endpoints for Service shop/empty port 8080\n' });
    expect((await viaProxy(proxyPort, `http://localhost:${outsideWorld}/out`)).body).toBe(`world GET /out localhost:${outsideWorld}`);
  });

  it('tunnels CONNECT to a Service', async () => {
    const store = storeWith(`
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec: {selector: {app: db}, ports: [{port: 5432, targetPort: 9000}]}
`);
    store.putWorkload(pod('db-1', 'db', await namedServer('postgres'), 1));
    const n = network(store);
    await n.sync();
    const port = await n.directProxyPort('shop');
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => s.write('CONNECT db:5432 HTTP/1.1\r\nhost: db:5432\r\n\r\n'));
      let data = '';
      s.setEncoding('utf8');
      s.on('data', (c: string) => (data += c));
      s.on('end', () => resolve(data));
      s.on('error', reject);
    });
    expect(answer).toBe('HTTP/1.1 200 Connection Established\r\n\r\npostgres');
  });

  it('a port already in use is a message naming the Service and port, and the load balancer stays pending', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => busy.close(() => r())));
    const taken = (busy.address() as net.AddressInfo).port;
    const store = storeWith(`
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{name: http, port: ${taken}}]}
`);
    const logs: string[] = [];
    const n = network(store, logs);
    await n.sync();
    await n.sync();
    expect(logs.filter((l) => l.includes('cannot serve'))).toEqual([`Service shop/web: cannot serve type LoadBalancer port ${taken}: 127.0.0.1:${taken} is already in use`]);
    expect((n.serviceObject(store.get('Service', 'shop', 'web')!) as { status: unknown }).status).toEqual({ loadBalancer: {} });
  });

  it('never takes a host port tack itself uses: a named one is refused, a chosen node port moves on', async () => {
    const store = storeWith(`
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{name: http, port: ${lbPort + 2}}]}
`);
    const logs: string[] = [];
    // random() = 0 would choose 30086 first.
    const n = new PodNetwork(() => store.snapshot(), { salt: 'reserved', random: () => 0, reserved: new Map([[lbPort + 2, "the ingress gateway's host port (--http-port)"], [30086, 'the control API']]), log: (m) => logs.push(m) });
    closers.push(() => n.close());
    await n.sync();
    expect(logs).toEqual([`Service shop/web: cannot serve type LoadBalancer port ${lbPort + 2}: 127.0.0.1:${lbPort + 2} is the ingress gateway's host port (--http-port)`]);
    const view = n.serviceObject(store.get('Service', 'shop', 'web')!) as { spec: { ports: { nodePort: number }[] } };
    expect(view.spec.ports[0]?.nodePort).toBe(30087);
  });

  it('a deleted Service gives its addresses and ports back', async () => {
    const store = storeWith(`
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 9000, nodePort: 31999}]}
`);
    const n = network(store);
    await n.sync();
    // Listening, and with no ready endpoint refusing by reset, as kube-proxy's rules do.
    await expect(read('127.0.0.1', 31999)).rejects.toThrow(/ECONNRESET/);
    store.delete([{ kind: 'Service', namespace: 'shop', name: 'web' }]);
    await n.sync();
    expect(n.clusterIpOf('shop', 'web')).toBeUndefined();
    await expect(read('127.0.0.1', 31999)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('the ingress gateway\'s LoadBalancer Service opens nothing (the gateway has its host ports) and shows 127.0.0.1', async () => {
    const store = storeWith(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: gw, namespace: shop}
spec:
  selector: {matchLabels: {istio: gw}}
  template:
    metadata: {labels: {istio: gw}}
    spec: {containers: [{name: istio-proxy, image: docker.io/istio/proxyv2}]}
---
apiVersion: v1
kind: Service
metadata: {name: gw, namespace: shop}
spec: {type: LoadBalancer, selector: {istio: gw}, ports: [{name: http2, port: ${lbPort + 1}, targetPort: 8080}]}
`);
    const n = network(store);
    await n.sync();
    const view = n.serviceObject(store.get('Service', 'shop', 'gw')!) as { spec: { ports: { nodePort?: number }[] }; status: unknown };
    expect(view.status).toEqual({ loadBalancer: { ingress: [{ ip: '127.0.0.1', ipMode: 'VIP' }] } });
    expect(view.spec.ports[0]?.nodePort).toBeUndefined();
    await expect(read('127.0.0.1', lbPort + 1)).rejects.toThrow(/ECONNREFUSED/);
  });
});
