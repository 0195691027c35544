import { describe, it, expect } from 'vitest';
import { PeerMetadataCache, decodePeerMetadata, encodePeerMetadata, sidecarNodeId } from './peer-metadata.js';
import { decodeStruct, encodeStruct } from './proto-struct.js';
import { peerInfoFromPod } from './pod-peer-info.js';

// Sent by real Istio sidecars (quoted in public write-ups): convertWorkloadMetadataToStruct's output.
const ISTIO_AGENT =
  'ChoKCkNMVVNURVJfSUQSDBoKS3ViZXJuZXRlcwqMAQoGTEFCRUxTEoEBKn8KFwoDYXBwEhAaDnp0YS1kZW1vLWFnZW50CjMKH3NlcnZpY2UuaXN0aW8uaW8vY2Fub25pY2FsLW5hbWUSEBoOenRhLWRlbW8tYWdlbnQKLwojc2VydmljZS5pc3Rpby5pby9jYW5vbmljYWwtcmV2aXNpb24SCBoGbGF0ZXN0CikKBE5BTUUSIRofenRhLWRlbW8tYWdlbnQtNTVjOWM2ZDk1Ny1zNWZncwoaCglOQU1FU1BBQ0USDRoLenRhLXNpZGVjYXIKVgoFT1dORVISTRpLa3ViZXJuZXRlczovL2FwaXMvYXBwcy92MS9uYW1lc3BhY2VzL3p0YS1zaWRlY2FyL2RlcGxveW1lbnRzL3p0YS1kZW1vLWFnZW50CiEKDVdPUktMT0FEX05BTUUSEBoOenRhLWRlbW8tYWdlbnQ=';
const ISTIO_GATEWAY =
  'ChoKCkNMVVNURVJfSUQSDBoKS3ViZXJuZXRlcwqGAQoGTEFCRUxTEnwqegpHCh9zZXJ2aWNlLmlzdGlvLmlvL2Nhbm9uaWNhbC1uYW1lEiQaIndpbGRjYXJkLWdhdGV3YXktb3BlbnNoaWZ0LWRlZmF1bHQKLwojc2VydmljZS5pc3Rpby5pby9jYW5vbmljYWwtcmV2aXNpb24SCBoGbGF0ZXN0CjsKBE5BTUUSMxoxd2lsZGNhcmQtZ2F0ZXdheS1vcGVuc2hpZnQtZGVmYXVsdC03ZmZiYjk2Yy02NG1oNAogCglOQU1FU1BBQ0USExoRb3BlbnNoaWZ0LWluZ3Jlc3MKcAoFT1dORVISZxpla3ViZXJuZXRlczovL2FwaXMvYXBwcy92MS9uYW1lc3BhY2VzL29wZW5zaGlmdC1pbmdyZXNzL2RlcGxveW1lbnRzL3dpbGRjYXJkLWdhdGV3YXktb3BlbnNoaWZ0LWRlZmF1bHQKNQoNV09SS0xPQURfTkFNRRIkGiJ3aWxkY2FyZC1nYXRld2F5LW9wZW5zaGlmdC1kZWZhdWx0';

describe('peer metadata exchange', () => {
  it('reads the header an Istio sidecar sends', () => {
    expect(decodePeerMetadata(ISTIO_AGENT)).toEqual({
      workload: 'zta-demo-agent',
      namespace: 'zta-sidecar',
      principal: '',
      app: 'zta-demo-agent',
      version: '',
      canonicalService: 'zta-demo-agent',
      canonicalRevision: 'latest',
      cluster: 'Kubernetes',
      instance: 'zta-demo-agent-55c9c6d957-s5fgs',
      workloadType: 'deployment',
    });
  });

  it('writes the same bytes an Istio sidecar writes for the same workload', () => {
    for (const header of [ISTIO_AGENT, ISTIO_GATEWAY]) {
      const peer = decodePeerMetadata(header)!;
      expect(peer).toBeDefined();
      // Istio's gateway header is unpadded base64; ours is padded, the bytes are what must agree.
      expect(Buffer.from(encodePeerMetadata(peer), 'base64').equals(Buffer.from(header, 'base64'))).toBe(true);
    }
  });

  it('round-trips a pod through the header (the principal is not exchanged)', () => {
    const pod = peerInfoFromPod({
      name: 'reviews-v2-5d8c7b9f4-x7k2p',
      namespace: 'bookinfo',
      labels: { app: 'reviews', version: 'v2', 'pod-template-hash': '5d8c7b9f4' },
      serviceAccount: 'bookinfo-reviews',
      ownerWorkload: 'reviews-v2',
    });
    expect(decodePeerMetadata(encodePeerMetadata(pod))).toEqual({ ...pod, principal: '' });
  });

  it('keeps unicode and quotes intact', () => {
    const peer = { workload: 'w"\\\n', namespace: 'ns', principal: '', app: 'äpp', version: '💥', canonicalService: 'c', canonicalRevision: 'r', cluster: 'k' };
    expect(decodePeerMetadata(encodePeerMetadata(peer))).toEqual(peer);
  });

  it('returns undefined and never throws on hostile input', () => {
    const valid = Buffer.from(ISTIO_AGENT, 'base64');
    const hostile: string[] = [
      '',
      '!!!!',
      'not base64 at all',
      'A'.repeat(100_000),
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).toString('base64'), // overlong varint
      Buffer.from([0x0a, 0x7f, 0x01]).toString('base64'), // length past the end
      Buffer.from([0x0b]).toString('base64'), // group start wire type
      valid.subarray(0, valid.length - 3).toString('base64'), // truncated
    ];
    // Deeply nested structs: LABELS -> struct -> struct -> ... past the depth limit.
    let nested: Record<string, unknown> = { x: 'y' };
    for (let i = 0; i < 50; i++) nested = { n: nested };
    hostile.push(encodeStruct(nested as never).toString('base64'));
    for (const h of hostile) expect(() => decodePeerMetadata(h)).not.toThrow();
    for (const h of hostile.slice(0, 8)) expect(decodePeerMetadata(h)).toBeUndefined();
    expect(decodeStruct(Buffer.from(hostile[8]!, 'base64'))).toBeUndefined();

    // Random bytes: whatever they decode to, it must not throw and fields must be strings.
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
      // Flip bytes of a real header too, which keeps most of the structure.
      const flipped = Buffer.from(valid);
      flipped[Math.floor(rnd() * flipped.length)] = Math.floor(rnd() * 256);
      for (const b of [bytes, flipped]) {
        const p = decodePeerMetadata(b.toString('base64'));
        if (p) expect(typeof p.workload + typeof p.namespace + typeof p.cluster).toBe('stringstringstring');
      }
    }
  });

  it('wrong value types in the struct read as empty, not as "[object Object]"', () => {
    const v = encodeStruct({ WORKLOAD_NAME: 7, NAMESPACE: { a: 'b' }, LABELS: 'oops', CLUSTER_ID: ['x'] }).toString('base64');
    expect(decodePeerMetadata(v)).toMatchObject({ workload: '', namespace: '', app: '', cluster: '' });
  });

  it('caches decoded peers by value, frozen, with a bound', () => {
    const cache = new PeerMetadataCache(8);
    const a = cache.get(ISTIO_AGENT);
    expect(a).toBeDefined();
    expect(cache.get(ISTIO_AGENT)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(cache.get('%%%')).toBeUndefined();
    for (let i = 0; i < 100; i++) cache.get(encodePeerMetadata({ ...a!, workload: `w${i}` }));
    expect(cache.size).toBeLessThanOrEqual(8);
  });

  it('names a sidecar node as Istio does', () => {
    expect(sidecarNodeId('10.0.0.7', 'reviews-v1-abc', 'bookinfo')).toBe('sidecar~10.0.0.7~reviews-v1-abc.bookinfo~bookinfo.svc.cluster.local');
  });
});
