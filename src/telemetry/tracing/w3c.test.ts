import { describe, it, expect } from 'vitest';
import type { Extracted } from './context.js';
import { headerReader } from './headers.js';
import { extractW3C, injectW3C, parseTraceparent } from './w3c.js';

const TID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SID = '00f067aa0ba902b7';
const ctx = (e: Extracted) => (e.kind === 'context' ? e.context : undefined);

describe('traceparent', () => {
  it.each([
    [`00-${TID}-${SID}-01`, true],
    [`00-${TID}-${SID}-00`, false],
    [`00-${TID}-${SID}-03`, true],
    [`00-${TID}-${SID}-02`, false],
    [`01-${TID}-${SID}-09`, true],
  ])('%s: sampled is flags bit 0 (%s)', (tp, sampled) => {
    expect(ctx(parseTraceparent(tp, undefined))).toEqual({ traceId: TID, spanId: SID, sampled });
  });

  it('upper-case hex is accepted and lowered, as Envoy does', () => {
    expect(ctx(parseTraceparent(`00-${TID.toUpperCase()}-${SID.toUpperCase()}-01`, undefined))).toMatchObject({ traceId: TID, spanId: SID });
  });

  it.each([
    ['too short', `00-${TID}-${SID}-1`],
    ['too long (future fields are not taken)', `00-${TID}-${SID}-01-extra`],
    ['wrong separators', `00_${TID}_${SID}_01`],
    ['shifted separator', `000${TID}-${SID.slice(1)}--01`],
    ['non-hex', `00-${TID.slice(0, 31)}g-${SID}-01`],
    ['non-hex version', `zz-${TID}-${SID}-01`],
    ['version ff', `ff-${TID}-${SID}-01`],
    ['zero trace id', `00-${'0'.repeat(32)}-${SID}-01`],
    ['zero parent id', `00-${TID}-${'0'.repeat(16)}-01`],
    ['empty', ''],
  ])('refuses %s', (_why, tp) => {
    expect(parseTraceparent(tp, undefined).kind).toBe('invalid');
  });

  it('carries tracestate only with a valid traceparent', () => {
    expect(ctx(extractW3C(headerReader({ traceparent: `00-${TID}-${SID}-01`, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' })))?.tracestate).toBe('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
    expect(extractW3C(headerReader({ tracestate: 'congo=t61rcWkgMzE' }))).toEqual({ kind: 'none' });
  });

  it('injects version 00 with the sampled bit, padding 64-bit trace ids', () => {
    const out: Record<string, string> = {};
    injectW3C({ traceId: 'a3ce929d0e0e4736', spanId: SID, sampled: false, tracestate: 'x=1' }, (k, v) => (out[k] = v));
    expect(out).toEqual({ traceparent: `00-0000000000000000a3ce929d0e0e4736-${SID}-00`, tracestate: 'x=1' });
    const back = ctx(parseTraceparent(out['traceparent'] ?? '', undefined));
    expect(back).toEqual({ traceId: '0000000000000000a3ce929d0e0e4736', spanId: SID, sampled: false });
  });
});
