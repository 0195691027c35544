/**
 * The parser sees messages in whatever pieces TCP delivers: every way of cutting a message must
 * give the same head, body and end as reading it whole, and pipelined messages must stay apart.
 */
import { describe, it, expect } from 'vitest';
import { H1Parser, HttpParseError, type ParsedHead } from './parser.js';

interface Parsed {
  heads: Pick<ParsedHead, 'method' | 'url' | 'statusCode' | 'statusMessage' | 'versionMinor' | 'headers' | 'keepAlive' | 'hasBody'>[];
  bodies: string[];
  completed: number;
}

/** Feeds `pieces` one after another, starting each next message where the previous one ended. */
function parse(mode: 'request' | 'response', pieces: readonly Buffer[], headRequest = false): Parsed {
  const out: Parsed = { heads: [], bodies: [], completed: 0 };
  let body = '';
  const parser = new H1Parser(mode, {
    head: (h) => out.heads.push({ method: h.method, url: h.url, statusCode: h.statusCode, statusMessage: h.statusMessage, versionMinor: h.versionMinor, headers: { ...h.headers }, keepAlive: h.keepAlive, hasBody: h.hasBody }),
    body: (c) => (body += c.toString('latin1')),
    complete: () => {
      out.bodies.push(body);
      body = '';
      out.completed++;
    },
  });
  parser.reset(headRequest);
  for (const piece of pieces) {
    let rest = piece;
    while (rest.length > 0) {
      const used = parser.execute(rest);
      rest = rest.subarray(used);
      if (parser.done) parser.reset(headRequest);
    }
  }
  // A body read until close ends here; any other state is left as it is.
  parser.end();
  return out;
}

function splits(message: Buffer): Buffer[][] {
  const ways: Buffer[][] = [[message]];
  for (let i = 1; i < message.length; i++) ways.push([message.subarray(0, i), message.subarray(i)]);
  ways.push([...message].map((b) => Buffer.from([b])));
  return ways;
}

const REQUESTS: Record<string, string> = {
  'GET with headers': 'GET /a?b=c HTTP/1.1\r\nHost: x\r\nX-Multi: 1\r\nx-multi: 2\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n',
  'POST with Content-Length': 'POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world',
  'chunked with extension and trailer': 'POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n',
  'empty lines before the request': '\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n',
  'HTTP/1.0 keep-alive': 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
  'two pipelined': 'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc',
};

const RESPONSES: Record<string, string> = {
  'Content-Length': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello',
  'chunked': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  '1xx then 204': 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
  'until close': 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it',
};

describe('H1Parser reads the same message however it is cut', () => {
  it.each(Object.entries(REQUESTS))('request: %s', (_name, text) => {
    const message = Buffer.from(text, 'latin1');
    const whole = parse('request', [message]);
    expect(whole.completed).toBeGreaterThan(0);
    for (const pieces of splits(message)) expect(parse('request', pieces), `cut into ${pieces.length} pieces at ${pieces[0]?.length}`).toEqual(whole);
  });

  it.each(Object.entries(RESPONSES))('response: %s', (_name, text) => {
    const message = Buffer.from(text, 'latin1');
    const whole = parse('response', [message]);
    expect(whole.completed).toBeGreaterThan(0);
    for (const pieces of splits(message)) expect(parse('response', pieces), `cut into ${pieces.length} pieces at ${pieces[0]?.length}`).toEqual(whole);
  });
});

describe('H1Parser results', () => {
  it('combines duplicate headers as Node does: joined, cookies with "; ", set-cookie as a list, first Host wins', () => {
    const r = parse('request', [Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nX-M: 1\r\nX-M: 2\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n')]);
    expect(r.heads[0]?.headers).toEqual({ host: 'a', 'x-m': '1, 2', cookie: 'a=1; b=2' });
    const s = parse('response', [Buffer.from('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n')]);
    expect(s.heads[0]?.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('keeps pipelined requests apart and returns at the end of each', () => {
    const r = parse('request', [Buffer.from(REQUESTS['two pipelined'] as string)]);
    expect(r.heads.map((h) => `${h.method} ${h.url}`)).toEqual(['GET /1', 'POST /2']);
    expect(r.bodies).toEqual(['', 'abc']);
  });

  it('reads no body for a HEAD response, 204 or 304, whatever the headers say', () => {
    expect(parse('response', [Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n')], true).bodies).toEqual(['']);
    expect(parse('response', [Buffer.from('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n')]).bodies).toEqual(['']);
  });

  it('refuses HTTP/1.1 without Host (HTTP/1.0 may omit it), and an HTTP/0.9 request line as soon as it is complete', () => {
    expect(() => parse('request', [Buffer.from('GET / HTTP/1.1\r\nAccept: */*\r\n\r\n')])).toThrow(/missing Host header/);
    expect(parse('request', [Buffer.from('GET / HTTP/1.0\r\n\r\n')]).heads).toHaveLength(1);
    // No head end has arrived (and none will): the request line alone is refused.
    expect(() => parse('request', [Buffer.from('GET /\r\n')])).toThrow(HttpParseError);
    // A complete, valid request line with the rest of the head still to come is fine.
    expect(parse('request', [Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n')]).heads).toHaveLength(0);
  });

  it('decides keep-alive from the version and Connection', () => {
    const keep = (text: string, mode: 'request' | 'response' = 'request') => parse(mode, [Buffer.from(text)]).heads[0]?.keepAlive;
    expect(keep('GET / HTTP/1.1\r\nHost: a\r\n\r\n')).toBe(true);
    expect(keep('GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n')).toBe(false);
    expect(keep('GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade, close\r\n\r\n')).toBe(false);
    expect(keep('GET / HTTP/1.0\r\n\r\n')).toBe(false);
    expect(keep('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n')).toBe(true);
    expect(keep('HTTP/1.1 200 OK\r\n\r\nbody', 'response')).toBe(false);
  });

  it.each([
    ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    ['a coding other than chunked', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 501],
    ['a chunk size that is not hex', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
    ['obs-fold', 'GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n', 400],
    ['a bare LF', 'GET / HTTP/1.1\nHost: x\r\n\r\n', 400],
    ['a head over 16 KiB', `GET / HTTP/1.1\r\nX: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 431],
    ['HTTP/2.0', 'GET / HTTP/2.0\r\n\r\n', 505],
  ])('refuses %s with %i', (_name, text, status) => {
    let caught: unknown;
    try {
      parse('request', [Buffer.from(text)]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(HttpParseError);
    expect((caught as HttpParseError).status).toBe(status);
  });
});
