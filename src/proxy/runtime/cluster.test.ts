/** Simulation: which endpoint does a cluster's load balancer pick? No sockets; randomness injected. */
import { describe, it, expect, afterAll } from 'vitest';
import type { ClusterConfig, ConsistentHashConfig, LbPolicy } from '../../compile/config.js';
import { RuntimeCluster, type HashInputs, type RuntimeEndpoint } from './cluster.js';
import { UpstreamHosts, type UpstreamHost } from './upstream.js';
import { systemClock } from '../clock.js';

const hosts = new UpstreamHosts(systemClock);
afterAll(() => hosts.closeAll());

const PORTS = [31001, 31002, 31003, 31004];

function clusterConfig(lb: LbPolicy, ports: readonly number[] = PORTS, consistentHash?: ConsistentHashConfig): ClusterConfig {
  return {
    name: `outbound|9080||reviews.default.svc.cluster.local`,
    service: 'reviews.default.svc.cluster.local',
    port: 9080,
    lb,
    ...(consistentHash ? { consistentHash } : {}),
    endpoints: ports.map((port) => ({ address: '127.0.0.1', port, labels: {}, sidecar: true, weight: 1 })),
  };
}

/** A random source that returns the given draws in turn, then starts over. */
function draws(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] as number;
}

function cluster(lb: LbPolicy, opts: { ports?: readonly number[]; hash?: ConsistentHashConfig; random?: () => number } = {}): RuntimeCluster {
  return new RuntimeCluster(clusterConfig(lb, opts.ports, opts.hash), hosts, { ...systemClock, random: opts.random ?? draws(0) });
}

const port = (e: RuntimeEndpoint | undefined): number | undefined => e?.host.port;
const hostAt = (p: number): UpstreamHost => hosts.get('127.0.0.1', p);

function inputs(parts: { headers?: Record<string, string>; cookies?: Record<string, string>; query?: Record<string, string>; sourceIp?: string } = {}): HashInputs {
  return {
    header: (n) => parts.headers?.[n],
    cookie: (n) => parts.cookies?.[n],
    query: (n) => parts.query?.[n],
    sourceIp: parts.sourceIp ?? '10.0.0.1',
  };
}

function resetActive(): void {
  for (const p of PORTS) hostAt(p).active = 0;
}

describe('ROUND_ROBIN', () => {
  it('cycles through the endpoints in order', () => {
    const c = cluster('ROUND_ROBIN');
    expect(Array.from({ length: 9 }, () => port(c.pick(undefined)))).toEqual([31001, 31002, 31003, 31004, 31001, 31002, 31003, 31004, 31001]);
  });

  it('ignores the random source', () => {
    const a = cluster('ROUND_ROBIN', { random: draws(0.99) });
    const b = cluster('ROUND_ROBIN', { random: draws(0) });
    const seqA = Array.from({ length: 4 }, () => port(a.pick(undefined)));
    const seqB = Array.from({ length: 4 }, () => port(b.pick(undefined)));
    expect(seqA).toEqual(seqB);
  });
});

describe('RANDOM', () => {
  it('indexes the endpoints by the random draw', () => {
    const c = cluster('RANDOM', { random: draws(0, 0.2499, 0.25, 0.5, 0.7499, 0.75, 0.9999) });
    expect(Array.from({ length: 7 }, () => port(c.pick(undefined)))).toEqual([31001, 31001, 31002, 31003, 31003, 31004, 31004]);
  });
});

describe('LEAST_REQUEST (power of two choices)', () => {
  it('of the two random choices, takes the one with fewer requests in flight', () => {
    resetActive();
    // Choices: endpoint 0 (draw 0) and endpoint 2 (draw 0.5).
    const c = cluster('LEAST_REQUEST', { random: draws(0, 0.5) });
    hostAt(31001).active = 5;
    hostAt(31003).active = 1;
    expect(port(c.pick(undefined))).toBe(31003);
    hostAt(31001).active = 0;
    expect(port(c.pick(undefined))).toBe(31001);
    resetActive();
  });

  it('a tie keeps the first choice', () => {
    resetActive();
    const c = cluster('LEAST_REQUEST', { random: draws(0.75, 0.25) });
    expect(port(c.pick(undefined))).toBe(31004);
  });

  it('only the two sampled hosts are compared (an idle third host is not seen)', () => {
    resetActive();
    const c = cluster('LEAST_REQUEST', { random: draws(0, 0.25) });
    hostAt(31001).active = 3;
    hostAt(31002).active = 2;
    // 31003 and 31004 are idle but were not sampled.
    expect(port(c.pick(undefined))).toBe(31002);
    resetActive();
  });

  it('over many picks, a busy host gets less traffic than idle ones', () => {
    resetActive();
    let seed = 7;
    const lcg = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const c = cluster('LEAST_REQUEST', { random: lcg });
    hostAt(31001).active = 10;
    const counts = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const p = port(c.pick(undefined)) as number;
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    // 31001 wins only when both choices land on it (about 1/16 of picks).
    expect(counts.get(31001) ?? 0).toBeLessThan(60);
    for (const p of [31002, 31003, 31004]) expect(counts.get(p) ?? 0).toBeGreaterThan(90);
    resetActive();
  });
});

describe('consistent hash', () => {
  const policies: { title: string; hash: ConsistentHashConfig; keyed: (k: string) => HashInputs; wrongPlace: (k: string) => HashInputs }[] = [
    { title: 'header', hash: { header: 'x-user' }, keyed: (k) => inputs({ headers: { 'x-user': k } }), wrongPlace: (k) => inputs({ cookies: { 'x-user': k } }) },
    { title: 'cookie', hash: { cookie: { name: 'session' } }, keyed: (k) => inputs({ cookies: { session: k } }), wrongPlace: (k) => inputs({ headers: { session: k } }) },
    { title: 'query parameter', hash: { queryParameter: 'user' }, keyed: (k) => inputs({ query: { user: k } }), wrongPlace: (k) => inputs({ headers: { user: k } }) },
    { title: 'source IP', hash: { sourceIp: true }, keyed: (k) => inputs({ sourceIp: k }), wrongPlace: () => inputs({ sourceIp: '10.0.0.1' }) },
  ];

  for (const p of policies) {
    describe(p.title, () => {
      it('sticks a key to one endpoint, whatever the random source and load say', () => {
        resetActive();
        let r = 0;
        const c = cluster('LEAST_REQUEST', { hash: p.hash, random: () => (r = (r + 0.37) % 1) });
        const first = port(c.pick(p.keyed('user-1')));
        expect(first).toBeDefined();
        for (let i = 0; i < 20; i++) {
          hostAt(first as number).active = i; // load does not move a hashed key
          expect(port(c.pick(p.keyed('user-1')))).toBe(first);
        }
        resetActive();
        // A second cluster object (a new config version) agrees.
        const again = cluster('ROUND_ROBIN', { hash: p.hash });
        expect(port(again.pick(p.keyed('user-1')))).toBe(first);
      });

      it('spreads different keys over all endpoints', () => {
        const c = cluster('LEAST_REQUEST', { hash: p.hash });
        const used = new Set<number>();
        for (let i = 0; i < 64; i++) used.add(port(c.pick(p.keyed(`10.1.0.${i}`))) as number);
        expect([...used].sort()).toEqual(PORTS);
      });

      if (p.title !== 'source IP') {
        it('falls back to the load balancer when the key is missing', () => {
          resetActive();
          const c = cluster('RANDOM', { hash: p.hash, random: draws(0.9, 0.1) });
          expect(port(c.pick(inputs()))).toBe(31004);
          expect(port(c.pick(inputs()))).toBe(31001);
          // The key under a different input kind does not count either.
          expect(port(c.pick(p.wrongPlace('user-1')))).toBe(31004);
        });
      }

      it('without request inputs (TCP), uses the load balancer', () => {
        const c = cluster('ROUND_ROBIN', { hash: p.hash });
        expect([port(c.pick(undefined)), port(c.pick(undefined)), port(c.pick(undefined))]).toEqual([31001, 31002, 31003]);
      });
    });
  }

  it('an endpoint removed moves only its own keys; others keep their endpoint', () => {
    const hash = { header: 'x-user' };
    const before = cluster('LEAST_REQUEST', { hash });
    const keys = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const was = new Map(keys.map((k) => [k, port(before.pick(inputs({ headers: { 'x-user': k } }))) as number]));
    const removed = 31002;
    expect([...was.values()].filter((p) => p === removed).length).toBeGreaterThan(0);
    const after = cluster('LEAST_REQUEST', { hash, ports: PORTS.filter((p) => p !== removed) });
    let moved = 0;
    for (const k of keys) {
      const now = port(after.pick(inputs({ headers: { 'x-user': k } })));
      if (was.get(k) === removed) {
        expect(now).not.toBe(removed);
        moved++;
      } else {
        expect(now, k).toBe(was.get(k));
      }
    }
    expect(moved).toBe([...was.values()].filter((p) => p === removed).length);
  });

  it('an endpoint added takes keys only for itself', () => {
    const hash = { header: 'x-user' };
    const three = cluster('LEAST_REQUEST', { hash, ports: PORTS.slice(0, 3) });
    const four = cluster('LEAST_REQUEST', { hash });
    let toNew = 0;
    for (let i = 0; i < 200; i++) {
      const inp = inputs({ headers: { 'x-user': `user-${i}` } });
      const a = port(three.pick(inp));
      const b = port(four.pick(inp));
      if (b === 31004) toNew++;
      else expect(b).toBe(a);
    }
    expect(toNew).toBeGreaterThan(0);
  });

  it('an excluded (already tried) endpoint sends the key to its next endpoint, consistently', () => {
    const c = cluster('LEAST_REQUEST', { hash: { header: 'x-user' } });
    const inp = inputs({ headers: { 'x-user': 'user-1' } });
    const first = c.pick(inp) as RuntimeEndpoint;
    const second = c.pick(inp, new Set([first.host]));
    expect(second).toBeDefined();
    expect(second?.host).not.toBe(first.host);
    expect(c.pick(inp, new Set([first.host]))?.host).toBe(second?.host);
    // Every endpoint tried: the key's own endpoint again.
    expect(c.pick(inp, new Set(c.endpoints.map((e) => e.host)))?.host).toBe(first.host);
  });
});

describe('exclude (retry to another host)', () => {
  const lbs: LbPolicy[] = ['ROUND_ROBIN', 'RANDOM', 'LEAST_REQUEST'];
  for (const lb of lbs) {
    it(`${lb}: never picks an excluded host while others exist`, () => {
      resetActive();
      let r = 0;
      const c = cluster(lb, { random: () => (r = (r + 0.13) % 1) });
      const exclude = new Set([hostAt(31001), hostAt(31003)]);
      const seen = new Set<number>();
      for (let i = 0; i < 40; i++) seen.add(port(c.pick(undefined, exclude)) as number);
      expect([...seen].sort()).toEqual([31002, 31004]);
    });

    it(`${lb}: one host left → that host`, () => {
      const c = cluster(lb, { random: draws(0, 0.99) });
      const exclude = new Set([hostAt(31001), hostAt(31002), hostAt(31003)]);
      for (let i = 0; i < 5; i++) expect(port(c.pick(undefined, exclude))).toBe(31004);
    });

    it(`${lb}: all hosts excluded → still one of them`, () => {
      const c = cluster(lb, { random: draws(0.6) });
      const exclude = new Set(PORTS.map(hostAt));
      const e = c.pick(undefined, exclude);
      expect(PORTS).toContain(port(e));
    });
  }

  it('an empty exclude set changes nothing', () => {
    const c = cluster('ROUND_ROBIN');
    expect([port(c.pick(undefined, new Set())), port(c.pick(undefined, new Set()))]).toEqual([31001, 31002]);
  });
});

describe('edge cases', () => {
  it('no endpoints → undefined (503 UH)', () => {
    for (const lb of ['ROUND_ROBIN', 'RANDOM', 'LEAST_REQUEST'] as const) {
      expect(cluster(lb, { ports: [] }).pick(undefined)).toBeUndefined();
      expect(cluster(lb, { ports: [], hash: { header: 'x' } }).pick(inputs({ headers: { x: 'k' } }))).toBeUndefined();
    }
  });

  it('a single endpoint is always picked, without drawing', () => {
    let n = 0;
    const c = cluster('RANDOM', { ports: [31001], random: () => (n++, 0.5) });
    expect(port(c.pick(undefined))).toBe(31001);
    expect(n).toBe(0);
  });

  it('endpoints share upstream hosts across cluster versions (in-flight counts carry over)', () => {
    const a = cluster('LEAST_REQUEST');
    const b = cluster('LEAST_REQUEST');
    expect(a.endpoints[1]?.host).toBe(b.endpoints[1]?.host);
  });
});
