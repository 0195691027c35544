/**
 * The README's examples are part of the product: each `sh tested` block is run as written, and each
 * `sh mesh=FOLDER` block against a mesh started from FOLDER (free ports substituted for 8080).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { REPO_ROOT } from './support/corpus.js';
import { TACK_BIN, runTack } from './support/cli.js';
import { startMesh, type Mesh } from './support/mesh.js';

interface Example {
  command: string;
  expected: string[];
  exit: number;
}

interface Block {
  mesh?: string;
  examples: Example[];
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  for (const m of markdown.matchAll(/```sh (tested|mesh=(\S+))\n([\s\S]*?)```/g)) {
    const block: Block = { ...(m[2] ? { mesh: m[2] } : {}), examples: [] };
    let current: Example | undefined;
    for (const line of (m[3] ?? '').split('\n')) {
      if (line.startsWith('$ ')) {
        current = { command: line.slice(2), expected: [], exit: 0 };
        block.examples.push(current);
      } else if (current && /^# exit \d+$/.test(line)) {
        current.exit = Number(line.slice('# exit '.length));
      } else if (current && line.trim() !== '') {
        current.expected.push(line);
      }
    }
    out.push(block);
  }
  return out;
}

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const all = blocks(readme);

/** Runs a README command line in a shell, with `npx tack` meaning the built CLI and the mesh's ports. */
function shell(command: string, mesh: Mesh): Promise<{ code: number | null; output: string }> {
  const line = command.replaceAll('npx tack', `"${process.execPath}" "${TACK_BIN}"`).replaceAll('127.0.0.1:8080', `127.0.0.1:${mesh.httpPort}`);
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line], { cwd: REPO_ROOT, env: { ...process.env, TACK_CONTROL_PORT: String(mesh.controlPort) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`"${command}" did not finish in 30 s`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('README examples', () => {
  it('has examples to run', () => {
    expect(all.flatMap((b) => b.examples).length).toBeGreaterThan(5);
  });

  const plain = all.filter((b) => !b.mesh).flatMap((b) => b.examples);
  it.each(plain.map((c) => [c.command, c] as const))('$ %s', async (_, example) => {
    const words = example.command.split(/\s+/);
    expect(words.slice(0, 2)).toEqual(['npx', 'tack']);
    const result = await runTack(words.slice(2));
    const output = result.stdout + result.stderr;
    for (const line of example.expected) expect(output).toContain(line);
    expect(result.code, output).toBe(example.exit);
  });

  const meshes: Mesh[] = [];
  afterAll(async () => {
    for (const m of meshes) await m.stop();
  });

  all
    .filter((b) => b.mesh)
    .forEach((block, i) => {
      it(`mesh block ${i + 1} (${block.mesh})`, async () => {
        const mesh = await startMesh([block.mesh as string]);
        meshes.push(mesh);
        for (const example of block.examples) {
          // The block's `tack up` line is what the harness already did.
          if (example.command.startsWith('npx tack up ')) continue;
          const { code, output } = await shell(example.command, mesh);
          for (const line of example.expected) expect(output, `$ ${example.command}`).toContain(line);
          expect(code, `$ ${example.command}\n${output}`).toBe(example.exit);
        }
        await mesh.stop();
      }, 120_000);
    });
});
