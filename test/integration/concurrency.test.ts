/** `tack up --proxy-concurrency 2`: each proxy runs two worker processes sharing its listeners. */
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { startMesh, httpGet, load, type Mesh } from '../support/mesh.js';

function childrenOf(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)]).stdout.toString();
  return out.split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
}

describe('proxy workers', () => {
  let mesh: Mesh;
  beforeAll(async () => {
    mesh = await startMesh(['examples/004-echo-versioned-routing'], { extraArgs: ['--proxy-concurrency', '2'] });
  });
  afterAll(async () => {
    await mesh?.stop();
  });

  it('runs two workers per proxy and serves through them', async () => {
    const gateway = (await mesh.pods()).find((p) => p.namespace === 'istio-system')!;
    expect(childrenOf(gateway.pids['istio-proxy']!)).toHaveLength(2);
    const results = await load(200, 8, () => httpGet(mesh.httpPort, '/echo', { host: 'echo.local' }));
    expect(results.filter((r) => r instanceof Error || r.status !== 200)).toEqual([]);
    const status = await mesh.tack(['proxy-status']);
    expect(status.stdout).not.toMatch(/STALE|NACK/);
  });
});
