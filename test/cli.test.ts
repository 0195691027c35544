/** The `tack` command as a user runs it: version, help, and analyze's outputs and exit codes. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTack } from './support/cli.js';
import { startMesh, type Mesh } from './support/mesh.js';
import { REPO_ROOT } from './support/corpus.js';

const pkg = JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { version: string };

describe('tack command', () => {
  it('prints its version', async () => {
    const r = await runTack(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('lists its commands in --help', async () => {
    const r = await runTack(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('analyze');
  });

  it('analyze -o json prints findings for tools', async () => {
    const r = await runTack(['analyze', '-o', 'json', '-f', 'docs/examples/bad-weight.yaml']);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(findings[0]).toEqual({
      code: 'IST0106',
      level: 'Error',
      message: 'weight must not be negative (got number -10)',
      resource: { kind: 'VirtualService', namespace: 'default', name: 'reviews' },
      file: 'docs/examples/bad-weight.yaml',
      line: 15,
      path: 'spec.http[0].route[0].weight',
    });
  });

  it('analyze reads standard input with -f -', async () => {
    const yaml = 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80}]\n';
    const r = await runTack(['analyze', '-f', '-'], { input: yaml });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No validation issues found');
  });

  it('analyze exits 1 on a file that does not exist, naming it', async () => {
    const r = await runTack(['analyze', '-f', 'no/such/file.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no/such/file.yaml');
    expect(r.stdout).toContain('no such file or directory');
  });

  it('analyze refuses an unknown output format', async () => {
    const r = await runTack(['analyze', '-o', 'xml', '-f', 'docs/examples/bad-weight.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown output format "xml"');
  });
});

describe('documents of a kind tack does not read, and what it does not enforce yet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tack-ignored-'));
  const telemetry = 'apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata: {name: mesh-default, namespace: istio-system}\nspec:\n  accessLogging: [{providers: [{name: envoy}]}]\n';
  const wasm = 'apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: auth}\nspec: {url: oci://example/auth}\n';
  const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {MODE: canary}\n';
  const only = join(dir, 'only-ignored.yaml');
  const mixed = join(dir, 'mixed.yaml');
  writeFileSync(only, `${telemetry}---\n${wasm}`);
  writeFileSync(mixed, `${configMap}---\n${telemetry}`);
  const telemetryWarning = (file: string, line: number): string => `Warning [TK0003] ${file}:${line} (Telemetry istio-system/mesh-default) kind "Telemetry" is not one tack reads; the document is ignored`;
  let mesh: Mesh | undefined;

  beforeAll(async () => {
    mesh = await startMesh([mixed, 'docs/examples/https-redirect.yaml']);
  });
  afterAll(async () => {
    await mesh?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('up names each ignored document and each resource it does not enforce, and starts the rest', () => {
    const out = mesh?.output() ?? '';
    expect(out).toContain(telemetryWarning(mixed, 6));
    expect(out).toContain('Warning [TK0004] docs/examples/https-redirect.yaml:11 (Gateway default/todo-gateway) spec.servers[0].tls: httpsRedirect is accepted but not enforced yet');
  });

  it('up with nothing it reads names the ignored kinds and starts nothing', async () => {
    const r = await runTack(['up', '-f', only, '--control-port', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(telemetryWarning(only, 1));
    expect(r.stderr).toContain(`Warning [TK0003] ${only}:7 (WasmPlugin default/auth) kind "WasmPlugin" is not one tack reads; the document is ignored`);
    expect(r.stderr).toContain(`tack up: no resources tack reads in the given files; ignored 2 documents of a kind tack does not read: Telemetry (${only}:1), WasmPlugin (${only}:7)`);
  });

  it('apply warns about each ignored document and applies the rest (exit 0)', async () => {
    const r = await mesh!.tack(['apply', '-f', mixed]);
    expect(r.stderr).toContain(telemetryWarning(mixed, 6));
    expect(r.stdout).toContain('configmap/settings unchanged');
    expect(r.code).toBe(0);
  });

  it('apply of nothing it reads fails, naming the ignored kinds', async () => {
    const r = await mesh!.tack(['apply', '-f', only]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(telemetryWarning(only, 1));
    expect(r.stderr).toContain(`no resources tack reads in the given files; ignored 2 documents of a kind tack does not read: Telemetry (${only}:1), WasmPlugin (${only}:7)`);
  });

  it('apply warns once per resource it does not enforce, with exit 0', async () => {
    const r = await mesh!.tack(['apply', '-f', 'docs/examples/https-redirect.yaml']);
    expect(r.stderr.match(/TK0004/g)).toHaveLength(1);
    expect(r.stderr).toContain('(Gateway default/todo-gateway) spec.servers[0].tls: httpsRedirect is accepted but not enforced yet');
    expect(r.code).toBe(0);
  });
});
