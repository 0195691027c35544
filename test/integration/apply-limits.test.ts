/**
 * `tack apply` against a real mesh at its limits: a proxy that refuses the change (its listener's
 * port is taken) makes apply fail and say so, though the change stays applied; manifests from a
 * URL; and the control plane's memory through a 7.5 MB manifest.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import http from 'node:http';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startMesh, httpGet, type Mesh } from '../support/mesh.js';
import { listen } from '../support/ports.js';

/** Peak resident memory of a process, from Linux's accounting (VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) / 1024;
}

/** About 7.5 MB of Services, DestinationRules and VirtualServices (no pods: nothing to start). */
function bigManifest(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    out += `---
apiVersion: v1
kind: Service
metadata: {name: svc-${i}, namespace: bulk, labels: {app: svc-${i}}}
spec:
  selector: {app: svc-${i}}
  ports:
  - {name: http, port: 80, targetPort: 8080}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: svc-${i}, namespace: bulk}
spec:
  host: svc-${i}
  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: svc-${i}, namespace: bulk}
spec:
  hosts: [svc-${i}]
  http:
  - match: [{headers: {end-user: {exact: tester-${i}}}, uri: {prefix: /api/v1/}}]
    route: [{destination: {host: svc-${i}, subset: v2}}]
    timeout: 5s
    retries: {attempts: 3, perTryTimeout: 2s, retryOn: 5xx}
  - match: [{uri: {prefix: /api/}}]
    route:
    - {destination: {host: svc-${i}, subset: v1}, weight: 90}
    - {destination: {host: svc-${i}, subset: v2}, weight: 10}
  - route: [{destination: {host: svc-${i}, subset: v1}}]
`;
  }
  return out;
}

describe('apply at its limits', () => {
  let mesh: Mesh;
  let dir: string;
  let blocker: net.Server;
  let files: http.Server;
  let filesBase: string;
  const served = new Map<string, string>();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tack-apply-'));
    blocker = net.createServer();
    await listen(blocker);
    files = http.createServer((req, res) => {
      const text = served.get(req.url ?? '');
      if (text === undefined) res.writeHead(404, 'Not Found').end();
      else res.writeHead(200, { 'content-type': 'application/yaml' }).end(text);
    });
    filesBase = `http://127.0.0.1:${await listen(files)}`;
    mesh = await startMesh(['examples/000-traffic-shifting']);
  });
  afterAll(async () => {
    await mesh?.stop();
    blocker?.close();
    files?.closeAllConnections();
    files?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails, naming the proxy and its reason, when a proxy refuses the change; the change stays applied', async () => {
    const busy = (blocker.address() as net.AddressInfo).port;
    const file = join(dir, 'busy-gateway.yaml');
    writeFileSync(file, `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: busy, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: ${busy}, name: http-busy, protocol: HTTP}\n    hosts: ["*"]\n`);
    const applied = await mesh.tack(['apply', '-f', file]);
    expect(applied.code).toBe(1);
    expect(applied.stdout).toBe('gateway.networking.istio.io/busy created\n');
    expect(applied.stderr).toMatch(new RegExp(`^error: proxy istio-ingressgateway-[\\w-]+\\.istio-system refused configuration version \\d+: listener [^:]+: 127\\.0\\.0\\.1:${busy} is already in use\\n`));
    expect(applied.stderr).toContain('the resources above are applied and the other 2 proxies serve the change; that proxy keeps serving its previous configuration (see `tack proxy-status`)\n');
    // Stored, and the gateway still serves what it served before.
    expect((await mesh.tack(['get', 'gw', 'busy', '-n', 'istio-system'])).code).toBe(0);
    expect((await mesh.tack(['proxy-status'])).stdout).toMatch(/istio-ingressgateway-\S+\s+NACK\s+\d+\s+\d+\s+listener .* is already in use/);
    // Taking the refused part away is a change every proxy serves again.
    const deleted = await mesh.tack(['delete', '-f', file]);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    expect((await mesh.tack(['proxy-status'])).stdout).not.toContain('NACK');
  });

  it('serves a Service port renamed tcp-postgres (HTTP to TCP on a kept port) on every proxy, and later changes still apply', async () => {
    const service = (portName: string): string => `apiVersion: v1\nkind: Service\nmetadata: {name: myapp, labels: {app: myapp, service: myapp}}\nspec:\n  ports: [{port: 8080, name: ${portName}}]\n  selector: {app: myapp}\n`;
    const file = join(dir, 'myapp-tcp.yaml');
    writeFileSync(file, service('tcp-postgres'));
    const renamed = await mesh.tack(['apply', '-f', file]);
    // Before the fix the pods' sidecars refused it: "listener inbound|8080 ... already in use", a clash with their own listener.
    expect(renamed.stderr).toBe('');
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).toBe('service/myapp configured\n');
    expect((await mesh.tack(['proxy-status'])).stdout).not.toMatch(/NACK|STALE/);
    // The inbound side is a TCP proxy now: the gateway's HTTP still reaches the app through it.
    expect((await httpGet(mesh.httpPort, '/api/v1/hello')).status).toBe(200);
    // A later change (and the way back to HTTP) is taken too: the sidecars did not get stuck.
    writeFileSync(file, service('http'));
    const back = await mesh.tack(['apply', '-f', file]);
    expect(back.stderr).toBe('');
    expect(back.code).toBe(0);
    expect((await mesh.tack(['proxy-status'])).stdout).not.toMatch(/NACK|STALE/);
    expect((await httpGet(mesh.httpPort, '/api/v1/hello')).status).toBe(200);
  });

  it('applies and deletes a manifest from a URL, and names the URL when it cannot be read', async () => {
    served.set('/extra.yaml', 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: from-url}\nspec:\n  hosts: [from-url.local]\n  gateways: [istio-system/ingressgateway]\n  http:\n  - directResponse: {status: 418}\n');
    const applied = await mesh.tack(['apply', '-f', `${filesBase}/extra.yaml`]);
    expect(applied.stdout).toBe('virtualservice.networking.istio.io/from-url created\n');
    expect((await httpGet(mesh.httpPort, '/', { host: 'from-url.local' })).status).toBe(418);
    expect((await mesh.tack(['delete', '-f', `${filesBase}/extra.yaml`])).stdout).toBe('virtualservice.networking.istio.io/from-url deleted\n');
    const missing = await mesh.tack(['apply', '-f', `${filesBase}/nowhere.yaml`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`Error [TK0002] ${filesBase}/nowhere.yaml cannot read: the server answered 404 Not Found\nnothing was changed\n`);
  });

  it('stays well within memory through a 7.5 MB manifest', async () => {
    const text = bigManifest(7200);
    expect(text.length).toBeGreaterThan(7_400_000);
    const file = join(dir, 'big.yaml');
    writeFileSync(file, `apiVersion: v1\nkind: Namespace\nmetadata: {name: bulk}\n${text}`);
    const pid = mesh.process.pid as number;
    const applied = await mesh.tack(['apply', '-f', file], { timeoutMs: 120_000 });
    expect(applied.stderr).not.toContain('error');
    expect(applied.stdout.split('\n').filter((l) => l.endsWith(' created'))).toHaveLength(7200 * 3 + 1);
    // Measured 669 MiB before the fix (every resource held its YAML syntax tree); about 350 after.
    const peak = peakRssMiB(pid);
    process.stdout.write(`control plane peak RSS after a 7.5 MB apply: ${peak.toFixed(0)} MiB\n`);
    expect(peak).toBeLessThan(450);
  }, 180_000);
});
