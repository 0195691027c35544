import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadText, loadFile, loadPaths, MAX_MANIFEST_BYTES } from './load.js';

const vs = (name: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
spec:
  hosts: [a]
`;

describe('loading manifests', () => {
  it('splits multi-document YAML and remembers each document line and field lines', () => {
    const r = loadText(`# leading comment\n${vs('one')}---\n# only a comment\n---\n${vs('two')}`, 'm.yaml');
    expect(r.checks).toEqual([]);
    expect(r.documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name)).toEqual(['one', 'two']);
    expect(r.documents[0]?.line).toBe(2);
    expect(r.documents[1]?.line).toBe(11);
    expect(r.documents[1]?.lineOf(['spec', 'hosts'])).toBe(16);
    // A missing field points at its nearest written parent.
    expect(r.documents[1]?.lineOf(['spec', 'http', 0, 'route'])).toBe(15);
  });

  it('reads JSON documents', () => {
    const r = loadText('{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}}', 'n.json');
    expect(r.checks).toEqual([]);
    expect(r.documents).toHaveLength(1);
  });

  it('expands a Kubernetes List into its items, keeping their lines', () => {
    const r = loadText(`apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: b}\n`, 'l.yaml');
    expect(r.documents).toHaveLength(2);
    expect(r.documents[1]?.line).toBe(7);
    expect(r.documents[1]?.lineOf(['metadata', 'name'])).toBe(9);
  });

  it('reports a tab used for indentation with its line', () => {
    const r = loadText('apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: x\n', 't.yaml');
    expect(r.documents).toHaveLength(0);
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0]?.source).toEqual({ file: 't.yaml', line: 4 });
    expect(r.checks[0]?.message).toMatch(/tab/i);
  });

  it('refuses duplicate keys, naming the key', () => {
    const r = loadText('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  name: y\n', 'd.yaml');
    expect(r.documents).toHaveLength(0);
    expect(r.checks[0]?.message).toMatch(/unique|duplicate/i);
    expect(r.checks[0]?.source?.line).toBe(5);
  });

  it('keeps the good documents of a file when one is broken', () => {
    const r = loadText(`${vs('good')}---\nkind: [unclosed\n---\n${vs('also-good')}`, 'p.yaml');
    expect(r.documents).toHaveLength(2);
    expect(r.checks.length).toBeGreaterThan(0);
  });

  it('refuses binary junk with one clear error', () => {
    const junk = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const r = loadText(junk, 'junk.bin');
    expect(r.documents).toHaveLength(0);
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0]?.message).toMatch(/not a text file/);
  });

  it('refuses invalid UTF-8 files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tack-load-'));
    try {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
      const r = await loadFile(file);
      expect(r.checks).toHaveLength(1);
      expect(r.checks[0]?.message).toMatch(/UTF-8/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses deeply nested documents without overflowing the stack', () => {
    const depth = 100_000;
    const r = loadText(`kind: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, 'deep.yaml');
    expect(r.documents).toHaveLength(0);
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0]?.message).toMatch(/nesting/);
  });

  it('refuses a 50 MB file before reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tack-load-'));
    try {
      const file = join(dir, 'huge.yaml');
      writeFileSync(file, Buffer.alloc(50 * 1024 * 1024, 0x61));
      const r = await loadFile(file);
      expect(r.documents).toHaveLength(0);
      expect(r.checks).toHaveLength(1);
      expect(r.checks[0]?.message).toContain(`up to ${MAX_MANIFEST_BYTES / (1024 * 1024)} MiB`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('guards against alias bombs', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    const r = loadText(lines.join('\n'), 'bomb.yaml');
    expect(r.documents).toHaveLength(0);
    expect(r.checks).toHaveLength(1);
  });

  it('reads folders recursively in name order and reports missing paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tack-load-'));
    try {
      writeFileSync(join(dir, 'b.yaml'), vs('b'));
      writeFileSync(join(dir, 'a.yml'), vs('a'));
      writeFileSync(join(dir, 'notes.txt'), 'not a manifest');
      const r = await loadPaths([dir, join(dir, 'missing.yaml')]);
      expect(r.documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name)).toEqual(['a', 'b']);
      expect(r.checks).toHaveLength(1);
      expect(r.checks[0]?.message).toMatch(/no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
