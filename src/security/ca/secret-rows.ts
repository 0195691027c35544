/**
 * What `istioctl proxy-config secret` shows for a proxy: one row for the workload certificate
 * (`default`, "Cert Chain", its first certificate) and one for the trust bundle (`ROOTCA`, "CA", its
 * first certificate), plus bare rows for secrets still WARMING. Serial numbers are lower-case hex
 * without leading zeros, times RFC 3339 in UTC to the second; VALID CERT is "now inside the validity".
 * The JSON form follows the shape of Envoy's SecretsConfigDump that `-o json` prints.
 */
import { X509Certificate as NodeCert } from 'node:crypto';
import { certificatesDer } from './pem.js';
import { serialForDisplay } from './serial.js';

export interface SecretRow {
  resourceName: string;
  type: 'Cert Chain' | 'CA' | '';
  status: 'ACTIVE' | 'WARMING';
  validCert: boolean;
  /** Empty for WARMING rows, as istioctl leaves those cells out. */
  serialNumber: string;
  notAfter: string;
  notBefore: string;
}

export interface SecretInput {
  /** The workload's chain (leaf first), PEM. */
  certChainPem?: string;
  /** The trust bundle, PEM. */
  rootPem?: string;
  /** Names of secrets asked for but not delivered yet (e.g. `kubernetes://my-credential`). */
  warming?: readonly string[];
  now: number;
}

export const SECRET_TABLE_HEADER = ['RESOURCE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'] as const;

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function rowFor(resourceName: string, type: 'Cert Chain' | 'CA', pem: string, now: number): SecretRow | undefined {
  const der = certificatesDer(pem)[0];
  if (!der) return undefined;
  const c = new NodeCert(der);
  const from = Date.parse(c.validFrom);
  const to = Date.parse(c.validTo);
  return {
    resourceName,
    type,
    status: 'ACTIVE',
    validCert: now > from && now < to,
    serialNumber: serialForDisplay(c.serialNumber),
    notAfter: rfc3339(to),
    notBefore: rfc3339(from),
  };
}

export function secretRows(input: SecretInput): SecretRow[] {
  const rows: SecretRow[] = (input.warming ?? []).map((resourceName) => ({
    resourceName, type: '', status: 'WARMING', validCert: false, serialNumber: '', notAfter: '', notBefore: '',
  }));
  const leaf = input.certChainPem ? rowFor('default', 'Cert Chain', input.certChainPem, input.now) : undefined;
  const root = input.rootPem ? rowFor('ROOTCA', 'CA', input.rootPem, input.now) : undefined;
  if (leaf) rows.push(leaf);
  if (root) rows.push(root);
  return rows;
}

function cells(r: SecretRow): string[] {
  const head = [r.resourceName, r.type, r.status, String(r.validCert)];
  return r.status === 'WARMING' ? head : [...head, r.serialNumber, r.notAfter, r.notBefore];
}

/**
 * Go tabwriter layout as istioctl configures it (padding 5, spaces): every cell but a line's last is
 * padded to its column's widest cell + 5; the last cell of a line is written as is.
 */
export function formatSecretTable(rows: readonly SecretRow[]): string {
  const lines: string[][] = [[...SECRET_TABLE_HEADER], ...rows.map(cells)];
  const widths: number[] = [];
  for (const line of lines) {
    line.slice(0, -1).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length + 5);
    });
  }
  return lines.map((line) => line.map((cell, i) => (i < line.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join('')).join('\n') + '\n';
}

export interface SecretDump {
  '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump';
  dynamicActiveSecrets: Array<{ name: string; lastUpdated?: string; secret: Record<string, unknown> }>;
  dynamicWarmingSecrets?: Array<{ name: string; versionInfo: string; secret: Record<string, unknown> }>;
}

const SECRET_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The `-o json` form: PEMs as base64 `inlineBytes`, the private key redacted as Envoy does. */
export function secretDump(input: SecretInput & { lastUpdated?: number }): SecretDump {
  const lastUpdated = input.lastUpdated === undefined ? {} : { lastUpdated: new Date(input.lastUpdated).toISOString() };
  const active: SecretDump['dynamicActiveSecrets'] = [];
  if (input.certChainPem) {
    active.push({
      name: 'default',
      ...lastUpdated,
      secret: { '@type': SECRET_TYPE, name: 'default', tlsCertificate: { certificateChain: { inlineBytes: b64(input.certChainPem) }, privateKey: { inlineBytes: b64('[redacted]') } } },
    });
  }
  if (input.rootPem) {
    active.push({ name: 'ROOTCA', ...lastUpdated, secret: { '@type': SECRET_TYPE, name: 'ROOTCA', validationContext: { trustedCa: { inlineBytes: b64(input.rootPem) } } } });
  }
  const dump: SecretDump = { '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump', dynamicActiveSecrets: active };
  if (input.warming?.length) dump.dynamicWarmingSecrets = input.warming.map((name) => ({ name, versionInfo: 'uninitialized', secret: { '@type': SECRET_TYPE, name } }));
  return dump;
}
