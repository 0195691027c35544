/**
 * Seed 001's lock-down: an unmodified Node app calling another service by name (http.get and fetch)
 * goes through its own sidecar, so a `sourceLabels` match on the callee's VirtualService applies.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startMesh, type Mesh } from '../support/mesh.js';

describe('seed 001: sourceLabels decided by the caller’s own sidecar', () => {
  let mesh: Mesh;
  beforeAll(async () => {
    mesh = await startMesh(['examples/001-source-labels']);
  });
  afterAll(async () => {
    await mesh?.stop();
  });

  async function viaTodoui(path: string): Promise<{ status: number; body: string }> {
    // Call todoui from inside the mesh (a curl pod), so its own outbound call is what is tested.
    const r = await mesh.tack(['exec', 'deploy/curl', '--', 'curl', '-s', `http://todoui:8090${path}`]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { status: number; body: string };
  }

  it('routes todoui’s http.get call to todobackend', async () => {
    const r = await viaTodoui('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('write tests');
  });

  it('routes todoui’s fetch call to todobackend', async () => {
    const r = await viaTodoui('/fetch');
    expect(r.status).toBe(200);
    expect(r.body).toContain('todobackend-');
  });

  // Istio drops a VirtualService that has no route for the caller from that caller's config, so the
  // Service's default route serves it (route.go skips a VirtualService that yields no routes).
  it('leaves other callers the default route, as Istio does: a VirtualService does not refuse', async () => {
    const r = await mesh.tack(['exec', 'deploy/curl', '--', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://todobackend:8080/todos']);
    expect(r.stdout).toBe('200');
  });
});
