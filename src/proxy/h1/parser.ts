/**
 * An incremental HTTP/1.1 message parser for the proxy's lean path. It is deliberately strict: the
 * proxy sits between a client and a server that may disagree about where a message ends, so every
 * framing ambiguity Node's own parser (llhttp) refuses is refused here too — Content-Length with
 * Transfer-Encoding, duplicate or malformed Content-Length, codings other than `chunked`, bad chunk
 * sizes, obs-fold, bare CR or LF, control characters — and a few more.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { METHODS } from 'node:http';
import { headerBag } from './header-bag.js';

/** Status the server answers with when a request cannot be parsed. */
export type ParseErrorStatus = 400 | 408 | 413 | 431 | 501 | 505;

export class HttpParseError extends Error {
  constructor(
    readonly status: ParseErrorStatus,
    message: string,
  ) {
    super(message);
    this.name = 'HttpParseError';
  }
}

export interface ParsedHead {
  /** Requests only. */
  method: string;
  url: string;
  /** Responses only. */
  statusCode: number;
  statusMessage: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  versionMinor: number;
  /** Lower-cased names, duplicates combined the way Node's IncomingMessage combines them. */
  headers: IncomingHttpHeaders;
  /** Whether the connection may carry another message after this one. */
  keepAlive: boolean;
  /** Whether a body follows the head (a request with Content-Length 0 has none). */
  hasBody: boolean;
}

export interface ParserEvents {
  head(head: ParsedHead): void;
  body(chunk: Buffer): void;
  /** The message is complete; `execute` returns right after, leaving later bytes to the caller. */
  complete(): void;
}

/** Node's default `--max-http-header-size`. */
export const MAX_HEAD_BYTES = 16 * 1024;
const MAX_CHUNK_LINE = 4096;

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

const KNOWN_METHODS = new Set(METHODS);
/** An HTTP token (RFC 9110 §5.6.2): what a method or a field name may be made of. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field values: visible characters, SP, HTAB and obs-text; never CR, LF, NUL or other controls. */
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
const TARGET = /^[\x21-\x7e\x80-\xff]+$/;
/** Control characters other than HTAB, CR and LF, checked over a whole head in one pass; CR and LF are checked as lines are split. */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const STATUS = /^[1-9][0-9][0-9]$/;
const ANY_VERSION = /^HTTP\/[0-9]\.[0-9]$/;
const DIGITS = /^[0-9]+$/;
const HEX = /^[0-9a-fA-F]{1,15}$/;
const CHUNK_EXT = /^(;[^\x00-\x08\x0a-\x1f\x7f]*)?$/;

/** Headers Node keeps only the first of, rather than joining. */
const FIRST_WINS = new Set(['content-type', 'content-length', 'user-agent', 'referer', 'host', 'authorization', 'proxy-authorization', 'if-modified-since', 'if-unmodified-since', 'from', 'location', 'max-forwards', 'retry-after', 'etag', 'last-modified', 'server', 'age', 'expires']);

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/**
 * Header names seen before, validated and lower-cased: most traffic repeats a few dozen names, and
 * the cache is bounded so a peer sending endless new names only costs the regular path.
 */
const knownNames = new Map<string, string>();
const MAX_KNOWN_NAMES = 2048;

function headerName(raw: string): string {
  const known = knownNames.get(raw);
  if (known !== undefined) return known;
  if (!TOKEN.test(raw)) throw new HttpParseError(400, `invalid header name ${JSON.stringify(raw)}`);
  const lower = raw.toLowerCase();
  if (knownNames.size < MAX_KNOWN_NAMES) knownNames.set(raw, lower);
  return lower;
}

function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function hasToken(list: string, token: string): boolean {
  if (list.indexOf(',') < 0) return trimOws(list).toLowerCase() === token;
  for (const part of list.split(',')) if (trimOws(part).toLowerCase() === token) return true;
  return false;
}

/**
 * The end of the line starting at `from` in a head (which has no final CRLF): the next CR, which
 * must be followed by LF, with no LF before it.
 */
function nextLineEnd(text: string, from: number): number {
  const cr = text.indexOf('\r', from);
  const end = cr < 0 ? text.length : cr;
  if (cr >= 0 && text.charCodeAt(cr + 1) !== 10) throw new HttpParseError(400, 'CR without LF in the head');
  const lf = text.indexOf('\n', from);
  if (lf >= 0 && lf < end) throw new HttpParseError(400, 'line ending without CR');
  return end;
}

/** A LF not preceded by CR anywhere in `buf`: HTTP/1.1 lines end in CRLF, nothing else. */
function bareLf(buf: Buffer, from: number, to: number): boolean {
  let i = buf.indexOf(10, from);
  while (i >= 0 && i < to) {
    if (i === 0 || buf[i - 1] !== 13) return true;
    i = buf.indexOf(10, i + 1);
  }
  return false;
}

export class H1Parser {
  private state = State.Head;
  private pending: Buffer | undefined;
  private remaining = 0;
  /** Responses: the request was HEAD, so no body follows whatever the headers say. */
  private noBodyExpected = false;

  constructor(
    private readonly mode: 'request' | 'response',
    private readonly events: ParserEvents,
  ) {}

  /** Readies the parser for the next message; for a response, say whether it answers a HEAD request. */
  reset(headRequest = false): void {
    this.state = State.Head;
    this.noBodyExpected = headRequest;
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Consumes bytes until the current message completes (then returns how many bytes it used, so
   * pipelined bytes stay with the caller) or the data runs out (returns `data.length`).
   * Throws HttpParseError on malformed input; the connection must not be used after that.
   */
  execute(data: Buffer): number {
    let off = 0;
    while (off < data.length) {
      switch (this.state) {
        case State.Head: {
          const used = this.readHead(data, off);
          if (used < 0) return data.length;
          off = used;
          break;
        }
        case State.Length: {
          const n = Math.min(this.remaining, data.length - off);
          this.remaining -= n;
          this.events.body(data.subarray(off, off + n));
          off += n;
          if (this.remaining === 0) return this.finish(off);
          break;
        }
        case State.ChunkSize: {
          const used = this.readChunkSize(data, off);
          if (used < 0) return data.length;
          off = used;
          if ((this.state as State) === State.Done) return off;
          break;
        }
        case State.ChunkData: {
          const n = Math.min(this.remaining, data.length - off);
          this.remaining -= n;
          this.events.body(data.subarray(off, off + n));
          off += n;
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd: {
          const buf = this.take(data, off, 2);
          if (buf === undefined) return data.length;
          off = buf.next;
          if (buf.bytes[0] !== 13 || buf.bytes[1] !== 10) throw new HttpParseError(400, 'chunk data not followed by CRLF');
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          const used = this.readTrailers(data, off);
          if (used < 0) return data.length;
          return used;
        }
        case State.UntilClose:
          this.events.body(off === 0 ? data : data.subarray(off));
          return data.length;
        case State.Done:
          return off;
      }
    }
    return off;
  }

  /** The peer closed the connection: ends a message read until close, or reports a truncated one. */
  end(): 'complete' | 'truncated' | 'idle' {
    if (this.state === State.UntilClose) {
      this.state = State.Done;
      this.events.complete();
      return 'complete';
    }
    if (this.state === State.Head && this.pending === undefined) return 'idle';
    if (this.state === State.Done) return 'complete';
    return 'truncated';
  }

  private finish(off: number): number {
    this.state = State.Done;
    this.pending = undefined;
    this.events.complete();
    return off;
  }

  /** Joins a partial earlier read with the new one, up to `count` bytes. */
  private take(data: Buffer, off: number, count: number): { bytes: Buffer; next: number } | undefined {
    const have = this.pending?.length ?? 0;
    const need = count - have;
    if (data.length - off < need) {
      this.pending = this.pending ? Buffer.concat([this.pending, data.subarray(off)]) : data.subarray(off);
      return undefined;
    }
    const bytes = this.pending ? Buffer.concat([this.pending, data.subarray(off, off + need)]) : data.subarray(off, off + need);
    this.pending = undefined;
    return { bytes, next: off + need };
  }

  /** Returns the offset after the head, or -1 when more bytes are needed. */
  private readHead(data: Buffer, off: number): number {
    const base = this.pending?.length ?? 0;
    const buf = this.pending ? Buffer.concat([this.pending, data.subarray(off)]) : off === 0 ? data : data.subarray(off);
    // Tolerate empty lines before a request, as RFC 9112 §2.2 allows (a CRLF may arrive split across reads).
    let start = 0;
    if (this.mode === 'request') while (start + 1 < buf.length && buf[start] === 13 && buf[start + 1] === 10) start += 2;
    if (start === buf.length || (start === buf.length - 1 && buf[start] === 13)) {
      this.pending = start === buf.length ? undefined : buf.subarray(start);
      return -1;
    }
    const end = buf.indexOf(CRLFCRLF, Math.max(start, base - 3));
    if (end < 0) {
      if (buf.length - start > MAX_HEAD_BYTES) throw new HttpParseError(431, 'header section too large');
      if (bareLf(buf, start, buf.length)) throw new HttpParseError(400, 'line ending without CR');
      // A complete request line is judged at once: an HTTP/0.9 `GET /` would otherwise wait for a
      // head end that never comes.
      if (this.mode === 'request') {
        const lineEnd = buf.indexOf(CRLF, start);
        if (lineEnd >= 0) this.parseRequestLine(buf.toString('latin1', start, lineEnd), { method: '', url: '', statusCode: 0, statusMessage: '', versionMinor: 1, headers: {}, keepAlive: true, hasBody: false });
      }
      this.pending = buf;
      return -1;
    }
    if (end + 4 - start > MAX_HEAD_BYTES) throw new HttpParseError(431, 'header section too large');
    this.pending = undefined;
    const text = buf.toString('latin1', start, end);
    if (CONTROL.test(text)) throw new HttpParseError(400, 'control character in the head');
    this.parseHead(text);
    return off + (end + 4 - base);
  }

  private parseHead(text: string): void {
    let lineEnd = nextLineEnd(text, 0);
    const first = text.slice(0, lineEnd);
    const head: ParsedHead = { method: '', url: '', statusCode: 0, statusMessage: '', versionMinor: 1, headers: headerBag<IncomingHttpHeaders>(), keepAlive: true, hasBody: false };
    if (this.mode === 'request') this.parseRequestLine(first, head);
    else this.parseStatusLine(first, head);

    let contentLength: string | undefined;
    let transferEncoding: string | undefined;
    let connection = '';
    const headers = head.headers as Record<string, string | string[] | undefined>;
    let pos = lineEnd + 2;
    while (pos < text.length) {
      lineEnd = nextLineEnd(text, pos);
      const line = text.slice(pos, lineEnd);
      pos = lineEnd + 2;
      const c0 = line.charCodeAt(0);
      if (c0 === 32 || c0 === 9) throw new HttpParseError(400, 'obsolete line folding is not accepted');
      const colon = line.indexOf(':');
      if (colon <= 0) throw new HttpParseError(400, 'header line without a name');
      // Control characters were refused for the whole head at once.
      const name = headerName(line.slice(0, colon));
      const value = trimOws(line.slice(colon + 1));
      if (name === 'content-length') {
        if (contentLength !== undefined) throw new HttpParseError(400, 'duplicate Content-Length');
        if (!DIGITS.test(value) || value.length > 15) throw new HttpParseError(400, 'invalid Content-Length');
        contentLength = value;
      } else if (name === 'transfer-encoding') {
        if (transferEncoding !== undefined) throw new HttpParseError(501, 'more than one Transfer-Encoding header');
        transferEncoding = value;
      } else if (name === 'connection') {
        connection = connection ? `${connection},${value}` : value;
      }
      const prior = headers[name];
      if (prior === undefined) headers[name] = name === 'set-cookie' ? [value] : value;
      else if (name === 'set-cookie') (prior as string[]).push(value);
      else if (FIRST_WINS.has(name)) continue;
      else headers[name] = `${prior as string}${name === 'cookie' ? '; ' : ', '}${value}`;
    }

    if (transferEncoding !== undefined && contentLength !== undefined) throw new HttpParseError(400, 'both Content-Length and Transfer-Encoding');
    if (connection === '') head.keepAlive = head.versionMinor === 1;
    else {
      const lower = connection.toLowerCase();
      const closeRequested = lower === 'keep-alive' ? false : lower === 'close' || hasToken(lower, 'close');
      head.keepAlive = head.versionMinor === 1 ? !closeRequested : !closeRequested && hasToken(lower, 'keep-alive');
    }

    const noBody = this.mode === 'response' && (this.noBodyExpected || head.statusCode === 204 || head.statusCode === 304 || (head.statusCode >= 100 && head.statusCode < 200));
    let next: State = State.Done;
    if (noBody || (this.mode === 'request' && head.method === 'CONNECT')) {
      next = State.Done;
    } else if (transferEncoding !== undefined) {
      if (transferEncoding.toLowerCase() !== 'chunked') throw new HttpParseError(501, `unsupported Transfer-Encoding ${JSON.stringify(transferEncoding)}`);
      next = State.ChunkSize;
    } else if (contentLength !== undefined) {
      this.remaining = Number(contentLength);
      next = this.remaining === 0 ? State.Done : State.Length;
    } else if (this.mode === 'response') {
      next = State.UntilClose;
      head.keepAlive = false;
    }
    // HTTP/1.1 requires Host (RFC 9112 §3.2); Envoy and Node answer 400 without it. HTTP/1.0 may omit it.
    if (this.mode === 'request' && head.versionMinor === 1 && headers.host === undefined) throw new HttpParseError(400, 'missing Host header');
    head.hasBody = next !== State.Done;
    this.events.head(head);
    if (next === State.Done) this.finish(0);
    else this.state = next;
  }

  private parseRequestLine(line: string, head: ParsedHead): void {
    const sp1 = line.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) throw new HttpParseError(400, 'malformed request line');
    const method = line.slice(0, sp1);
    if (!KNOWN_METHODS.has(method)) throw new HttpParseError(400, `unknown method ${JSON.stringify(method)}`);
    const url = line.slice(sp1 + 1, sp2);
    if (!TARGET.test(url)) throw new HttpParseError(400, 'invalid request target');
    head.method = method;
    head.url = url;
    head.versionMinor = this.version(line.slice(sp2 + 1));
  }

  private parseStatusLine(line: string, head: ParsedHead): void {
    const sp1 = line.indexOf(' ');
    if (sp1 < 0) throw new HttpParseError(400, 'malformed status line');
    head.versionMinor = this.version(line.slice(0, sp1));
    const code = line.slice(sp1 + 1, sp1 + 4);
    if (!STATUS.test(code)) throw new HttpParseError(400, 'invalid status code');
    const rest = line.slice(sp1 + 4);
    if (rest !== '' && rest.charCodeAt(0) !== 32) throw new HttpParseError(400, 'malformed status line');
    const reason = rest.slice(1);
    head.statusCode = Number(code);
    head.statusMessage = reason;
  }

  private version(v: string): number {
    if (v === 'HTTP/1.1') return 1;
    if (v === 'HTTP/1.0') return 0;
    if (ANY_VERSION.test(v)) throw new HttpParseError(505, `unsupported version ${v}`);
    throw new HttpParseError(400, 'malformed HTTP version');
  }

  /** Reads `size[;ext]CRLF`; returns the offset after it, or -1 when more bytes are needed. */
  private readChunkSize(data: Buffer, off: number): number {
    const lf = data.indexOf(10, off);
    if (lf < 0) {
      this.pending = this.pending ? Buffer.concat([this.pending, data.subarray(off)]) : data.subarray(off);
      if (this.pending.length > MAX_CHUNK_LINE) throw new HttpParseError(400, 'chunk size line too long');
      return -1;
    }
    const lineBuf = this.pending ? Buffer.concat([this.pending, data.subarray(off, lf)]) : data.subarray(off, lf);
    this.pending = undefined;
    if (lineBuf.length === 0 || lineBuf[lineBuf.length - 1] !== 13) throw new HttpParseError(400, 'chunk size line ending without CR');
    if (lineBuf.length > MAX_CHUNK_LINE) throw new HttpParseError(400, 'chunk size line too long');
    const line = lineBuf.toString('latin1', 0, lineBuf.length - 1);
    const semi = line.indexOf(';');
    const sizeText = semi < 0 ? line : line.slice(0, semi);
    if (!HEX.test(sizeText)) throw new HttpParseError(400, `invalid chunk size ${JSON.stringify(sizeText)}`);
    if (semi >= 0 && !CHUNK_EXT.test(line.slice(semi))) throw new HttpParseError(400, 'invalid chunk extension');
    const size = parseInt(sizeText, 16);
    const next = lf + 1;
    if (size === 0) {
      this.state = State.Trailers;
      const used = this.readTrailers(data, next);
      return used < 0 ? data.length : used;
    }
    this.remaining = size;
    this.state = State.ChunkData;
    return next;
  }

  /** Trailer fields after the last chunk are checked and dropped; returns -1 when more bytes are needed. */
  private readTrailers(data: Buffer, off: number): number {
    let buf: Buffer;
    let base: number;
    if (this.pending) {
      buf = Buffer.concat([this.pending, data.subarray(off)]);
      base = this.pending.length;
    } else {
      buf = data.subarray(off);
      base = 0;
    }
    // No trailers: the last chunk is followed directly by CRLF.
    if (buf.length >= 2 && buf[0] === 13 && buf[1] === 10) {
      this.pending = undefined;
      return this.finish(off + 2 - base);
    }
    const end = buf.indexOf(CRLFCRLF);
    if (end < 0) {
      if (buf.length === 1 && buf[0] === 13) {
        this.pending = buf;
        return -1;
      }
      if (buf.length > MAX_HEAD_BYTES) throw new HttpParseError(431, 'trailer section too large');
      if (bareLf(buf, 0, buf.length)) throw new HttpParseError(400, 'line ending without CR in trailers');
      this.pending = buf;
      return -1;
    }
    if (bareLf(buf, 0, end + 4)) throw new HttpParseError(400, 'line ending without CR in trailers');
    for (const line of buf.toString('latin1', 0, end).split('\r\n')) {
      const c0 = line.charCodeAt(0);
      if (c0 === 32 || c0 === 9) throw new HttpParseError(400, 'obsolete line folding is not accepted');
      const colon = line.indexOf(':');
      if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) throw new HttpParseError(400, 'invalid trailer line');
      if (BAD_VALUE.test(trimOws(line.slice(colon + 1)))) throw new HttpParseError(400, 'invalid character in trailer');
    }
    this.pending = undefined;
    return this.finish(off + end + 4 - base);
  }
}
