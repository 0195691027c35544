/** The README's examples are part of the product: each `sh tested` block is run as written. */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './support/corpus.js';
import { runTack } from './support/cli.js';

interface Example {
  command: string;
  expected: string[];
  exit: number;
}

function examples(markdown: string): Example[] {
  const out: Example[] = [];
  const blocks = markdown.matchAll(/```sh tested\n([\s\S]*?)```/g);
  for (const block of blocks) {
    let current: Example | undefined;
    for (const line of (block[1] ?? '').split('\n')) {
      if (line.startsWith('$ ')) {
        current = { command: line.slice(2), expected: [], exit: 0 };
        out.push(current);
      } else if (current && /^# exit \d+$/.test(line)) {
        current.exit = Number(line.slice('# exit '.length));
      } else if (current && line.trim() !== '') {
        current.expected.push(line);
      }
    }
  }
  return out;
}

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const cases = examples(readme);

describe('README examples', () => {
  it('has examples to run', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.command, c] as const))('$ %s', async (_, example) => {
    const words = example.command.split(/\s+/);
    expect(words.slice(0, 2)).toEqual(['npx', 'tack']);
    const result = await runTack(words.slice(2));
    const output = result.stdout + result.stderr;
    for (const line of example.expected) expect(output).toContain(line);
    expect(result.code, output).toBe(example.exit);
  });
});
