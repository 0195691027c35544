/**
 * Just enough protobuf to read and write `google.protobuf.Struct`, the payload of Istio's
 * `x-envoy-peer-metadata` header. Writing is deterministic (map keys sorted bytewise, as protobuf's
 * deterministic mode does), so our bytes match an Istio sidecar's for the same fields. Reading
 * checks every length against the buffer and returns undefined on anything malformed.
 */

export type StructValue = null | number | string | boolean | StructValue[] | { [key: string]: StructValue };
export type StructFields = { [key: string]: StructValue };

const MAX_DEPTH = 8;

// ---- writing ----

function varint(out: number[], n: number): void {
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function lengthDelimited(out: number[], field: number, bytes: ArrayLike<number>): void {
  varint(out, (field << 3) | 2);
  varint(out, bytes.length);
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
}

function encodeValue(v: StructValue): number[] {
  const out: number[] = [];
  if (v === null) {
    out.push((1 << 3) | 0, 0);
  } else if (typeof v === 'number') {
    out.push((2 << 3) | 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    out.push(...b);
  } else if (typeof v === 'string') {
    lengthDelimited(out, 3, Buffer.from(v, 'utf8'));
  } else if (typeof v === 'boolean') {
    out.push((4 << 3) | 0, v ? 1 : 0);
  } else if (Array.isArray(v)) {
    const list: number[] = [];
    for (const item of v) lengthDelimited(list, 1, encodeValue(item));
    lengthDelimited(out, 6, list);
  } else {
    lengthDelimited(out, 5, encodeStructBytes(v));
  }
  return out;
}

function encodeStructBytes(fields: StructFields): number[] {
  const out: number[] = [];
  const keys = Object.keys(fields).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const k of keys) {
    const entry: number[] = [];
    lengthDelimited(entry, 1, Buffer.from(k, 'utf8'));
    lengthDelimited(entry, 2, encodeValue(fields[k]!));
    lengthDelimited(out, 1, entry);
  }
  return out;
}

export function encodeStruct(fields: StructFields): Buffer {
  return Buffer.from(encodeStructBytes(fields));
}

// ---- reading ----

class Malformed extends Error {}

class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  more(): boolean {
    return this.pos < this.end;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Malformed();
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new Malformed();
  }
  /** A sub-range [start, end) for a length-delimited field. */
  bytes(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    if (len > this.end - start) throw new Malformed();
    this.pos = start + len;
    return [start, start + len];
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.advance(8);
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.advance(4);
    else throw new Malformed(); // groups and unknown wire types
  }
  private advance(n: number): void {
    if (n > this.end - this.pos) throw new Malformed();
    this.pos += n;
  }
}

function readStruct(buf: Buffer, start: number, end: number, depth: number): StructFields {
  if (depth > MAX_DEPTH) throw new Malformed();
  const r = new Reader(buf, start, end);
  const out: StructFields = Object.create(null) as StructFields;
  while (r.more()) {
    const tag = r.varint();
    if (tag >>> 3 === 1 && (tag & 7) === 2) {
      const [es, ee] = r.bytes();
      const e = new Reader(buf, es, ee);
      let key = '';
      let value: StructValue = null;
      while (e.more()) {
        const t = e.varint();
        if (t === ((1 << 3) | 2)) {
          const [ks, ke] = e.bytes();
          key = buf.toString('utf8', ks, ke);
        } else if (t === ((2 << 3) | 2)) {
          const [vs, ve] = e.bytes();
          value = readValue(buf, vs, ve, depth + 1);
        } else e.skip(t & 7);
      }
      out[key] = value;
    } else r.skip(tag & 7);
  }
  return out;
}

function readValue(buf: Buffer, start: number, end: number, depth: number): StructValue {
  if (depth > MAX_DEPTH) throw new Malformed();
  const r = new Reader(buf, start, end);
  let value: StructValue = null;
  while (r.more()) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === 0) {
      r.varint();
      value = null;
    } else if (field === 2 && wire === 1) {
      if (r.end - r.pos < 8) throw new Malformed();
      value = buf.readDoubleLE(r.pos);
      r.pos += 8;
    } else if (field === 3 && wire === 2) {
      const [s, e] = r.bytes();
      value = buf.toString('utf8', s, e);
    } else if (field === 4 && wire === 0) {
      value = r.varint() !== 0;
    } else if (field === 5 && wire === 2) {
      const [s, e] = r.bytes();
      value = readStruct(buf, s, e, depth + 1);
    } else if (field === 6 && wire === 2) {
      const [s, e] = r.bytes();
      const list: StructValue[] = [];
      const lr = new Reader(buf, s, e);
      while (lr.more()) {
        const t = lr.varint();
        if (t === ((1 << 3) | 2)) {
          const [is, ie] = lr.bytes();
          list.push(readValue(buf, is, ie, depth + 1));
        } else lr.skip(t & 7);
      }
      value = list;
    } else r.skip(wire);
  }
  return value;
}

/** The fields of a serialized Struct, or undefined if the bytes are not one. Never throws. */
export function decodeStruct(buf: Buffer): StructFields | undefined {
  try {
    return readStruct(buf, 0, buf.length, 0);
  } catch (e) {
    if (e instanceof Malformed || e instanceof RangeError) return undefined;
    return undefined;
  }
}
