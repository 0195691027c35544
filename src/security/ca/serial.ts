import { randomBytes as nodeRandomBytes } from 'node:crypto';

export type RandomBytes = (n: number) => Uint8Array;
export const defaultRandomBytes: RandomBytes = (n) => nodeRandomBytes(n);

/** 128 random bits, as Istio's CA draws them; the encoder drops leading zeros and keeps it positive. */
export function randomSerialHex(randomBytes: RandomBytes = defaultRandomBytes): string {
  return Buffer.from(randomBytes(16)).toString('hex');
}

/** Lower-case hex without leading zeros: Go's `%x` of a big.Int, which istioctl prints. */
export function serialForDisplay(hex: string): string {
  const s = hex.toLowerCase().replace(/^0+/, '');
  return s === '' ? '0' : s;
}

/** X.509 times have whole seconds; truncating up front keeps what we return equal to what is encoded. */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
