import { loadText, validateDocuments, type Check } from '../../src/api/index.js';

/** Validates one YAML text the way `tack apply` and `tack analyze` do; returns the findings. */
export function validateYaml(text: string, file = 'test.yaml'): { checks: Check[]; kinds: string[] } {
  const loaded = loadText(text, file);
  const validated = validateDocuments(loaded.documents);
  return { checks: [...loaded.checks, ...validated.checks], kinds: validated.resources.map((r) => r.kind) };
}

export function errorsOf(text: string): Check[] {
  return validateYaml(text).checks.filter((c) => c.level === 'Error');
}

/** Indents a YAML fragment to sit under `spec:`. */
export function specDoc(apiVersion: string, kind: string, spec: string, name = 'test'): string {
  const body = spec
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${body}\n`;
}

/** One row of a table of invalid inputs: where validation must refuse it, and a word of why. */
export interface InvalidCase {
  name: string;
  yaml: string;
  path: string;
  reason: RegExp;
}
