/** `tack up` refuses to start on bad input and says where the problem is; nothing is left running. */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { runTack } from '../support/cli.js';
import { freePort } from '../support/mesh.js';

describe('tack up refuses bad input', () => {
  it('names the file, line, resource and field of an invalid manifest in a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tack-bad-'));
    try {
      writeFileSync(join(dir, 'good.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80}]\n');
      writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web}\nspec:\n  hosts: [web]\n  http:\n  - route:\n    - destination: {host: web}\n      weight: -1\n');
      const port = await freePort();
      const r = await runTack(['up', '-f', dir, '--control-port', String(port)], { timeoutMs: 20_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${join(dir, 'bad.yaml')}:9`);
      expect(r.stderr).toContain('VirtualService default/web');
      expect(r.stderr).toContain('spec.http[0].route[0].weight');
      expect(r.stderr).toContain('nothing was started');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an image it cannot run, naming the Deployment and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tack-img-'));
    try {
      writeFileSync(join(dir, 'app.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop}\nspec:\n  selector: {matchLabels: {app: shop}}\n  template:\n    metadata: {labels: {app: shop}}\n    spec:\n      containers:\n      - name: shop\n        image: example.com/shop:1.0\n');
      const r = await runTack(['up', '-f', dir, '--control-port', String(await freePort())], { timeoutMs: 20_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Deployment default/shop');
      expect(r.stderr).toContain('example.com/shop:1.0');
      expect(r.stderr).toContain('Add a `command`');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says which port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await runTack(['up', '-f', 'examples/000-traffic-shifting', '--control-port', String(await freePort()), '--http-port', String(busy)], { timeoutMs: 20_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`port ${busy} on 127.0.0.1 is already in use (--http-port)`);
    } finally {
      blocker.close();
    }
  });
});
