/** `tack apply` on the server: documents of kinds tack does not read are named, never dropped silently. */
import { describe, it, expect } from 'vitest';
import { ConfigStore } from '../store/index.js';
import { applyFiles } from './apply.js';

const UNKNOWN = 'apiVersion: example.com/v1\nkind: Frobnicator\nmetadata: {name: f}\nspec: {}\n';
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: s}\n  ports: [{name: http, port: 80}]\n';

describe('applyFiles', () => {
  it('applies the valid resources and warns about each ignored document', () => {
    const r = applyFiles(new ConfigStore(), { files: [{ name: 'm.yaml', text: `${SERVICE}---\n${UNKNOWN}` }] }, { runnable: false });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.changes.map((c) => `${c.kind}/${c.name} ${c.action}`)).toEqual(['Service/s created']);
    expect(r.warnings.map((w) => `${w.level} ${w.code} ${w.source?.file}:${w.source?.line} ${w.resource?.kind}/${w.resource?.name}: ${w.message}`)).toEqual([
      'Warning TK0003 m.yaml:9 Frobnicator/f: kind "Frobnicator" is not one tack reads; the document is ignored',
    ]);
  });

  it('names the ignored kinds when nothing else is left', () => {
    const r = applyFiles(new ConfigStore(), { files: [{ name: 'm.yaml', text: UNKNOWN }] }, { runnable: false });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.checks.map((c) => `${c.level}: ${c.message}`)).toEqual([
      'Warning: kind "Frobnicator" is not one tack reads; the document is ignored',
      'Error: no resources found in the given files: kind "Frobnicator" is not one tack reads',
    ]);
  });
});
