/**
 * CIDR matching for the engine without per-request allocation: IPv4 as a 32-bit number, IPv6 into
 * a scratch array. IPv4-mapped IPv6 (`::ffff:a.b.c.d`, what Node reports on dual-stack sockets)
 * is read as the IPv4 address, as Envoy sees it.
 */

const scratch = new Uint16Array(8);

/** IPv4 text → unsigned 32-bit value, or -1. */
export function ipv4Value(s: string, start = 0): number {
  let value = 0;
  let part = -1;
  let dots = 0;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (part < 0) return -1;
      value = value * 256 + part;
      part = -1;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part < 0 ? c - 48 : part * 10 + (c - 48);
      if (part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || part < 0) return -1;
  return value * 256 + part;
}

/** IPv6 text into `out` (8 groups); false if not IPv6. A trailing `%zone` is ignored. */
export function ipv6Into(s: string, out: Uint16Array): boolean {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  out.fill(0);
  let n = 0;
  let gap = -1;
  let i = 0;
  if (s.startsWith('::')) {
    gap = 0;
    i = 2;
  }
  while (i < end) {
    let v = 0;
    let digits = 0;
    const groupStart = i;
    while (i < end) {
      const c = s.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) break;
      v = v * 16 + d;
      digits++;
      i++;
    }
    if (i < end && s.charCodeAt(i) === 46) {
      const v4 = ipv4Value(s.slice(groupStart, end));
      if (v4 < 0 || n > 6) return false;
      out[n++] = v4 >>> 16;
      out[n++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4 || n >= 8) return false;
    out[n++] = v;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    }
  }
  if (gap >= 0) {
    const move = n - gap;
    for (let k = 0; k < move; k++) {
      out[7 - k] = out[n - 1 - k] as number;
      out[n - 1 - k] = 0;
    }
    for (let k = gap; k < 8 - move; k++) out[k] = 0;
  } else if (n !== 8) return false;
  return true;
}

function isMappedV4(w: Uint16Array): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff;
}

export interface Cidr {
  v6: boolean;
  bits: number;
  v4: number;
  words: Uint16Array;
}

/** `ip/bits` as built by the compiler; undefined if unreadable. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.lastIndexOf('/');
  const ip = slash < 0 ? text : text.slice(0, slash);
  const bits = slash < 0 ? (ip.includes(':') ? 128 : 32) : Number(text.slice(slash + 1));
  const v4 = ipv4Value(ip);
  if (v4 >= 0 && bits >= 0 && bits <= 32) return { v6: false, bits, v4, words: new Uint16Array(8) };
  const words = new Uint16Array(8);
  if (!ipv6Into(ip, words) || !(bits >= 0 && bits <= 128)) return undefined;
  if (isMappedV4(words) && bits >= 96) return { v6: false, bits: bits - 96, v4: words[6]! * 65536 + words[7]!, words };
  return { v6: true, bits, v4: 0, words };
}

function v4InCidr(ip: number, c: Cidr): boolean {
  if (c.bits === 0) return true;
  const shift = 32 - c.bits;
  return Math.floor(ip / 2 ** shift) === Math.floor(c.v4 / 2 ** shift);
}

/** Whether the address text lies in the block; unreadable or empty addresses never do. */
export function ipInCidr(ip: string, c: Cidr): boolean {
  if (ip === '') return false;
  const v4 = ipv4Value(ip);
  if (v4 >= 0) return !c.v6 && v4InCidr(v4, c);
  if (!ipv6Into(ip, scratch)) return false;
  if (isMappedV4(scratch)) return !c.v6 && v4InCidr(scratch[6]! * 65536 + scratch[7]!, c);
  if (!c.v6) return false;
  let left = c.bits;
  for (let k = 0; k < 8 && left > 0; k++) {
    const take = left >= 16 ? 16 : left;
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((scratch[k]! & mask) !== (c.words[k]! & mask)) return false;
    left -= take;
  }
  return true;
}
