import { describe, it, expect } from 'vitest';
import { extractB3, injectB3, parseB3Single } from './b3.js';
import type { Extracted } from './context.js';
import { headerReader } from './headers.js';

const T128 = '463ac35c9f6413ad48485a3953bb6124';
const T64 = '48485a3953bb6124';
const S = 'a2fb4a1d1a96d312';
const P = '0020000000000001';

const ctx = (e: Extracted) => (e.kind === 'context' ? e.context : undefined);

describe('B3 single header', () => {
  const valid: [string, Record<string, unknown>][] = [
    [`${T128}-${S}`, { traceId: T128, spanId: S }],
    [`${T64}-${S}`, { traceId: T64, spanId: S }],
    [`${T128}-${S}-1`, { traceId: T128, spanId: S, sampled: true }],
    [`${T128}-${S}-0`, { traceId: T128, spanId: S, sampled: false }],
    [`${T128}-${S}-d`, { traceId: T128, spanId: S, sampled: true, debug: true }],
    [`${T128}-${S}-1-${P}`, { traceId: T128, spanId: S, sampled: true, parentSpanId: P }],
    [`${T64}-${S}-0-${P}`, { traceId: T64, spanId: S, sampled: false, parentSpanId: P }],
    [`${T128.toUpperCase()}-${S.toUpperCase()}-1`, { traceId: T128, spanId: S, sampled: true }],
  ];
  it.each(valid)('reads %s', (header, want) => {
    const e = parseB3Single(header);
    expect(e.kind).toBe('context');
    expect(ctx(e)).toEqual(want);
  });

  it.each([
    ['1', true, false],
    ['0', false, false],
    ['d', true, true],
  ])('a lone flag %s is a decision without a context', (header, sampled, debug) => {
    const e = parseB3Single(header);
    expect(e).toMatchObject({ kind: 'none', sampled, debug });
  });

  const malformed = [
    '',
    'x',
    '2',
    'D',
    `${T128}`,
    `${T64}-${S.slice(0, 15)}`,
    `${T128}-${S}-`,
    `${T128}-${S}-2`,
    `${T128}-${S}-11`,
    `${T128}-${S}-1-`,
    `${T128}-${S}-1-${P.slice(1)}`,
    `${T128}-${S}-1-${P}0`,
    `${T128}-${S}-1-zzzzzzzzzzzzzzzz`,
    `${T128}-${S}-${P}`,
    `${T128}x${S}`,
    `g${T128.slice(1)}-${S}`,
    `${T64}-${S.slice(0, 15)}g`,
    `${T128}-${S}-1-${P}-extra-long-tail`,
    `${T128}_${S}`,
  ];
  it.each(malformed)('refuses %j as invalid', (header) => {
    expect(parseB3Single(header).kind).toBe('invalid');
  });

  it('never throws on arbitrary input', () => {
    const alphabet = '0123456789abcdefABCDEF-dxz \u00e9';
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(rnd() * 72);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const e = parseB3Single(s);
      expect(['context', 'none', 'invalid']).toContain(e.kind);
    }
  });
});

describe('B3 multi headers', () => {
  const get = (h: Record<string, string>) => headerReader(h);

  it('reads trace, span, parent and sampled', () => {
    const e = extractB3(get({ 'x-b3-traceid': T128, 'x-b3-spanid': S, 'x-b3-parentspanid': P, 'x-b3-sampled': '1' }));
    expect(ctx(e)).toEqual({ traceId: T128, spanId: S, parentSpanId: P, sampled: true });
  });

  it('pads short hex ids to 16, as Envoy re-emits them', () => {
    const e = extractB3(get({ 'x-b3-traceid': 'abc', 'x-b3-spanid': '1' }));
    expect(ctx(e)).toEqual({ traceId: '0000000000000abc', spanId: '0000000000000001' });
  });

  it.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
    ['yes', false],
  ])('x-b3-sampled %s reads as %s', (v, sampled) => {
    expect(ctx(extractB3(get({ 'x-b3-traceid': T64, 'x-b3-spanid': S, 'x-b3-sampled': v })))?.sampled).toBe(sampled);
  });

  it('x-b3-flags: 1 is debug, which implies sampled', () => {
    const c = ctx(extractB3(get({ 'x-b3-traceid': T64, 'x-b3-spanid': S, 'x-b3-flags': '1', 'x-b3-sampled': '0' })));
    expect(c).toMatchObject({ sampled: true, debug: true });
  });

  it('a trace id without a span id is no context, but its decision is kept', () => {
    expect(extractB3(get({ 'x-b3-traceid': T64, 'x-b3-sampled': '0' }))).toMatchObject({ kind: 'none', sampled: false });
    expect(extractB3(get({}))).toMatchObject({ kind: 'none' });
  });

  it.each([
    [{ 'x-b3-traceid': 'zz', 'x-b3-spanid': S }],
    [{ 'x-b3-traceid': `${T128}0`, 'x-b3-spanid': S }],
    [{ 'x-b3-traceid': T128.slice(0, 31) + 'g', 'x-b3-spanid': S }],
    [{ 'x-b3-traceid': T64, 'x-b3-spanid': '' }],
    [{ 'x-b3-traceid': T64, 'x-b3-spanid': `${S}00` }],
    [{ 'x-b3-traceid': T64, 'x-b3-spanid': S, 'x-b3-parentspanid': 'not-hex' }],
    [{ 'x-b3-traceid': '0x1234', 'x-b3-spanid': S }],
  ])('refuses %j', (h) => {
    expect(extractB3(get(h)).kind).toBe('invalid');
  });

  it('an empty parent is ignored, as Envoy does', () => {
    expect(ctx(extractB3(get({ 'x-b3-traceid': T64, 'x-b3-spanid': S, 'x-b3-parentspanid': '' })))).toEqual({ traceId: T64, spanId: S });
  });

  it('the single header wins over the multi headers', () => {
    const e = extractB3(get({ b3: `${T128}-${S}-0`, 'x-b3-traceid': T64, 'x-b3-spanid': P, 'x-b3-sampled': '1' }));
    expect(ctx(e)).toEqual({ traceId: T128, spanId: S, sampled: false });
  });

  it('a malformed single header makes the request invalid even with good multi headers', () => {
    expect(extractB3(get({ b3: 'garbage', 'x-b3-traceid': T64, 'x-b3-spanid': S })).kind).toBe('invalid');
  });
});

describe('B3 injection', () => {
  it('writes the multi headers, and the single header only when one came in', () => {
    const out: Record<string, string> = {};
    injectB3({ traceId: T128, spanId: S, parentSpanId: P, sampled: true }, (k, v) => (out[k] = v), false);
    expect(out).toEqual({ 'x-b3-traceid': T128, 'x-b3-spanid': S, 'x-b3-parentspanid': P, 'x-b3-sampled': '1' });
    const withSingle: Record<string, string> = {};
    injectB3({ traceId: T128, spanId: S, sampled: false }, (k, v) => (withSingle[k] = v), true);
    expect(withSingle['b3']).toBe(`${T128}-${S}-0`);
    expect(withSingle['x-b3-parentspanid']).toBeUndefined();
  });

  it('single and multi forms carry the same context', () => {
    for (const debug of [false, true]) {
      const out: Record<string, string> = {};
      injectB3({ traceId: T64, spanId: S, parentSpanId: P, sampled: true, debug }, (k, v) => (out[k] = v), true);
      const fromSingle = ctx(parseB3Single(out['b3'] ?? ''));
      const { b3: _b3, ...multi } = out;
      const fromMulti = ctx(extractB3(headerReader(debug ? { ...multi, 'x-b3-flags': '1' } : multi)));
      expect(fromSingle).toEqual(fromMulti);
    }
  });
});
