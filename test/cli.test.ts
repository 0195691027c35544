/** The `tack` command as a user runs it: version, help, and analyze's outputs and exit codes. */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { runTack } from './support/cli.js';
import { REPO_ROOT } from './support/corpus.js';

const pkg = JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { version: string };

describe('tack command', () => {
  it('prints its version', async () => {
    const r = await runTack(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('up names a document of a kind it does not read, and refuses to start with nothing else', async () => {
    const r = await runTack(['up', '-f', '-', '--control-port', '1'], { input: 'apiVersion: example.com/v1\nkind: Frobnicator\nmetadata: {name: f}\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Warning [TK0003]');
    expect(r.stderr).toContain('tack up: no resources found in the given files: kind "Frobnicator" is not one tack reads');
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
