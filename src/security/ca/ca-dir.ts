/**
 * The CA on disk, in Istio's `cacerts` layout. `loadCaDir` reads a user's `--ca-dir` (plugged-in or
 * intermediate CA); `loadOrCreateCa` makes a self-signed root in a state directory on first use and
 * reuses it afterwards. Keys are written 0600 and every file lands whole (temp file + rename).
 */
import { mkdir, readFile, rename, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { CaError } from './errors.js';
import { CA_FILE_NAMES, openSigningCa, type SigningCa } from './signing-ca.js';
import { createSelfSignedRoot, type RootOptions } from './root-ca.js';
import type { CaFiles } from './config.js';

type Key = keyof CaFiles;
const KEYS = Object.keys(CA_FILE_NAMES) as Key[];

function pathsIn(dir: string): Record<Key, string> {
  return Object.fromEntries(KEYS.map((k) => [k, join(dir, CA_FILE_NAMES[k])])) as Record<Key, string>;
}

async function readOne(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CaError('missing', `${path}: file is missing`, path);
    throw new CaError('unreadable', `${path}: cannot be read (${code ?? (e as Error).message})`, path);
  }
}

/** Reads and checks a `cacerts` directory; errors carry the full path of the file at fault. */
export async function loadCaDir(dir: string, now: number): Promise<SigningCa> {
  const paths = pathsIn(dir);
  const files = {} as CaFiles;
  for (const k of KEYS) files[k] = await readOne(paths[k]);
  return openSigningCa(files, now, paths);
}

async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode });
  await rename(tmp, path);
}

export async function writeCaDir(dir: string, files: CaFiles): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = pathsIn(dir);
  // The key goes first so a crash never leaves a certificate whose key is lost.
  await writeAtomic(paths.caKeyPem, files.caKeyPem, 0o600);
  await writeAtomic(paths.certChainPem, files.certChainPem, 0o644);
  await writeAtomic(paths.rootCertPem, files.rootCertPem, 0o644);
  await writeAtomic(paths.caCertPem, files.caCertPem, 0o644);
}

export interface LoadOrCreateResult {
  ca: SigningCa;
  created: boolean;
}

/** ca-cert.pem is written last, so its presence means a complete CA is there. */
export async function loadOrCreateCa(stateDir: string, opts: RootOptions): Promise<LoadOrCreateResult> {
  const certPath = join(stateDir, CA_FILE_NAMES.caCertPem);
  const exists = await access(certPath).then(() => true, () => false);
  if (exists) return { ca: await loadCaDir(stateDir, opts.now), created: false };
  const files = await createSelfSignedRoot(opts);
  await writeCaDir(stateDir, files);
  return { ca: await openSigningCa(files, opts.now, pathsIn(stateDir)), created: true };
}
