/**
 * Trace and span ids, lowercase hex, drawn from an injected source of uniform numbers in [0, 1)
 * so tests can fix them. 32 bits per draw: a double carries 53, so each draw is exact.
 */
export type Random = () => number;

function hex32(random: Random): string {
  return (Math.floor(random() * 0x1_0000_0000) >>> 0).toString(16).padStart(8, '0');
}

const ZERO16 = '0000000000000000';

/** A 64-bit id as 16 hex. Never all zeros: W3C and Zipkin both read zero as "no id". */
export function newSpanId(random: Random): string {
  const id = hex32(random) + hex32(random);
  return id === ZERO16 ? '0000000000000001' : id;
}

/** A trace id: 32 hex (128-bit, Istio's default) or 16 hex with `enable64bitTraceId`. */
export function newTraceId(random: Random, bits128: boolean): string {
  return bits128 ? newSpanId(random) + newSpanId(random) : newSpanId(random);
}

/** Lowercase hex of exactly `len` characters (upper case is accepted on input, as Envoy does). */
export function isHex(s: string, len: number): boolean {
  if (s.length !== len) return false;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const lower = c >= 97 && c <= 102;
    const upper = c >= 65 && c <= 70;
    if (!digit && !lower && !upper) return false;
  }
  return true;
}

export function isAllZeros(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false;
  return true;
}

/** A 32-hex trace id for formats that need 128 bits (W3C, OTLP): 64-bit ids are left-padded. */
export function traceId128(traceId: string): string {
  return traceId.padStart(32, '0');
}
