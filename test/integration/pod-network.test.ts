/**
 * The local pod network with real processes: pods without a sidecar reach Services by name (and
 * by cluster IP), LoadBalancer and NodePort Services answer on the host, `tack get svc` shows the
 * addresses, and every container has the kubelet's service variables.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { parse } from 'yaml';
import { startMesh, httpGet, freePort, type Mesh } from '../support/mesh.js';

interface ServiceView {
  spec: { type: string; clusterIP: string; clusterIPs: string[]; ports: { name?: string; port: number; nodePort?: number }[] };
  status: { loadBalancer: { ingress?: { ip: string }[] } };
}

function manifest(lbPort: number): string {
  const idleClient = (namespace: string, annotations: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: client}}
  template:
    metadata:
      labels: {app: client}
      ${annotations}
    spec:
      containers: [{name: client, image: curlimages/curl}]
`;
  return `
apiVersion: v1
kind: Namespace
metadata: {name: plain, labels: {istio-injection: disabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: todobackend}
spec:
  replicas: 2
  selector: {matchLabels: {app: todobackend}}
  template:
    metadata: {labels: {app: todobackend}}
    spec:
      containers: [{name: app, image: mendhak/http-https-echo, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: todobackend}
spec:
  selector: {app: todobackend}
  ports: [{name: http, port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: todo-lb}
spec:
  type: LoadBalancer
  selector: {app: todobackend}
  ports: [{name: http, port: ${lbPort}, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: todo-np}
spec:
  type: NodePort
  selector: {app: todobackend}
  ports: [{name: http, port: 8080}]
---
${idleClient('default', 'annotations: {sidecar.istio.io/inject: "false"}')}
---
${idleClient('plain', '')}
`;
}

/** One HTTP/1.1 exchange over a raw TCP connection, as any program in a pod could make it. */
function rawGet(host: string, port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => s.write(`GET ${path} HTTP/1.1\r\nhost: todobackend:8080\r\nconnection: close\r\n\r\n`));
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => (data += c));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
}

describe('local pod network', () => {
  let mesh: Mesh;
  let dir: string;
  let lbPort: number;

  beforeAll(async () => {
    lbPort = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'tack-podnet-'));
    writeFileSync(join(dir, 'mesh.yaml'), manifest(lbPort));
    mesh = await startMesh([dir]);
  });
  afterAll(async () => {
    await mesh?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function service(name: string): Promise<ServiceView> {
    const r = await mesh.tack(['get', 'svc', name, '-o', 'yaml']);
    expect(r.code, r.stderr).toBe(0);
    return parse(r.stdout) as ServiceView;
  }

  async function exec(args: string[], namespace = 'default'): Promise<string> {
    const r = await mesh.tack(['exec', '-n', namespace, 'deploy/client', '--', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  }

  it('a pod without a sidecar reaches a Service by name, load-balanced over its ready pods', async () => {
    const pods = await mesh.pods();
    const client = pods.find((p) => p.namespace === 'default' && p.deployment === 'client');
    expect(Object.keys(client?.pids ?? {})).toEqual(['client']);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const body = JSON.parse(await exec(['curl', '-s', 'http://todobackend:8080/todos'])) as { path: string; os: { hostname: string } };
      expect(body.path).toBe('/todos');
      seen.add(body.os.hostname);
    }
    expect([...seen].sort()).toEqual(pods.filter((p) => p.deployment === 'todobackend').map((p) => p.name).sort());
  });

  it('Node\'s fetch in such a pod, and pods of a namespace labelled istio-injection=disabled, reach it too', async () => {
    const viaFetch = await exec(['node', '-e', "fetch('http://todobackend:8080/fetched').then((r) => r.json()).then((b) => console.log(b.path))"]);
    expect(viaFetch.trim()).toBe('/fetched');
    const plain = (await mesh.pods()).find((p) => p.namespace === 'plain');
    expect(Object.keys(plain?.pids ?? {})).toEqual(['client']);
    const body = JSON.parse(await exec(['curl', '-s', 'http://todobackend.default.svc.cluster.local:8080/other-ns'], 'plain')) as { path: string };
    expect(body.path).toBe('/other-ns');
  });

  it('a Service\'s cluster IP answers on its port, as kube-proxy makes it', async () => {
    const { spec } = await service('todobackend');
    expect(spec.clusterIP).toMatch(/^127\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    expect(spec.clusterIPs).toEqual([spec.clusterIP]);
    expect(await rawGet(spec.clusterIP, 8080, '/by-ip')).toMatch(/^HTTP\/1\.1 200[\s\S]*"path":"\/by-ip"/);
  });

  it('a LoadBalancer Service answers on its port on 127.0.0.1, and a NodePort Service on its node port', async () => {
    const lb = await service('todo-lb');
    expect(lb.status.loadBalancer.ingress?.[0]?.ip).toBe('127.0.0.1');
    const lbNodePort = lb.spec.ports[0]?.nodePort ?? 0;
    expect(lbNodePort).toBeGreaterThanOrEqual(30000);
    expect(lbNodePort).toBeLessThanOrEqual(32767);
    const fromLb = await httpGet(lbPort, '/via-lb');
    expect(fromLb.status).toBe(200);
    expect((JSON.parse(fromLb.body) as { path: string }).path).toBe('/via-lb');
    expect((await httpGet(lbNodePort, '/via-lb-node-port')).status).toBe(200);

    const np = await service('todo-np');
    expect(np.status.loadBalancer).toEqual({});
    const nodePort = np.spec.ports[0]?.nodePort ?? 0;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const fromNode = await httpGet(nodePort, '/via-node-port');
    expect((JSON.parse(fromNode.body) as { path: string }).path).toBe('/via-node-port');
  });

  it('tack get svc prints CLUSTER-IP, EXTERNAL-IP and node ports as kubectl does', async () => {
    const r = await mesh.tack(['get', 'svc']);
    expect(r.code, r.stderr).toBe(0);
    const rows = new Map(r.stdout.trim().split('\n').slice(1).map((line) => { const cols = line.split(/\s{2,}/); return [cols[0] ?? '', cols] as const; }));
    const lb = await service('todo-lb');
    const np = await service('todo-np');
    expect(rows.get('todo-lb')?.slice(1, 5)).toEqual(['LoadBalancer', lb.spec.clusterIP, '127.0.0.1', `${lbPort}:${lb.spec.ports[0]?.nodePort}/TCP`]);
    expect(rows.get('todo-np')?.slice(1, 5)).toEqual(['NodePort', np.spec.clusterIP, '<none>', `8080:${np.spec.ports[0]?.nodePort}/TCP`]);
    expect(rows.get('todobackend')?.slice(1, 5)).toEqual(['ClusterIP', (await service('todobackend')).spec.clusterIP, '<none>', '8080/TCP']);
  });

  it('every container has the kubelet\'s variables for the Services of its namespace', async () => {
    const env = new Map((await exec(['env'])).split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
    const ip = (await service('todobackend')).spec.clusterIP;
    const lbIp = (await service('todo-lb')).spec.clusterIP;
    expect(env.get('TODOBACKEND_SERVICE_HOST')).toBe(ip);
    expect(env.get('TODOBACKEND_SERVICE_PORT')).toBe('8080');
    expect(env.get('TODOBACKEND_SERVICE_PORT_HTTP')).toBe('8080');
    expect(env.get('TODOBACKEND_PORT')).toBe(`tcp://${ip}:8080`);
    expect(env.get('TODOBACKEND_PORT_8080_TCP')).toBe(`tcp://${ip}:8080`);
    expect(env.get('TODOBACKEND_PORT_8080_TCP_PROTO')).toBe('tcp');
    expect(env.get('TODOBACKEND_PORT_8080_TCP_PORT')).toBe('8080');
    expect(env.get('TODOBACKEND_PORT_8080_TCP_ADDR')).toBe(ip);
    expect(env.get('TODO_LB_SERVICE_HOST')).toBe(lbIp);
    // Only the pod's own namespace: the plain namespace's pod sees none of default's Services.
    const plainEnv = await exec(['env'], 'plain');
    expect(plainEnv).not.toContain('TODOBACKEND_SERVICE_HOST');
  });
});
