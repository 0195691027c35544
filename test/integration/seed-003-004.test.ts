/**
 * Seed 003's host-bound Gateway (90/10 on two prefixes, 404 elsewhere) and seed 004's VirtualService
 * bound to both the gateway and the mesh (the same 75/25 split from outside and from inside a pod).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startMesh, httpGet, load, type Mesh } from '../support/mesh.js';

describe('seed 003: a Gateway for one host, routing two prefixes 90/10', () => {
  let mesh: Mesh;
  beforeAll(async () => {
    mesh = await startMesh(['examples/003-flask-canary']);
  });
  afterAll(async () => {
    await mesh?.stop();
  });
  const host = { host: 'flask.example.com' };

  it('routes /home and /list on the configured host 90/10', async () => {
    for (const path of ['/home', '/list']) {
      const results = await load(600, 6, () => httpGet(mesh.httpPort, path, host));
      const bodies = results.map((r) => (r instanceof Error ? r.message : `${r.status} ${r.body}`));
      const v1 = bodies.filter((b) => b.startsWith('200') && b.includes('v1')).length;
      const v2 = bodies.filter((b) => b.startsWith('200') && b.includes('v2')).length;
      expect(v1 + v2, bodies.find((b) => !b.startsWith('200'))).toBe(600);
      expect(Math.abs(v2 / 600 - 0.1)).toBeLessThanOrEqual(0.04);
    }
  });

  it('lets /list reach the backend by its Service name through the frontend sidecar', async () => {
    const r = await httpGet(mesh.httpPort, '/list', host);
    expect(r.status).toBe(200);
    expect(r.body).toContain('apples');
  });

  it('gives 404 to other hosts and other paths', async () => {
    expect((await httpGet(mesh.httpPort, '/home', { host: 'other.example.com' })).status).toBe(404);
    expect((await httpGet(mesh.httpPort, '/home')).status).toBe(404);
    expect((await httpGet(mesh.httpPort, '/', host)).status).toBe(404);
    expect((await httpGet(mesh.httpPort, '/admin', host)).status).toBe(404);
  });
});

describe('seed 004: one VirtualService for the gateway and the mesh', () => {
  let mesh: Mesh;
  beforeAll(async () => {
    mesh = await startMesh(['examples/004-echo-versioned-routing']);
  });
  afterAll(async () => {
    await mesh?.stop();
  });

  const versionOf = (body: string): string => {
    const pod = (JSON.parse(body) as { os: { hostname: string } }).os.hostname;
    return pod.startsWith('echo-deployment-v1-') ? 'v1' : pod.startsWith('echo-deployment-v2-') ? 'v2' : pod;
  };

  it('splits 75/25 from outside, by Host header', async () => {
    const results = await load(800, 8, () => httpGet(mesh.httpPort, '/echo', { host: 'echo.local' }));
    const versions = results.map((r) => (r instanceof Error ? r.message : r.status === 200 ? versionOf(r.body) : String(r.status)));
    const v1 = versions.filter((v) => v === 'v1').length;
    expect(versions.filter((v) => v !== 'v1' && v !== 'v2')).toEqual([]);
    expect(Math.abs(v1 / 800 - 0.75)).toBeLessThanOrEqual(0.05);
    expect((await httpGet(mesh.httpPort, '/echo', { host: 'localhost' })).status).toBe(404);
  });

  it('splits 75/25 from inside a pod, with curl through its sidecar', async () => {
    const counts = { v1: 0, v2: 0, other: 0 };
    // One shell in the pod's environment, looping as a user inside the pod would.
    const r = await mesh.tack(['exec', 'deploy/debug', '-n', 'echo', '--', 'sh', '-c', 'for i in $(seq 60); do curl -s http://echo-service/echo; echo; done']);
    expect(r.code, r.stderr).toBe(0);
    for (const line of r.stdout.split('\n').filter((l) => l.trim() !== '')) {
      const v = versionOf(line);
      if (v === 'v1' || v === 'v2') counts[v]++;
      else counts.other++;
    }
    expect(counts.v1 + counts.v2).toBe(60);
    expect(counts.other).toBe(0);
    expect(counts.v1).toBeGreaterThan(counts.v2);
    expect(counts.v2).toBeGreaterThan(0);
    const noRoute = await mesh.tack(['exec', 'deploy/debug', '-n', 'echo', '--', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://echo-service/']);
    expect(noRoute.stdout).toBe('404');
  });
});
