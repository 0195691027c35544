import { describe, it, expect } from 'vitest';
import type { TracePropagation } from './config.js';
import { headerReader } from './headers.js';
import { extractContext, injectContext } from './propagation.js';

const T = '463ac35c9f6413ad48485a3953bb6124';
const S = 'a2fb4a1d1a96d312';
const W_T = '4bf92f3577b34da6a3ce929d0e0e4736';
const W_S = '00f067aa0ba902b7';
const b3Multi = { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' };
const tp = { traceparent: `00-${W_T}-${W_S}-01` };

function read(mode: TracePropagation, h: Record<string, string>) {
  const e = extractContext(mode, headerReader(h));
  return e.kind === 'context' ? `${e.format}:${e.context.traceId}` : e.kind;
}

describe('precedence', () => {
  const cases: [TracePropagation, Record<string, string>, string][] = [
    ['b3', { ...b3Multi, ...tp }, `b3:${T}`],
    ['b3', tp, 'none'],
    ['b3', { b3: 'bad', ...tp }, 'invalid'],
    ['w3c', { ...b3Multi, ...tp }, `w3c:${W_T}`],
    ['w3c', b3Multi, 'none'],
    ['w3c', { traceparent: 'bad', ...b3Multi }, 'invalid'],
    ['b3+w3c', { ...b3Multi, ...tp }, `b3:${T}`],
    ['b3+w3c', tp, `w3c:${W_T}`],
    ['b3+w3c', { b3: 'bad', ...tp }, `w3c:${W_T}`],
    ['b3+w3c', { b3: 'bad' }, 'invalid'],
    ['b3+w3c', { traceparent: 'bad' }, 'invalid'],
    ['b3+w3c', {}, 'none'],
  ];
  it.each(cases)('%s with %j → %s', (mode, h, want) => {
    expect(read(mode, h)).toBe(want);
  });
});

describe('injection', () => {
  it.each<[TracePropagation, string[]]>([
    ['b3', ['x-b3-parentspanid', 'x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid']],
    ['w3c', ['traceparent']],
    ['b3+w3c', ['traceparent', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid']],
  ])('%s writes %j', (mode, keys) => {
    const out: Record<string, string> = {};
    injectContext(mode, { traceId: T, spanId: S, parentSpanId: W_S, sampled: true }, headerReader({}), (k, v) => (out[k] = v));
    expect(Object.keys(out).sort()).toEqual(keys);
  });

  it('what one hop injects, the next extracts unchanged, in every mode', () => {
    for (const mode of ['b3', 'w3c', 'b3+w3c'] as const) {
      const out: Record<string, string> = {};
      injectContext(mode, { traceId: T, spanId: S, sampled: false }, headerReader({}), (k, v) => (out[k] = v));
      const e = extractContext(mode, headerReader(out));
      expect(e.kind === 'context' && { traceId: e.context.traceId, spanId: e.context.spanId, sampled: e.context.sampled }).toEqual({ traceId: T, spanId: S, sampled: false });
    }
  });
});
