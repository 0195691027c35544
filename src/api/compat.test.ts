import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderCompatibility, kindFields } from './compat.js';
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
});
