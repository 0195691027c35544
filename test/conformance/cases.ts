/**
 * The conformance cases: raw requests a proxy must refuse, raw requests it must pass on intact, and
 * raw upstream responses it must not pass off as well framed. Every request targets `/m/<id>`,
 * `/v/<id>` or `/r/<id>` so what reached the upstream can be traced to its case; a request hidden
 * inside another one targets `/smuggled/<id>`.
 */
import type { RawClient } from './harness.js';

const HOST = 'Host: conformance.test\r\n';

export interface MalformedCase {
  id: string;
  bytes: string;
  /** What the lean codec must answer, in order; the connection must close after the last. */
  lean: number[];
  /** A different exchange than "write the bytes, wait for the close". */
  run?: (client: RawClient) => Promise<void>;
  /** The client keeps its side open after the proxy ends its own (for requests sent after a refusal). */
  allowHalfOpen?: boolean;
}

export function smuggled(id: string): string {
  return `GET /smuggled/${id} HTTP/1.1\r\n${HOST}\r\n`;
}

function get(id: string, headers = '', line = `GET /m/${id} HTTP/1.1`): string {
  return `${line}\r\n${HOST}${headers}\r\n`;
}

function post(id: string, headers: string, body: string): string {
  return `POST /m/${id} HTTP/1.1\r\n${HOST}${headers}\r\n${body}`;
}

const TE = 'Transfer-Encoding: chunked\r\n';
const HELLO_CHUNKED = '5\r\nhello\r\n0\r\n\r\n';

function chunked(id: string, body: string): string {
  return post(id, TE, body);
}

function malformed(id: string, lean: number | number[], bytes: (id: string) => string): MalformedCase {
  return { id, bytes: bytes(id), lean: Array.isArray(lean) ? lean : [lean] };
}

/** A chunk carrying `data`, so a payload can hide a whole request inside a chunked body. */
function chunk(data: string): string {
  return `${Buffer.byteLength(data, 'latin1').toString(16)}\r\n${data}\r\n`;
}

export const MALFORMED: MalformedCase[] = [
  // Content-Length with Transfer-Encoding, both orders.
  malformed('cl-te', 400, (id) => post(id, `Content-Length: 5\r\n${TE}`, '0\r\n\r\n')),
  malformed('te-cl', 400, (id) => post(id, `${TE}Content-Length: 5\r\n`, '0\r\n\r\n')),
  // Duplicate or malformed Content-Length.
  malformed('dup-cl-same', 400, (id) => post(id, 'Content-Length: 5\r\nContent-Length: 5\r\n', 'hello')),
  malformed('dup-cl-different', 400, (id) => post(id, 'Content-Length: 5\r\nContent-Length: 6\r\n', 'hello!')),
  malformed('cl-plus-sign', 400, (id) => post(id, 'Content-Length: +5\r\n', 'hello')),
  malformed('cl-minus-sign', 400, (id) => post(id, 'Content-Length: -5\r\n', 'hello')),
  malformed('cl-inner-space', 400, (id) => post(id, 'Content-Length: 1 0\r\n', 'helloworld')),
  malformed('cl-hex', 400, (id) => post(id, 'Content-Length: 0x5\r\n', 'hello')),
  malformed('cl-comma-list', 400, (id) => post(id, 'Content-Length: 5, 5\r\n', 'hello')),
  malformed('cl-trailing-letter', 400, (id) => post(id, 'Content-Length: 5a\r\n', 'hello')),
  malformed('cl-empty', 400, (id) => post(id, 'Content-Length: \r\n', '')),
  malformed('cl-overflow', 400, (id) => post(id, 'Content-Length: 99999999999999999999\r\n', 'hello')),
  // Transfer codings other than a lone `chunked`.
  malformed('te-gzip', 501, (id) => post(id, 'Transfer-Encoding: gzip\r\n', 'hello')),
  malformed('te-chunked-gzip', 501, (id) => post(id, 'Transfer-Encoding: chunked, gzip\r\n', HELLO_CHUNKED)),
  malformed('te-gzip-chunked', 501, (id) => post(id, 'Transfer-Encoding: gzip, chunked\r\n', HELLO_CHUNKED)),
  malformed('te-xchunked', 501, (id) => post(id, 'Transfer-Encoding: xchunked\r\n', HELLO_CHUNKED)),
  malformed('te-identity', 501, (id) => post(id, 'Transfer-Encoding: identity\r\n', 'hello')),
  malformed('te-chunked-twice-in-list', 501, (id) => post(id, 'Transfer-Encoding: chunked, chunked\r\n', HELLO_CHUNKED)),
  malformed('te-duplicate-header', 501, (id) => post(id, `${TE}${TE}`, HELLO_CHUNKED)),
  malformed('te-empty', 501, (id) => post(id, 'Transfer-Encoding: \r\n', HELLO_CHUNKED)),
  malformed('te-vertical-tab', 400, (id) => post(id, 'Transfer-Encoding:\x0bchunked\r\n', HELLO_CHUNKED)),
  // Bad chunk sizes and chunk framing.
  malformed('chunk-size-non-hex', 400, (id) => chunked(id, 'zz\r\nhello\r\n0\r\n\r\n')),
  malformed('chunk-size-negative', 400, (id) => chunked(id, '-5\r\nhello\r\n0\r\n\r\n')),
  malformed('chunk-size-20-hex-digits', 400, (id) => chunked(id, 'fffffffffffffffffff5\r\nhello\r\n0\r\n\r\n')),
  malformed('chunk-size-0x-prefix', 400, (id) => chunked(id, '0x5\r\nhello\r\n0\r\n\r\n')),
  malformed('chunk-size-empty', 400, (id) => chunked(id, '\r\nhello\r\n0\r\n\r\n')),
  malformed('chunk-size-space-before-crlf', 400, (id) => chunked(id, '5 \r\nhello\r\n0\r\n\r\n')),
  malformed('chunk-size-leading-space', 400, (id) => chunked(id, ' 5\r\nhello\r\n0\r\n\r\n')),
  malformed('chunk-data-missing-crlf', 400, (id) => chunked(id, '5\r\nhello0\r\n\r\n')),
  malformed('chunk-data-too-long', 400, (id) => chunked(id, '5\r\nhelloXX\r\n0\r\n\r\n')),
  malformed('chunk-ext-control-char', 400, (id) => chunked(id, '5;e\x01\r\nhello\r\n0\r\n\r\n')),
  malformed('trailer-obs-fold', 400, (id) => chunked(id, '5\r\nhello\r\n0\r\nX-Trailer: a\r\n b\r\n\r\n')),
  malformed('trailer-bare-lf', 400, (id) => chunked(id, '5\r\nhello\r\n0\r\nX-Trailer: a\n\r\n')),
  // Obsolete line folding.
  malformed('obs-fold', 400, (id) => get(id, 'X-Folded: a\r\n b\r\n')),
  malformed('obs-fold-tab', 400, (id) => get(id, 'X-Folded: a\r\n\tb\r\n')),
  malformed('obs-fold-transfer-encoding', 400, (id) => post(id, 'Transfer-Encoding:\r\n chunked\r\n', HELLO_CHUNKED)),
  malformed('whitespace-before-first-header', 400, (id) => `GET /m/${id} HTTP/1.1\r\n ${HOST}\r\n`),
  // Bare LF line endings.
  malformed('lf-request-line', 400, (id) => `GET /m/${id} HTTP/1.1\n${HOST}\r\n`),
  malformed('lf-header-line', 400, (id) => get(id, 'X-A: a\nX-B: b\r\n')),
  malformed('lf-end-of-head', 400, (id) => `GET /m/${id} HTTP/1.1\r\n${HOST}\n`),
  malformed('lf-everywhere', 400, (id) => `GET /m/${id} HTTP/1.1\nHost: conformance.test\n\n`),
  malformed('lf-chunk-size-line', 400, (id) => chunked(id, '5\nhello\r\n0\r\n\r\n')),
  malformed('lf-after-chunk-data', 400, (id) => chunked(id, '5\r\nhello\n0\r\n\r\n')),
  malformed('lf-last-chunk', 400, (id) => chunked(id, '5\r\nhello\r\n0\n\n')),
  malformed('lf-chunk-extension', 400, (id) => chunked(id, '5;ext\nhello\r\n0\r\n\r\n')),
  // Bare CR, NUL and other controls.
  malformed('cr-in-header-value', 400, (id) => get(id, 'X-Cr: a\rb\r\n')),
  malformed('cr-before-crlf', 400, (id) => get(id, 'X-Cr: a\r\r\n')),
  malformed('cr-ends-request-line', 400, (id) => `GET /m/${id} HTTP/1.1\r${HOST}\r\n`),
  malformed('nul-in-header-value', 400, (id) => get(id, 'X-Nul: a\x00b\r\n')),
  malformed('control-in-header-value', 400, (id) => get(id, 'X-Ctl: a\x01b\r\n')),
  malformed('del-in-header-value', 400, (id) => get(id, 'X-Del: a\x7fb\r\n')),
  // Header names.
  malformed('space-before-colon', 400, (id) => get(id, 'X-Test : a\r\n')),
  malformed('tab-before-colon', 400, (id) => get(id, 'X-Test\t: a\r\n')),
  malformed('space-before-colon-content-length', 400, (id) => post(id, 'Content-Length : 5\r\n', 'hello')),
  malformed('name-with-parenthesis', 400, (id) => get(id, 'X(Test): a\r\n')),
  malformed('name-with-at-sign', 400, (id) => get(id, 'X@Test: a\r\n')),
  malformed('name-with-obs-text', 400, (id) => get(id, 'X-T\xe9st: a\r\n')),
  malformed('empty-name', 400, (id) => get(id, ': a\r\n')),
  malformed('line-without-colon', 400, (id) => get(id, 'X-No-Colon\r\n')),
  // Request lines.
  malformed('double-space', 400, (id) => get(id, '', `GET  /m/${id} HTTP/1.1`)),
  malformed('trailing-space', 400, (id) => get(id, '', `GET /m/${id} HTTP/1.1 `)),
  malformed('leading-space', 400, (id) => get(id, '', ` GET /m/${id} HTTP/1.1`)),
  malformed('tab-separator', 400, (id) => get(id, '', `GET\t/m/${id} HTTP/1.1`)),
  malformed('missing-version', 400, (id) => get(id, '', `GET /m/${id}`)),
  malformed('http-2.0', 505, (id) => get(id, '', `GET /m/${id} HTTP/2.0`)),
  malformed('http-1.2', 505, (id) => get(id, '', `GET /m/${id} HTTP/1.2`)),
  malformed('lowercase-version', 400, (id) => get(id, '', `GET /m/${id} http/1.1`)),
  malformed('lowercase-method', 400, (id) => get(id, '', `get /m/${id} HTTP/1.1`)),
  malformed('unknown-method', 400, (id) => get(id, '', `FOO /m/${id} HTTP/1.1`)),
  malformed('space-in-target', 400, (id) => get(id, '', `GET /m/${id} x HTTP/1.1`)),
  malformed('control-in-target', 400, (id) => get(id, '', `GET /m/${id}\x01 HTTP/1.1`)),
  malformed('h2-preface', 400, () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  // HTTP/0.9: no version and no head after the line. It must be refused as soon as the line is in,
  // not when the head timeout ends a head that never comes (the case deadline is far shorter).
  // Node's codec differs: llhttp waits for more (no answer until its 60 s headersTimeout, then 408).
  malformed('http-0.9-request-line', 400, (id) => `GET /m/${id}\r\n`),
  // HTTP/1.1 requires Host (RFC 9112 §3.2); Envoy and Node answer 400 without it.
  malformed('missing-host-http-1.1', 400, (id) => `GET /m/${id} HTTP/1.1\r\nAccept: */*\r\n\r\n`),
  // Oversized heads.
  malformed('header-section-over-16k', 431, (id) => get(id, `X-Big: ${'a'.repeat(17 * 1024)}\r\n`)),
  malformed('many-headers-over-16k', 431, (id) => get(id, Array.from({ length: 200 }, (_, i) => `X-H${i}: ${'b'.repeat(100)}\r\n`).join(''))),
  malformed('target-over-16k', 431, (id) => get(id, '', `GET /m/${id}?${'q'.repeat(17 * 1024)} HTTP/1.1`)),
  // Classic smuggling payloads: a second request hidden where one reading of the framing puts it.
  malformed('smuggle-cl-te', 400, (id) => post(id, `Content-Length: ${5 + smuggled(id).length}\r\n${TE}`, `0\r\n\r\n${smuggled(id)}`)),
  malformed('smuggle-te-cl', 400, (id) => {
    const hidden = chunk(smuggled(id));
    return post(id, `Content-Length: ${hidden.indexOf('\r\n') + 2}\r\n${TE}`, `${hidden}0\r\n\r\n`);
  }),
  malformed('smuggle-cl-cl', 400, (id) => post(id, `Content-Length: 0\r\nContent-Length: ${smuggled(id).length}\r\n`, smuggled(id))),
  malformed('smuggle-te-te-second-header', 501, (id) => post(id, `Content-Length: 5\r\n${TE}Transfer-Encoding: cow\r\n`, `0\r\n\r\n${smuggled(id)}`)),
  malformed('smuggle-te-te-no-cl', 501, (id) => post(id, `${TE}Transfer-Encoding: x\r\n`, `0\r\n\r\n${smuggled(id)}`)),
  malformed('smuggle-te-space-before-colon', 400, (id) => post(id, `Content-Length: 5\r\nTransfer-Encoding : chunked\r\n`, `0\r\n\r\n${smuggled(id)}`)),
  malformed('smuggle-te-xchunked-with-cl', 400, (id) => post(id, `Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n`, `0\r\n\r\n${smuggled(id)}`)),
  malformed('smuggle-te-tab-with-cl', 400, (id) => post(id, `Content-Length: 5\r\nTransfer-Encoding:\tchunked\r\n`, `0\r\n\r\n${smuggled(id)}`)),
  malformed('smuggle-te-uppercase-with-cl', 400, (id) => post(id, `Content-Length: 5\r\ntransfer-encoding: CHUNKED\r\n`, `0\r\n\r\n${smuggled(id)}`)),
  malformed('smuggle-te-quoted', 501, (id) => post(id, `Transfer-Encoding: "chunked"\r\n`, `0\r\n\r\n${smuggled(id)}`)),
  malformed('smuggle-te-obs-fold', 400, (id) => post(id, `Content-Length: 5\r\nTransfer-Encoding:\r\n chunked\r\n`, `0\r\n\r\n${smuggled(id)}`)),
  malformed('smuggle-te-after-bare-lf', 400, (id) => post(id, `Content-Length: 5\r\nX-A: b\n${TE}`, `0\r\n\r\n${smuggled(id)}`)),
  malformed('smuggle-te-vertical-tab-with-cl', 400, (id) => post(id, `Content-Length: 5\r\nTransfer-Encoding: chunked\x0b\r\n`, `0\r\n\r\n${smuggled(id)}`)),
  malformed('smuggle-chunk-ext-bare-lf', 400, (id) => chunked(id, `2;\nxx\r\n${chunk(`\r\n0\r\n\r\n${smuggled(id)}`)}0\r\n\r\n`)),
  // 2^64 + the hidden request's length: a parser that wraps around reads the hidden request as a chunk.
  malformed('smuggle-chunk-size-overflow', 400, (id) => chunked(id, `1${smuggled(id).length.toString(16).padStart(16, '0')}\r\n${smuggled(id)}\r\n0\r\n\r\n`)),
  malformed('smuggle-lf-terminated-last-chunk', 400, (id) => chunked(id, `0\n\r\n${smuggled(id)}`)),
  // A valid request, then a malformed one whose tail is a request: the first is answered, the rest refused.
  {
    id: 'smuggle-pipelined-after-valid',
    bytes: `GET /m/smuggle-pipelined-after-valid/1 HTTP/1.1\r\n${HOST}\r\nGET /m/smuggle-pipelined-after-valid/2 HTTP/1.1\r\n${HOST}Content-Length: 5\r\n${TE}\r\n0\r\n\r\n${smuggled('smuggle-pipelined-after-valid')}`,
    lean: [200, 400],
  },
  // Nothing sent on a connection after its refusal may be served: the connection is done.
  {
    id: 'request-after-refusal',
    bytes: get('request-after-refusal', 'X-Test : a\r\n'),
    lean: [400],
    allowHalfOpen: true,
    run: async (client) => {
      await client.write(get('request-after-refusal', 'X-Test : a\r\n'));
      await client.responsesIn(1);
      await client.write(smuggled('request-after-refusal'));
      // Not ending our side: a proxy that closes once both sides are done would abort the request
      // before it reached the upstream, hiding whether it would have been served.
      await client.closeIn();
    },
  },
];

export interface ValidCase {
  id: string;
  /** Drives the exchange; requests target `/v/<id>...`. */
  run: (client: RawClient) => Promise<void>;
  headRequests?: number[];
  /** What both codecs must produce. */
  expect: {
    statuses: number[];
    interim?: number[];
    /** Bodies the upstream received, in the order of their targets. */
    upstreamBodies: string[];
    /** Whether the proxy closes the connection after the last response. */
    closes: boolean;
  };
  /** A request header whose value, as the upstream received it, both codecs must agree on. */
  upstreamHeader?: string;
}

function vget(target: string, headers = '', version = 'HTTP/1.1'): string {
  return `GET ${target} ${version}\r\n${HOST}${headers}\r\n`;
}

const CHUNKED_WITH_EXTENSIONS = '5;name=value\r\nhello\r\n6;x;y="z"\r\n world\r\n0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n';
const MANY_CHUNKS = `${Array.from({ length: 20 }, (_, i) => chunk(`part-${i};`)).join('')}0\r\n\r\n`;
const MANY_CHUNKS_BODY = Array.from({ length: 20 }, (_, i) => `part-${i};`).join('');

export const VALID: ValidCase[] = [
  {
    id: 'keep-alive-twice',
    run: async (c) => {
      await c.write(vget('/v/keep-alive-twice/1'));
      await c.responsesIn(1);
      await c.write(vget('/v/keep-alive-twice/2'));
      await c.responsesIn(2);
    },
    expect: { statuses: [200, 200], upstreamBodies: ['', ''], closes: false },
  },
  {
    id: 'pipelined',
    run: async (c) => {
      await c.write(vget('/v/pipelined/1') + vget('/v/pipelined/2') + vget('/v/pipelined/3'));
      await c.responsesIn(3);
    },
    expect: { statuses: [200, 200, 200], upstreamBodies: ['', '', ''], closes: false },
  },
  {
    id: 'post-content-length',
    run: async (c) => {
      await c.write(`POST /v/post-content-length HTTP/1.1\r\n${HOST}Content-Length: 11\r\n\r\nhello world`);
      await c.responsesIn(1);
    },
    expect: { statuses: [200], upstreamBodies: ['hello world'], closes: false },
  },
  {
    id: 'post-content-length-zero',
    run: async (c) => {
      await c.write(`POST /v/post-content-length-zero HTTP/1.1\r\n${HOST}Content-Length: 0\r\n\r\n`);
      await c.responsesIn(1);
    },
    expect: { statuses: [200], upstreamBodies: [''], closes: false },
  },
  {
    id: 'content-length-leading-zeros',
    run: async (c) => {
      await c.write(`POST /v/content-length-leading-zeros HTTP/1.1\r\n${HOST}Content-Length: 005\r\n\r\nhello`);
      await c.responsesIn(1);
    },
    expect: { statuses: [200], upstreamBodies: ['hello'], closes: false },
  },
  {
    id: 'chunked-extensions-trailers',
    run: async (c) => {
      await c.write(`POST /v/chunked-extensions-trailers HTTP/1.1\r\n${HOST}${TE}\r\n${CHUNKED_WITH_EXTENSIONS}`);
      await c.responsesIn(1);
    },
    expect: { statuses: [200], upstreamBodies: ['hello world'], closes: false },
  },
  {
    id: 'chunked-uppercase-hex-leading-zeros',
    run: async (c) => {
      await c.write(`POST /v/chunked-uppercase-hex-leading-zeros HTTP/1.1\r\n${HOST}Transfer-Encoding: Chunked\r\n\r\n000A\r\n0123456789\r\n0\r\n\r\n`);
      await c.responsesIn(1);
    },
    expect: { statuses: [200], upstreamBodies: ['0123456789'], closes: false },
  },
  {
    id: 'chunked-tiny-writes',
    run: async (c) => {
      await c.write(`POST /v/chunked-tiny-writes HTTP/1.1\r\n${HOST}${TE}\r\n`);
      await c.writeInPieces(MANY_CHUNKS, 3);
      await c.responsesIn(1);
    },
    expect: { statuses: [200], upstreamBodies: [MANY_CHUNKS_BODY], closes: false },
  },
  {
    id: 'chunked-byte-by-byte',
    run: async (c) => {
      await c.writeInPieces(`POST /v/chunked-byte-by-byte HTTP/1.1\r\n${HOST}${TE}\r\n${CHUNKED_WITH_EXTENSIONS}`, 1);
      await c.responsesIn(1);
    },
    expect: { statuses: [200], upstreamBodies: ['hello world'], closes: false },
  },
  {
    id: 'expect-100-continue',
    run: async (c) => {
      await c.write(`POST /v/expect-100-continue HTTP/1.1\r\n${HOST}Expect: 100-continue\r\nContent-Length: 5\r\n\r\n`);
      await c.interimIn(1);
      await c.write('hello');
      await c.responsesIn(1);
    },
    expect: { statuses: [200], interim: [100], upstreamBodies: ['hello'], closes: false },
  },
  {
    id: 'head-then-get',
    headRequests: [0],
    run: async (c) => {
      await c.write(`HEAD /v/head-then-get/1 HTTP/1.1\r\n${HOST}\r\n`);
      await c.responsesIn(1);
      await c.write(vget('/v/head-then-get/2'));
      await c.responsesIn(2);
    },
    expect: { statuses: [200, 200], upstreamBodies: ['', ''], closes: false },
  },
  {
    id: 'http-1.0',
    run: async (c) => {
      await c.write(vget('/v/http-1.0', '', 'HTTP/1.0'));
      await c.closeIn();
    },
    expect: { statuses: [200], upstreamBodies: [''], closes: true },
  },
  {
    // HTTP/1.0 may omit Host, and both codecs pass it on. (Envoy itself answers any HTTP/1.0 request
    // 426 unless accept_http_10 is set, and then wants Host or default_host_for_http_10.)
    id: 'http-1.0-without-host',
    run: async (c) => {
      await c.write('GET /v/http-1.0-without-host HTTP/1.0\r\n\r\n');
      await c.closeIn();
    },
    expect: { statuses: [200], upstreamBodies: [''], closes: true },
  },
  {
    id: 'http-1.0-keep-alive',
    run: async (c) => {
      await c.write(vget('/v/http-1.0-keep-alive/1', 'Connection: keep-alive\r\n', 'HTTP/1.0'));
      await c.responsesIn(1);
      await c.write(vget('/v/http-1.0-keep-alive/2', 'Connection: keep-alive\r\n', 'HTTP/1.0'));
      await c.responsesIn(2);
    },
    expect: { statuses: [200, 200], upstreamBodies: ['', ''], closes: false },
  },
  {
    id: 'empty-lines-before-request',
    run: async (c) => {
      await c.write(`\r\n\r\n${vget('/v/empty-lines-before-request')}`);
      await c.responsesIn(1);
    },
    expect: { statuses: [200], upstreamBodies: [''], closes: false },
  },
  {
    // The first exchange guarantees the proxy is reading this connection, so the CR and the LF
    // written next reach its parser in reads of their own.
    id: 'empty-line-split-across-writes',
    run: async (c) => {
      await c.write(vget('/v/empty-line-split-across-writes/1'));
      await c.responsesIn(1);
      await c.writeInPieces(`\r\n${vget('/v/empty-line-split-across-writes/2')}`, 1);
      await c.responsesIn(2);
    },
    expect: { statuses: [200, 200], upstreamBodies: ['', ''], closes: false },
  },
  {
    id: 'obs-text-header-value',
    upstreamHeader: 'x-obs',
    run: async (c) => {
      await c.write(vget('/v/obs-text-header-value', 'X-Obs: caf\xe9 \x80\xff\r\n'));
      await c.responsesIn(1);
    },
    expect: { statuses: [200], upstreamBodies: [''], closes: false },
  },
];

export interface ResponseCase {
  id: string;
  bytes: string;
  /** Whether the upstream closes after writing (default true). */
  close?: boolean;
  method?: 'GET' | 'HEAD';
  /** For well-framed responses: what every client must end up with. */
  valid?: { status: number; body: string };
}

const OK = 'HTTP/1.1 200 OK\r\n';

export const RESPONSES: ResponseCase[] = [
  { id: 'cl-te', bytes: `${OK}Content-Length: 5\r\n${TE}\r\n${HELLO_CHUNKED}`, close: false },
  { id: 'te-cl', bytes: `${OK}${TE}Content-Length: 5\r\n\r\n${HELLO_CHUNKED}`, close: false },
  { id: 'dup-cl-different', bytes: `${OK}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!` },
  { id: 'dup-cl-same', bytes: `${OK}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello` },
  { id: 'cl-trailing-letter', bytes: `${OK}Content-Length: 5x\r\n\r\nhello` },
  { id: 'chunk-size-non-hex', bytes: `${OK}${TE}\r\nzz\r\nhello\r\n0\r\n\r\n`, close: false },
  { id: 'chunk-size-non-hex-mid-body', bytes: `${OK}${TE}\r\n5\r\nhello\r\nzz\r\nhello\r\n0\r\n\r\n`, close: false },
  { id: 'chunk-size-20-hex-digits', bytes: `${OK}${TE}\r\nfffffffffffffffffff5\r\nhello\r\n0\r\n\r\n`, close: false },
  { id: 'chunk-data-missing-crlf', bytes: `${OK}${TE}\r\n5\r\nhelloXX0\r\n\r\n`, close: false },
  { id: 'lf-status-line', bytes: 'HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\nok' },
  { id: 'lf-header-line', bytes: `${OK}Content-Length: 2\nX-A: b\r\n\r\nok` },
  { id: 'lf-everywhere', bytes: 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok' },
  { id: 'obs-fold', bytes: `${OK}X-Folded: a\r\n b\r\nContent-Length: 2\r\n\r\nok` },
  { id: 'cr-in-header-value', bytes: `${OK}X-Cr: a\rb\r\nContent-Length: 2\r\n\r\nok` },
  { id: 'nul-in-header-value', bytes: `${OK}X-Nul: a\x00b\r\nContent-Length: 2\r\n\r\nok` },
  { id: 'space-before-colon', bytes: `${OK}Content-Length : 2\r\n\r\nok` },
  { id: 'status-four-digits', bytes: 'HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok' },
  { id: 'status-two-digits', bytes: 'HTTP/1.1 20 OK\r\nContent-Length: 2\r\n\r\nok' },
  { id: 'status-letters', bytes: 'HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\nok' },
  { id: 'status-leading-zero', bytes: 'HTTP/1.1 099 OK\r\nContent-Length: 2\r\n\r\nok' },
  { id: 'version-2.0', bytes: 'HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok' },
  { id: 'body-shorter-than-cl', bytes: `${OK}Content-Length: 10\r\n\r\nhello` },
  { id: 'chunked-cut-short', bytes: `${OK}${TE}\r\n5\r\nhello\r\n` },
  { id: 'nothing-then-close', bytes: '' },
  { id: 'te-gzip-until-close', bytes: `${OK}Transfer-Encoding: gzip\r\n\r\nhello` },
  // Well-framed responses, kept alive where framing allows so nothing leans on the close.
  { id: 'ok-content-length', bytes: `${OK}Content-Length: 5\r\n\r\nhello`, close: false, valid: { status: 200, body: 'hello' } },
  { id: 'ok-chunked', bytes: `${OK}${TE}\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`, close: false, valid: { status: 200, body: 'hello world' } },
  { id: 'ok-chunked-extensions-trailers', bytes: `${OK}${TE}\r\n${CHUNKED_WITH_EXTENSIONS}`, close: false, valid: { status: 200, body: 'hello world' } },
  { id: 'ok-close-delimited', bytes: `${OK}\r\nhello world`, valid: { status: 200, body: 'hello world' } },
  { id: 'ok-204', bytes: 'HTTP/1.1 204 No Content\r\n\r\n', close: false, valid: { status: 204, body: '' } },
  { id: 'ok-304-with-content-length', bytes: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n', close: false, valid: { status: 304, body: '' } },
  { id: 'ok-head-with-content-length', method: 'HEAD', bytes: `${OK}Content-Length: 5\r\n\r\n`, close: false, valid: { status: 200, body: '' } },
  { id: 'ok-100-continue-first', bytes: `HTTP/1.1 100 Continue\r\n\r\n${OK}Content-Length: 5\r\n\r\nhello`, close: false, valid: { status: 200, body: 'hello' } },
  { id: 'ok-103-then-head-response', method: 'HEAD', bytes: `HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n${OK}Content-Length: 5\r\n\r\n`, close: false, valid: { status: 200, body: '' } },
];
