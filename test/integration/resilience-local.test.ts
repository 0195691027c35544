/**
 * The local mesh survives its parts failing: a killed workload process restarts while the other
 * replica keeps serving, and proxies keep routing on their last config when the control plane dies.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { startMesh, httpGet, type Mesh } from '../support/mesh.js';
import { mkdtempSync, writeFileSync, rmSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

function twoReplicas(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tack-restart-'));
  cpSync('examples/004-echo-versioned-routing', dir, { recursive: true });
  writeFileSync(join(dir, '03-scale.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo-deployment-v1
  namespace: echo
  labels: {app: echo, version: v1}
spec:
  replicas: 2
  selector:
    matchLabels: {app: echo, version: v1}
  template:
    metadata:
      labels: {app: echo, version: v1}
    spec:
      containers:
      - name: echo
        image: mendhak/http-https-echo
        ports:
        - containerPort: 80
`);
  const text = readFileSync(join(dir, '01-echo.yaml'), 'utf8');
  // Drop the original single-replica v1 Deployment (the first document); 03-scale.yaml replaces it.
  writeFileSync(join(dir, '01-echo.yaml'), text.slice(text.indexOf('---', text.indexOf('kind: Deployment')) + 4));
  return dir;
}

describe('local mesh resilience', () => {
  let mesh: Mesh | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await mesh?.stop();
    mesh = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('restarts a killed workload process while the other replica keeps serving', async () => {
    dir = twoReplicas();
    mesh = await startMesh([dir]);
    const pods = (await mesh.pods()).filter((p) => p.deployment === 'echo-deployment-v1');
    expect(pods).toHaveLength(2);
    const victim = pods[0]!;
    const pid = victim.pids.echo!;
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    // The dead replica leaves the endpoints as soon as its process exits; from then on every
    // request is served by the other replica while the killed one restarts.
    const served = new Set<string>();
    const failures: number[] = [];
    const deadline = Date.now() + 8_000;
    let restarted = false;
    while (Date.now() < deadline) {
      const started = Date.now();
      const r = await httpGet(mesh.httpPort, '/echo', { host: 'echo.local' });
      if (r.status !== 200) failures.push(started - killedAt);
      else served.add((JSON.parse(r.body) as { os: { hostname: string } }).os.hostname);
      const now = (await mesh.pods()).find((p) => p.name === victim.name);
      if (now && now.restarts >= 1 && now.ready && now.pids.echo !== pid) {
        restarted = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(failures.filter((ms) => ms > 500), `failures at ms after the kill: ${failures.join(', ')}`).toEqual([]);
    expect(restarted).toBe(true);
    expect(served.has(pods[1]!.name)).toBe(true);
    const listing = await mesh.tack(['get', 'pods', '-n', 'echo']);
    expect(listing.stdout).toMatch(new RegExp(`${victim.name}\\s+2/2\\s+Running\\s+1\\s`));
  });

  it('stops every process it started on SIGTERM', async () => {
    mesh = await startMesh(['examples/004-echo-versioned-routing']);
    const pids = (await mesh.pods()).flatMap((p) => Object.values(p.pids)).filter((p): p is number => p !== undefined);
    expect(pids.length).toBeGreaterThanOrEqual(7);
    mesh.process.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => mesh!.process.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });

  it('keeps routing with the last config when the control plane is killed', async () => {
    mesh = await startMesh(['examples/004-echo-versioned-routing']);
    const before = await httpGet(mesh.httpPort, '/echo', { host: 'echo.local' });
    expect(before.status).toBe(200);
    await mesh.killControlPlane();
    let ok = 0;
    for (let i = 0; i < 50; i++) {
      const r = await httpGet(mesh.httpPort, '/echo', { host: 'echo.local' });
      if (r.status === 200) ok++;
    }
    expect(ok).toBe(50);
    // Off-route requests still get the old config's answer.
    expect((await httpGet(mesh.httpPort, '/', { host: 'echo.local' })).status).toBe(404);
  });
});
