import { describe, it, expect } from 'vitest';
import { decideSampling, newRequestId, prepareRequestId, requestIdInteger, traceReasonOf, withTraceReason, type SamplingSettings } from './request-id.js';

const settings = (random: number, over: Partial<SamplingSettings> = {}): SamplingSettings => ({ randomSamplingPercent: random, clientSamplingPercent: 100, overallSamplingPercent: 100, useRequestIdForTraceSampling: true, ...over });
/** A UUID whose first 8 hex digits are `head` and whose character 14 is `c14`. */
const uuid = (head: number, c14 = '4') => `${head.toString(16).padStart(8, '0')}-0000-${c14}000-8000-000000000000`;
const never = () => 0.999999;

describe('x-request-id trace reason (character 14)', () => {
  it.each([
    ['9', 'sampling'],
    ['a', 'service-forced'],
    ['b', 'client-forced'],
    ['4', 'not-traceable'],
    ['c', 'not-traceable'],
  ])('%s reads as %s', (c, reason) => {
    expect(traceReasonOf(uuid(1, c))).toBe(reason);
  });

  it('ids that are not 36 characters carry no reason and are not rewritten', () => {
    expect(traceReasonOf('abc')).toBe('not-traceable');
    expect(withTraceReason('abc', 'sampling')).toBe('abc');
  });

  it('writes the reason into character 14 only', () => {
    const id = uuid(0x1234, '4');
    const marked = withTraceReason(id, 'sampling');
    expect(marked[14]).toBe('9');
    expect(marked.slice(0, 14) + marked.slice(15)).toBe(id.slice(0, 14) + id.slice(15));
  });

  it('the sampling integer is the first 8 hex digits', () => {
    expect(requestIdInteger(uuid(0xdeadbeef))).toBe(0xdeadbeef);
    expect(requestIdInteger('short')).toBeUndefined();
    expect(requestIdInteger('zzzzzzzz-0000')).toBeUndefined();
  });
});

describe('sampling decision', () => {
  it('samples when id % 10000 is under percent × 100 (1% → 0..99)', () => {
    expect(decideSampling(settings(1), { requestId: uuid(10000 + 99), clientTraceId: false, forceTrace: false }, never)).toMatchObject({ reason: 'sampling', traced: true });
    expect(decideSampling(settings(1), { requestId: uuid(10000 + 100), clientTraceId: false, forceTrace: false }, never)).toMatchObject({ reason: 'not-traceable', traced: false });
    expect(decideSampling(settings(0.01), { requestId: uuid(0), clientTraceId: false, forceTrace: false }, never).traced).toBe(true);
    expect(decideSampling(settings(0.01), { requestId: uuid(1), clientTraceId: false, forceTrace: false }, never).traced).toBe(false);
    expect(decideSampling(settings(100), { requestId: uuid(9999), clientTraceId: false, forceTrace: false }, never).traced).toBe(true);
    expect(decideSampling(settings(0), { requestId: uuid(0), clientTraceId: false, forceTrace: false }, never).traced).toBe(false);
  });

  it('writes the decision into the id it forwards', () => {
    const d = decideSampling(settings(1), { requestId: uuid(5), clientTraceId: false, forceTrace: false }, never);
    expect(d.requestId?.[14]).toBe('9');
  });

  it('a reason already in the id stands, whatever the percentage', () => {
    const d = decideSampling(settings(0), { requestId: uuid(5000, '9'), clientTraceId: false, forceTrace: false }, never);
    expect(d).toMatchObject({ reason: 'sampling', traced: true, requestId: uuid(5000, '9') });
  });

  it('x-client-trace-id forces (b), then x-envoy-force-trace (a)', () => {
    expect(decideSampling(settings(0), { requestId: uuid(5000), clientTraceId: true, forceTrace: true }, never)).toMatchObject({ reason: 'client-forced', traced: true });
    expect(decideSampling(settings(0), { requestId: uuid(5000), clientTraceId: false, forceTrace: true }, never).requestId?.[14]).toBe('a');
  });

  it('overall sampling caps even forced traces, on id % 100', () => {
    const d = decideSampling(settings(100, { overallSamplingPercent: 50 }), { requestId: uuid(60), clientTraceId: false, forceTrace: true }, never);
    expect(d).toMatchObject({ reason: 'not-traceable', traced: false });
    expect(d.requestId?.[14]).toBe('4');
  });

  it('a missing or corrupt id is never traced', () => {
    expect(decideSampling(settings(100), { requestId: undefined, clientTraceId: false, forceTrace: false }, never).traced).toBe(false);
    expect(decideSampling(settings(100), { requestId: 'nothex!!', clientTraceId: false, forceTrace: false }, never).traced).toBe(false);
  });

  it('without request-id sampling the draw comes from the random source and the id is untouched', () => {
    const off = settings(1, { useRequestIdForTraceSampling: false });
    const id = uuid(5);
    expect(decideSampling(off, { requestId: id, clientTraceId: false, forceTrace: false }, () => 0.0099)).toMatchObject({ traced: true, requestId: id });
    expect(decideSampling(off, { requestId: id, clientTraceId: false, forceTrace: false }, () => 0.01).traced).toBe(false);
  });

  it('the default 1% samples about 1% of fresh ids', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let n = 0;
    for (let i = 0; i < 20000; i++) if (decideSampling(settings(1), { requestId: newRequestId(rnd), clientTraceId: false, forceTrace: false }, rnd).traced) n++;
    expect(n).toBeGreaterThan(120);
    expect(n).toBeLessThan(280);
  });
});

describe('request ids', () => {
  it('generates RFC 4122 version-4 UUIDs from the random source', () => {
    let i = 0;
    const draws = [0.1, 0.9, 0.5, 0.3];
    const id = newRequestId(() => draws[i++ % draws.length] ?? 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(traceReasonOf(id)).toBe('not-traceable');
  });

  it('keeps, generates or replaces as Envoy does', () => {
    const rnd = () => 0.5;
    const mine = uuid(7, '9');
    expect(prepareRequestId(mine, false, false, rnd)).toBe(mine);
    expect(prepareRequestId(undefined, false, false, rnd)).toMatch(/^[0-9a-f-]{36}$/);
    expect(prepareRequestId(mine, true, false, rnd)).not.toBe(mine);
    expect(prepareRequestId(mine, true, true, rnd)).toBe(withTraceReason(mine, 'not-traceable'));
  });
});
