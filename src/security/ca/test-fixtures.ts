/** Helpers for this folder's tests only: temp dirs, the openssl CLI and a CA shared per test file. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSelfSignedRoot } from './root-ca.js';
import { openSigningCa, type SigningCa } from './signing-ca.js';

export const ALICE = { trustDomain: 'cluster.local', namespace: 'shop', serviceAccount: 'alice' };
export const BOB = { trustDomain: 'cluster.local', namespace: 'shop', serviceAccount: 'bob' };

export function tempDir(prefix = 'tack-ca-'): { dir: string; file(name: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs openssl and returns stdout (stderr folded in, so failures are readable). */
export function openssl(args: string[], cwd?: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fast EC root for tests that are not about the root's own shape. */
export async function testCa(now: number): Promise<SigningCa> {
  return openSigningCa(await createSelfSignedRoot({ now, keyType: 'ec-p256' }), now);
}
