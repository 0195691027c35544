/** The bearer token every Kubernetes API request carries, made by the control plane when it starts. */
import { bearerToken } from '../http-util.js';
import { timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOKEN_FILE = 'kube-token';
const CA_FILE = 'kube-ca.crt';

/** Where `tack up` on this control port keeps its state (logs, the token). */
export function stateDirOf(controlPort: number): string {
  return join(tmpdir(), `tack-${controlPort}`);
}

export function kubeTokenPath(stateDir: string): string {
  return join(stateDir, TOKEN_FILE);
}

/** A token from 32 random bytes, written where `tack kubeconfig` finds it, readable by this user only. */
export function writeKubeToken(stateDir: string, bytes: Buffer): string {
  if (bytes.length < 32) throw new Error('a kube API token needs 32 random bytes');
  const token = bytes.toString('base64url');
  const file = kubeTokenPath(stateDir);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

export function readKubeToken(stateDir: string): string {
  return readFileSync(kubeTokenPath(stateDir), 'utf8').trim();
}

/** Whether `Authorization: Bearer <token>` names this token (compared in constant time). */
export function authorized(header: string | undefined, token: string | undefined): boolean {
  const presented = bearerToken(header);
  if (token === undefined || token === '' || presented === undefined) return false;
  const given = Buffer.from(presented);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** The certificate kubectl is to trust for the API's HTTPS, beside the token. */
export function writeKubeCa(stateDir: string, certPem: string): void {
  writeFileSync(join(stateDir, CA_FILE), certPem, { mode: 0o644 });
}

export function readKubeCa(stateDir: string): string | undefined {
  try {
    return readFileSync(join(stateDir, CA_FILE), 'utf8');
  } catch {
    return undefined;
  }
}
