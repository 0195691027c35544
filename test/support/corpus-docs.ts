/** Reading Istio's validation corpus documents and checking tack refuses them where Istio does. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { loadText, type Check, type LoadedDocument } from '../../src/api/index.js';
import { corpusPath } from './corpus.js';

export const errors = (checks: Check[]): Check[] => checks.filter((c) => c.level === 'Error');

/** The documents of a corpus file, with Istio's expected reason (`_err`) taken off each. */
export function corpusDocs(relative: string): { doc: LoadedDocument; name: string; err?: string }[] {
  const { documents, checks } = loadText(readFileSync(`${corpusPath()}/${relative}`, 'utf8'), relative);
  if (checks.length > 0) throw new Error(`${relative} does not load: ${JSON.stringify(checks)}`);
  return documents.map((doc) => {
    const value = doc.value as Record<string, unknown>;
    const err = typeof value._err === 'string' ? value._err : undefined;
    delete value._err;
    return { doc, name: String((value.metadata as { name?: unknown } | undefined)?.name), ...(err !== undefined ? { err } : {}) };
  });
}

/** True if a check at `path` is at (or inside) the field Istio's reason names. */
export function atField(path: string, field: string): boolean {
  return path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`) || path.endsWith(`.${field}`) || path.includes(`.${field}.`) || path.includes(`.${field}[`);
}

/**
 * Istio's reason names a field (`spec.hosts: Required value`) or is a sentence tack's message
 * repeats; `reasonWords` maps reasons tack words differently to the words to look for instead.
 */
export function expectRefusedLikeIstio(checks: Check[], err: string, reasonWords: Record<string, string> = {}): void {
  const errs = errors(checks);
  expect(errs.length).toBeGreaterThan(0);
  const field = /^([A-Za-z_][\w.[\]]*)(?::| in body)/.exec(err)?.[1];
  const word = (reasonWords[err] ?? err).toLowerCase();
  if (field && !reasonWords[err]) expect(errs.map((c) => c.path).some((p) => atField(p, field)), `${err} / ${JSON.stringify(errs)}`).toBe(true);
  else expect(errs.some((c) => c.message.toLowerCase().includes(word)), `${err} / ${JSON.stringify(errs)}`).toBe(true);
}
