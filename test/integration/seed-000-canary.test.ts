/**
 * Seed 000 (Istio traffic shifting) on a real local mesh: the 75/25 canary through the ingress
 * gateway, 404 off the route, a shift to v2 under load with no failed request, and an invalid
 * VirtualService refused with the mesh unchanged.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startMesh, httpGet, load, type Mesh, type HttpResult } from '../support/mesh.js';

const V1 = 'Hello World, This is version 1!';
const V2 = 'Hello World, This is version 2!';

function routeTo(v1: number, v2: number, extra = ''): string {
  return `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: myapp
spec:
  hosts: ["*"]
  gateways: [myapp-gateway]
  http:
  - match:
    - uri:
        exact: /api/v1/hello
    route:
    - destination: {host: myapp, port: {number: 8080}, subset: v1}
      weight: ${v1}
    - destination: {host: myapp, port: {number: 8080}, subset: v2}
      weight: ${v2}
${extra}`;
}

describe('seed 000: canary through the ingress gateway', () => {
  let mesh: Mesh;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tack-000-'));
    mesh = await startMesh(['examples/000-traffic-shifting']);
  });
  afterAll(async () => {
    await mesh?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const hello = (): Promise<HttpResult> => httpGet(mesh.httpPort, '/api/v1/hello');

  it('splits 2,000 requests 75/25 between v1 and v2', async () => {
    const results = await load(2000, 8, hello);
    const bodies = results.map((r) => (r instanceof Error ? r.message : r.body));
    const v1 = bodies.filter((b) => b === V1).length;
    const v2 = bodies.filter((b) => b === V2).length;
    expect(v1 + v2).toBe(2000);
    expect(Math.abs(v1 / 2000 - 0.75)).toBeLessThanOrEqual(0.03);
  });

  it('answers 404 off the route, with Envoy headers on routed responses', async () => {
    expect((await httpGet(mesh.httpPort, '/api/v1/other')).status).toBe(404);
    expect((await httpGet(mesh.httpPort, '/')).status).toBe(404);
    const ok = await hello();
    expect(ok.status).toBe(200);
    expect(ok.headers.server).toBe('istio-envoy');
    expect(ok.headers['x-envoy-upstream-service-time']).toMatch(/^\d+$/);
  });

  it('refuses an invalid VirtualService, names the field, and keeps routing as before', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, routeTo(-10, 110, '    timeoutt: 5s\n'));
    const r = await mesh.tack(['apply', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:`);
    expect(r.stderr).toContain('VirtualService default/myapp');
    expect(r.stderr).toContain('spec.http[0].route[0].weight');
    expect(r.stderr).toMatch(/unknown field "timeoutt"; did you mean "timeout"\?/);
    expect(r.stderr).toContain('nothing was changed');
    const bodies = (await load(200, 4, hello)).map((x) => (x instanceof Error ? '' : x.body));
    expect(bodies.filter((b) => b === V2).length).toBeGreaterThan(10);
    expect(bodies.filter((b) => b === V1).length).toBeGreaterThan(100);
  });

  it('shifts all traffic to v2 under load: no request fails, and every request sent after apply returns gets v2', async () => {
    const file = join(dir, 'all-v2.yaml');
    writeFileSync(file, routeTo(0, 100));
    const samples: { start: number; body: string; ok: boolean }[] = [];
    let running = true;
    const worker = async (): Promise<void> => {
      while (running) {
        const start = Date.now();
        try {
          const res = await hello();
          samples.push({ start, body: res.body, ok: res.status === 200 });
        } catch (err) {
          samples.push({ start, body: (err as Error).message, ok: false });
        }
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await new Promise((r) => setTimeout(r, 1000));
    const applied = await mesh.tack(['apply', '-f', file]);
    // apply answers once every proxy has acknowledged the change, so nothing sent after it may see v1.
    const appliedAt = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    running = false;
    await Promise.all(workers);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('virtualservice.networking.istio.io/myapp configured');
    expect(samples.filter((s) => !s.ok)).toEqual([]);
    expect(samples.filter((s) => s.start < appliedAt).length).toBeGreaterThan(50);
    const late = samples.filter((s) => s.start >= appliedAt);
    expect(late.length).toBeGreaterThan(50);
    expect(late.filter((s) => s.body !== V2)).toEqual([]);
  });
});
