import type { IncomingMessage } from 'node:http';

/** Python's str.title(): a cased letter after an uncased character is upper-cased, others lowered. */
export function titleCase(name: string): string {
  let out = '';
  let prevCased = false;
  for (const ch of name) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    const cased = lower !== upper;
    out += cased ? (prevCased ? lower : upper) : ch;
    prevCased = cased;
  }
  return out;
}

/** Request headers as httpbin prints them: Title-Cased names, repeated headers joined by ','. */
export function httpbinHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = titleCase(raw[i] ?? '');
    const value = raw[i + 1] ?? '';
    out[name] = name in out ? `${out[name]},${value}` : value;
  }
  return out;
}

export type Args = Record<string, string | string[]>;

/** Query or form parameters; a repeated key becomes a list, as in httpbin. */
export function multiDict(params: URLSearchParams): Args {
  const out: Args = {};
  for (const [key, value] of params) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export function parsedUrl(req: IncomingMessage): URL {
  const proto = firstValue(req.headers['x-forwarded-proto']) === 'https' ? 'https' : 'http';
  const host = req.headers.host || 'localhost';
  try {
    return new URL(req.url ?? '/', `${proto}://${host}`);
  } catch {
    return new URL(`${proto}://localhost${(req.url ?? '/').startsWith('/') ? req.url : '/'}`);
  }
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.split(',')[0]?.trim().toLowerCase();
}

/** httpbin's `origin`: X-Forwarded-For when present, else the peer address. */
export function origin(req: IncomingMessage): string {
  const xff = req.headers['x-forwarded-for'];
  if (typeof xff === 'string' && xff !== '') return xff;
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

export interface BodyFields {
  data: string;
  form: Args;
  files: Record<string, string | string[]>;
  json: unknown;
}

/** Splits a request body into httpbin's `data`, `form`, `files` and `json`. */
export function bodyFields(contentType: string | undefined, body: Buffer): BodyFields {
  const type = (contentType ?? '').toLowerCase();
  const fields: BodyFields = { data: '', form: {}, files: {}, json: null };
  if (type.startsWith('application/x-www-form-urlencoded')) {
    fields.form = multiDict(new URLSearchParams(body.toString('latin1')));
    return fields;
  }
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    const b = boundary?.[1] ?? boundary?.[2];
    if (b) {
      for (const part of multipartParts(body, b.trim())) {
        const target = part.filename !== undefined ? fields.files : fields.form;
        addMulti(target, part.name, part.filename !== undefined ? asText(part.body, 'application/octet-stream') : part.body.toString('utf8'));
      }
      return fields;
    }
  }
  fields.data = asText(body, 'application/octet-stream');
  if (body.length > 0) {
    try {
      fields.json = JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      fields.json = null;
    }
  }
  return fields;
}

function addMulti(target: Args, key: string, value: string): void {
  const prev = target[key];
  target[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
}

/** UTF-8 text when the bytes are valid UTF-8, else a base64 data URL (httpbin does the same). */
function asText(body: Buffer, type: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return `data:${type};base64,${body.toString('base64')}`;
  }
}

interface Part {
  name: string;
  filename: string | undefined;
  body: Buffer;
}

function multipartParts(body: Buffer, boundary: string): Part[] {
  const parts: Part[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const chunk = body.subarray(start, next >= 2 && body.subarray(next - 2, next).toString() === '\r\n' ? next - 2 : next);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const head = chunk.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:([^\r\n]*)/i.exec(head)?.[1] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      if (name !== undefined) parts.push({ name, filename, body: chunk.subarray(headerEnd + 4) });
    }
    pos = next;
  }
  return parts;
}

/** `a=1; b=2` → `{a: '1', b: '2'}`. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      /* keep it raw */
    }
    if (key !== '') out[key] = value;
  }
  return out;
}
