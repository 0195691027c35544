import { describe, it, expect } from 'vitest';
import { sampleSpan } from './test-support.js';
import { encodeZipkin } from './zipkin.js';

/**
 * Rules from zipkin2-api.yaml's Span definition, checked on every span we emit:
 * traceId 16 or 32 lowercase hex; id 16; parentId 16 when present, absent on roots; kind one of
 * the four; timestamp and duration integers in microseconds, duration ≥ 1; localEndpoint an
 * object whose ipv4/ipv6/port have the right form; tags string → string; debug/shared booleans.
 */
function checkZipkinSpan(s: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const hex = (v: unknown, lens: number[]) => typeof v === 'string' && lens.includes(v.length) && /^[0-9a-f]+$/.test(v);
  if (!hex(s['traceId'], [16, 32])) errors.push('traceId');
  if (!hex(s['id'], [16])) errors.push('id');
  if ('parentId' in s && !hex(s['parentId'], [16])) errors.push('parentId');
  if (!['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'].includes(s['kind'] as string)) errors.push('kind');
  if (typeof s['name'] !== 'string') errors.push('name');
  if (!Number.isInteger(s['timestamp'])) errors.push('timestamp');
  if (!Number.isInteger(s['duration']) || (s['duration'] as number) < 1) errors.push('duration');
  for (const key of ['localEndpoint', 'remoteEndpoint']) {
    const e = s[key] as Record<string, unknown> | undefined;
    if (e === undefined) continue;
    if ('ipv4' in e && !/^\d+\.\d+\.\d+\.\d+$/.test(String(e['ipv4']))) errors.push(`${key}.ipv4`);
    if ('ipv6' in e && !String(e['ipv6']).includes(':')) errors.push(`${key}.ipv6`);
    if ('port' in e && !(Number.isInteger(e['port']) && (e['port'] as number) > 0 && (e['port'] as number) < 65536)) errors.push(`${key}.port`);
  }
  const tags = s['tags'] as Record<string, unknown>;
  if (typeof tags !== 'object' || Object.values(tags).some((v) => typeof v !== 'string')) errors.push('tags');
  for (const b of ['debug', 'shared']) if (b in s && typeof s[b] !== 'boolean') errors.push(b);
  return errors;
}

describe('Zipkin v2 JSON', () => {
  it('is byte-exact: key order, optional keys left out, µs integers', () => {
    const body = encodeZipkin([sampleSpan({ durationUs: 2500.4 })]);
    expect(body).toBe(
      '[{"traceId":"463ac35c9f6413ad48485a3953bb6124","parentId":"0020000000000001","id":"a2fb4a1d1a96d312","kind":"SERVER",' +
        '"name":"reviews.default.svc.cluster.local:9080/*","timestamp":1700000000123456,"duration":2500,' +
        '"localEndpoint":{"serviceName":"reviews.default","ipv4":"10.0.0.7"},"tags":{"component":"proxy","http.status_code":"200"}}]',
    );
  });

  it('every emitted span obeys the spec rules', () => {
    const spans = [
      sampleSpan(),
      sampleSpan({ parentSpanId: undefined, traceId: '48485a3953bb6124', kind: 'CLIENT', durationUs: 0, debug: true }),
      sampleSpan({ localEndpoint: { serviceName: 'a.b', ip: 'fd00::1', port: 15001 }, remoteEndpoint: { ip: '10.1.2.3', port: 9080 }, shared: true }),
    ];
    const parsed = JSON.parse(encodeZipkin(spans)) as Record<string, unknown>[];
    expect(parsed).toHaveLength(3);
    for (const s of parsed) expect(checkZipkinSpan(s)).toEqual([]);
    expect(parsed[1]).not.toHaveProperty('parentId');
    expect(parsed[1]).toMatchObject({ duration: 1, debug: true });
    expect(parsed[2]).toMatchObject({ localEndpoint: { ipv6: 'fd00::1', port: 15001 }, remoteEndpoint: { ipv4: '10.1.2.3', port: 9080 }, shared: true });
    expect(parsed[0]).not.toHaveProperty('debug');
  });

  it('the checker itself rejects bad spans', () => {
    const bad = JSON.parse(encodeZipkin([sampleSpan()]))[0] as Record<string, unknown>;
    expect(checkZipkinSpan({ ...bad, id: 'ABC' })).toContain('id');
    expect(checkZipkinSpan({ ...bad, duration: 0 })).toContain('duration');
    expect(checkZipkinSpan({ ...bad, tags: { a: 1 } })).toContain('tags');
  });
});
