/**
 * The debugging commands on a running mesh (get, logs, proxy-status, proxy-config, apply, delete),
 * and a proxy that takes hostile input without falling over.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startMesh, httpGet, type Mesh } from '../support/mesh.js';

function rawExchange(port: number, payload: Buffer | string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let out = '';
    s.setTimeout(timeoutMs, () => s.destroy());
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
    s.on('connect', () => s.end(payload));
  });
}

describe('debugging commands', () => {
  let mesh: Mesh;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tack-cmd-'));
    mesh = await startMesh(['examples/004-echo-versioned-routing']);
  });
  afterAll(async () => {
    await mesh?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('get lists pods, deployments, services and Istio resources like kubectl', async () => {
    const pods = await mesh.tack(['get', 'pods', '-n', 'echo']);
    expect(pods.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(pods.stdout).toMatch(/echo-deployment-v1-\w{10}-\w{5}\s+2\/2\s+Running\s+0/);
    const deploy = await mesh.tack(['get', 'deploy', '-n', 'echo']);
    expect(deploy.stdout).toMatch(/echo-deployment-v2\s+1\/1\s+1\s+1/);
    const vs = await mesh.tack(['get', 'vs', '-n', 'echo']);
    expect(vs.stdout).toContain('["istio-system/ingressgateway","mesh"]');
    const gw = await mesh.tack(['get', 'gateways', '-A']);
    expect(gw.stdout).toMatch(/istio-system\s+ingressgateway/);
    const yaml = await mesh.tack(['get', 'dr', 'echo', '-n', 'echo', '-o', 'yaml']);
    expect(yaml.stdout).toContain('kind: DestinationRule');
    expect(yaml.stdout).toContain('name: v2');
    const missing = await mesh.tack(['get', 'vs', 'nope', '-n', 'echo']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('virtualservices "nope" not found');
    const unknown = await mesh.tack(['get', 'widgets']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('doesn\'t have a resource type "widgets"');
  });

  it('logs shows an app container and its sidecar', async () => {
    await httpGet(mesh.httpPort, '/echo', { host: 'echo.local' });
    const app = await mesh.tack(['logs', 'deploy/echo-deployment-v1', '-n', 'echo']);
    expect(app.code).toBe(0);
    expect(app.stdout.length).toBeGreaterThan(0);
    const proxy = await mesh.tack(['logs', 'deploy/echo-deployment-v1', '-n', 'echo', '-c', 'istio-proxy']);
    expect(proxy.stdout).toContain('serving config version');
    const bad = await mesh.tack(['logs', 'deploy/echo-deployment-v1', '-n', 'echo', '-c', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('container nope is not valid');
  });

  it('proxy-status shows every proxy SYNCED; proxy-config shows routes, clusters, listeners, endpoints', async () => {
    const status = await mesh.tack(['proxy-status']);
    expect(status.stdout).toMatch(/istio-ingressgateway-\S+\.istio-system\s+SYNCED/);
    expect(status.stdout).not.toMatch(/STALE|NACK/);
    const gateway = (await mesh.pods()).find((p) => p.namespace === 'istio-system')!;
    const routes = await mesh.tack(['proxy-config', 'routes', gateway.name, '-n', 'istio-system']);
    expect(routes.stdout).toMatch(/http\.8080\s+echo\.local\s+prefix \/echo\s+echo\/echo-route#echo-route\s+outbound\|80\|v1\|echo-service\.echo\.svc\.cluster\.local 75/);
    const clusters = await mesh.tack(['proxy-config', 'clusters', 'deploy/debug', '-n', 'echo']);
    expect(clusters.stdout).toMatch(/echo-service\.echo\.svc\.cluster\.local\s+80\s+v2\s+LEAST_REQUEST\s+1/);
    const listeners = await mesh.tack(['proxy-config', 'listeners', 'deploy/debug', '-n', 'echo']);
    expect(listeners.stdout).toMatch(/outbound\s+127\.0\.0\.1\s+\d+\s+HTTP\s+outbound/);
    const endpoints = await mesh.tack(['proxy-config', 'endpoints', 'deploy/debug', '-n', 'echo']);
    expect(endpoints.stdout).toMatch(/127\.0\.0\.1:\d+\s+echo-deployment-v1-\S+\.echo\s+HEALTHY\s+outbound\|80\|v1\|/);
    const json = await mesh.tack(['proxy-config', 'all', 'deploy/debug', '-n', 'echo', '-o', 'json']);
    expect((JSON.parse(json.stdout) as { node: { pod: string } }).node.pod).toMatch(/^debug-/);
  });

  it('apply and delete change the mesh and say what changed, as kubectl does', async () => {
    const file = join(dir, 'extra.yaml');
    writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: extra, namespace: echo}\nspec:\n  hosts: [extra.local]\n  gateways: [istio-system/ingressgateway]\n  http:\n  - directResponse: {status: 418, body: {string: teapot}}\n');
    const applied = await mesh.tack(['apply', '-f', file]);
    expect(applied.stdout).toBe('virtualservice.networking.istio.io/extra created\n');
    const hit = await httpGet(mesh.httpPort, '/', { host: 'extra.local' });
    expect(hit.status).toBe(418);
    expect(hit.body).toBe('teapot');
    expect((await mesh.tack(['apply', '-f', file])).stdout).toBe('virtualservice.networking.istio.io/extra unchanged\n');
    const deleted = await mesh.tack(['delete', '-f', file]);
    expect(deleted.stdout).toBe('virtualservice.networking.istio.io/extra deleted\n');
    expect((await httpGet(mesh.httpPort, '/', { host: 'extra.local' })).status).toBe(404);
  });

  it('analyze without -f checks the running mesh', async () => {
    const file = join(dir, 'broken-ref.yaml');
    writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: dangling, namespace: echo}\nspec:\n  hosts: [dangling.local]\n  gateways: [istio-system/ingressgateway]\n  http:\n  - route:\n    - destination: {host: echo-service, subset: v9}\n');
    expect((await mesh.tack(['apply', '-f', file])).code).toBe(0);
    const r = await mesh.tack(['analyze']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Error [IST0101] ${file}:9 (VirtualService echo/dangling)`);
    expect(r.stdout).toContain('"echo-service+v9"');
    await mesh.tack(['delete', '-f', file]);
    expect((await mesh.tack(['analyze'])).code).toBe(0);
  });

  it('answers malformed requests with 400 and keeps serving', async () => {
    const hostile: (string | Buffer)[] = [
      'GET / HTTP/1.1\r\nHost: echo.local\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'GARBAGE\r\n\r\n',
      Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256)),
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: echo.local\r\n\r\n`,
      'GET / HTTP/1.1\r\nHost: echo.local\r\nContent-Length: -1\r\n\r\n',
    ];
    for (const payload of hostile) {
      const answer = await rawExchange(mesh.httpPort, payload);
      if (answer) expect(answer).toMatch(/^HTTP\/1\.1 4\d\d/);
    }
    const ok = await httpGet(mesh.httpPort, '/echo', { host: 'echo.local' });
    expect(ok.status).toBe(200);
  });
});
