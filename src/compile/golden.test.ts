/** Golden files: manifests in, every proxy's compiled config out. `UPDATE_GOLDEN=1` rewrites the outputs. */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { stringify } from 'yaml';
import { compileProxyConfig } from './index.js';
import { meshFromYaml } from '../../test/support/mesh-fixture.js';

const dir = new URL('./testdata/', import.meta.url);
const cases = readdirSync(dir).filter((f) => f.endsWith('.in.yaml')).map((f) => f.slice(0, -'.in.yaml'.length)).sort();

function render(input: string): string {
  const { store } = meshFromYaml(input);
  const snapshot = store.snapshot();
  const out: Record<string, unknown> = {};
  for (const w of [...snapshot.workloads].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))) {
    const { version: _version, ...config } = compileProxyConfig(snapshot, w);
    out[`${w.name}.${w.namespace}`] = config;
  }
  return stringify(out, { sortMapEntries: false, lineWidth: 0, aliasDuplicateObjects: false });
}

describe('compiler golden files', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));

  it.each(cases)('%s', (name) => {
    const input = readFileSync(new URL(`${name}.in.yaml`, dir), 'utf8');
    const outFile = new URL(`${name}.out.yaml`, dir);
    const actual = render(input);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(outFile, actual);
    expect(existsSync(outFile), `missing ${name}.out.yaml: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(actual).toBe(readFileSync(outFile, 'utf8'));
  });
});
