/**
 * The CLI at its edges, without a mesh: `-f` with http(s) URLs (a real server on 127.0.0.1), and
 * output whose reader goes away early (`tack ... | head -1`).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runTack, TACK_BIN } from './support/cli.js';
import { listen } from './support/ports.js';
import { REPO_ROOT } from './support/corpus.js';
import { readManifestTexts, loadPaths, MAX_MANIFEST_BYTES } from '../src/api/yaml/load.js';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{name: http, port: 80}]}\n';
const BAD_WEIGHT = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web}\nspec:\n  hosts: [web]\n  http:\n  - route:\n    - destination: {host: web}\n      weight: -1\n';

describe('-f with an http(s) URL', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/web.yaml') res.writeHead(200, { 'content-type': 'application/yaml' }).end(SERVICE);
      else if (req.url === '/bad.yaml') res.writeHead(200).end(BAD_WEIGHT);
      else if (req.url === '/moved') res.writeHead(302, { location: '/web.yaml' }).end();
      else if (req.url === '/huge.yaml') {
        // No content-length: the bound must hold while the body streams in.
        res.writeHead(200);
        const chunk = Buffer.alloc(1024 * 1024, 0x23);
        let sent = 0;
        const more = (): void => {
          while (sent < MAX_MANIFEST_BYTES + 2 * chunk.length) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        res.on('error', () => undefined);
        more();
      } else res.writeHead(404, 'Not Found').end('no such manifest');
    });
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reads a manifest over HTTP, following redirects, for apply and delete', async () => {
    const direct = await readManifestTexts([`${base}/web.yaml`]);
    expect(direct).toEqual({ files: [{ name: `${base}/web.yaml`, text: SERVICE }], checks: [] });
    const moved = await readManifestTexts([`${base}/moved`]);
    expect(moved.files.map((f) => f.text)).toEqual([SERVICE]);
  });

  it('names the URL and the status when the server does not answer 2xx', async () => {
    const { files, checks } = await readManifestTexts([`${base}/missing.yaml`]);
    expect(files).toEqual([]);
    expect(checks).toEqual([{ code: 'TK0002', level: 'Error', path: '', message: 'cannot read: the server answered 404 Not Found', source: { file: `${base}/missing.yaml`, line: 0 } }]);
  });

  it('refuses a body over the manifest size bound', async () => {
    const { checks } = await loadPaths([`${base}/huge.yaml`]);
    expect(checks[0]?.message).toMatch(/^cannot read: more than 8\.\d MiB; tack reads manifest files up to 8 MiB$/);
    expect(checks[0]?.source?.file).toBe(`${base}/huge.yaml`);
  });

  it('tack analyze -f URL reads it and names the URL as the file', async () => {
    const ok = await runTack(['analyze', '-f', `${base}/web.yaml`]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('✔ No validation issues found when analyzing 1 resources in 1 files.\n');
    const bad = await runTack(['analyze', '-f', `${base}/bad.yaml`]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`Error [IST0106] ${base}/bad.yaml:9 (VirtualService default/web) spec.http[0].route[0].weight: weight must not be negative`);
    const missing = await runTack(['analyze', '-f', `${base}/missing.yaml`]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`Error [TK0002] ${base}/missing.yaml cannot read: the server answered 404 Not Found`);
  });

  it('tack up -f URL reports what it cannot read and starts nothing', async () => {
    const r = await runTack(['up', '-f', `${base}/missing.yaml`, '--control-port', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${base}/missing.yaml cannot read: the server answered 404 Not Found`);
  });
});

describe('output closed early', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tack-pipe-'));
    // Thousands of findings: far more output than a pipe holds, so writes go on after `head` left.
    writeFileSync(join(dir, 'many.yaml'), Array.from({ length: 600 }, (_, i) => BAD_WEIGHT.replace('name: web', `name: web-${i}`)).join('---\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits quietly when stdout is closed after the first line, as kubectl does', async () => {
    const file = join(dir, 'many.yaml');
    const child = spawn('sh', ['-c', `"${process.execPath}" "${TACK_BIN}" analyze -f "${file}" -o json | head -1`], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await new Promise<void>((resolve) => child.on('close', () => resolve()));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(stdout).toBe('[\n');
    expect(stderr).toBe('');
  });
});
