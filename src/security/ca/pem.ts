/** PEM text <-> DER blocks. Kept tiny and strict: anything between BEGIN/END that is not base64 is an error. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const body = m[2] ?? '';
    if (!BASE64.test(body)) throw new Error(`PEM block "${m[1]}" holds characters that are not base64`);
    out.push({ label: m[1] ?? '', der: Buffer.from(body.replace(/\s+/g, ''), 'base64') });
  }
  return out;
}

/** DER of every CERTIFICATE block, in order. */
export function certificatesDer(text: string): Buffer[] {
  return pemBlocks(text).filter((b) => b.label === 'CERTIFICATE').map((b) => b.der);
}

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function certPem(der: Uint8Array): string {
  return toPem(der, 'CERTIFICATE');
}
