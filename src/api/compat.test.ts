import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { renderCompatibility, kindFields, supportFor } from './compat.js';
import { FIELD_SUPPORT } from './support.js';
import { KINDS, kindInfo } from './kinds/index.js';

describe('docs/compatibility.md', () => {
  it('is generated from the current schemas and support table (run `npm run docs:compat`)', () => {
    const committed = readFileSync(new URL('../../docs/compatibility.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderCompatibility());
  });

  it('lists every field of every kind', () => {
    const doc = renderCompatibility();
    for (const info of KINDS) {
      expect(doc).toContain(`## ${info.kind}`);
      for (const f of kindFields(info.schema)) expect(doc).toContain(`| \`${f.path}\``);
    }
  });

  it('claims support only for fields that exist', () => {
    for (const [kind, table] of Object.entries(FIELD_SUPPORT)) {
      const info = kindInfo(kind);
      expect(info, `unknown kind ${kind} in support table`).toBeDefined();
      const paths = new Set(kindFields(info!.schema).map((f) => f.path));
      for (const path of Object.keys(table)) expect(paths.has(path), `${kind} ${path}`).toBe(true);
    }
  });

  it('backs every "yes" and "partial" with a test that exists: the file, and a test in it with that title', () => {
    const root = new URL('../../', import.meta.url);
    const missing: string[] = [];
    for (const [kind, table] of Object.entries(FIELD_SUPPORT)) {
      for (const [path, support] of Object.entries(table)) {
        if (support.effect === 'no') continue;
        const ref = support.test;
        if (!ref) {
          missing.push(`${kind} ${path}: no test named`);
          continue;
        }
        const file = new URL(ref.file, root);
        if (!existsSync(file)) missing.push(`${kind} ${path}: ${ref.file} does not exist`);
        else if (!readFileSync(file, 'utf8').includes(ref.title)) missing.push(`${kind} ${path}: ${ref.file} has no test "${ref.title}"`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('marks pending (warned about) only what does not take effect', () => {
    for (const [kind, table] of Object.entries(FIELD_SUPPORT)) {
      // A field that works for some values (partial) may still warn about the others.
      for (const [path, support] of Object.entries(table)) if (support.pending) expect(support.effect, `${kind} ${path}`).not.toBe('yes');
    }
  });

  it.each([
    ['VirtualService', 'spec.http[].route[].weight'],
    ['VirtualService', 'spec.http[].route[].destination.host'],
    ['VirtualService', 'spec.http[].match[].uri.prefix'],
    ['VirtualService', 'spec.http[].match[].headers{}.exact'],
    ['VirtualService', 'spec.http[].match[].sourceLabels'],
    ['VirtualService', 'spec.http[].mirrors[].percentage'],
    ['DestinationRule', 'spec.subsets[].labels'],
    ['DestinationRule', 'spec.subsets[].name'],
    ['ServiceEntry', 'spec.ports[].number'],
    ['Sidecar', 'spec.workloadSelector.labels'],
    ['Sidecar', 'spec.egress[].hosts'],
  ])('%s %s takes effect: a field inside a list inherits from the list, not from what holds it', (kind, path) => {
    expect(supportFor(kind, path).effect).toBe('yes');
  });

  it.each([
    ['DestinationRule', 'spec.trafficPolicy.tunnel'],
    ['DestinationRule', 'spec.subsets[].trafficPolicy.tunnel.protocol'],
    ['Gateway', 'spec.servers[].bind'],
    ['Sidecar', 'spec.egress[].bind'],
  ])('%s %s does not take effect', (kind, path) => {
    expect(supportFor(kind, path).effect).toBe('no');
  });
});
