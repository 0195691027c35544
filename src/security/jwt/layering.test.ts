import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(here, '../..');

/** Every source file reachable from `entry` through relative imports (type imports included). */
function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) visit(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return [...seen].map((f) => relative(src, f));
}

describe('layering', () => {
  it('the engine surface (index.ts) reaches nothing in api, store or compile', () => {
    const files = reachable(join(here, 'index.ts'));
    expect(files).toContain('security/jwt/authenticator.ts');
    expect(files.filter((f) => /^(api|store|compile|push)\//.test(f))).toEqual([]);
  });

  it('the compile side is what reads the api types', () => {
    expect(reachable(join(here, 'compile.ts')).some((f) => f.startsWith('api/'))).toBe(true);
  });
});
