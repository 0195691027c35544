/** Locality failover and slow start in endpoint picking. */
import { describe, it, expect } from 'vitest';
import type { ClusterConfig, EndpointConfig } from '../../compile/config.js';
import { RuntimeCluster } from './cluster.js';
import { UpstreamHosts } from './upstream.js';
import { ManualClock, type Clock } from '../clock.js';

const ep = (port: number, locality?: string): EndpointConfig => ({ address: '127.0.0.1', port, labels: {}, sidecar: true, weight: 1, ...(locality ? { locality } : {}) });

/** A manual clock whose draws cycle through 0, 0.1, ..., 0.9. */
function cyclingClock(): ManualClock {
  let i = 0;
  return Object.assign(new ManualClock(), { random: (): number => (i++ % 10) / 10 });
}

function cluster(extra: Partial<ClusterConfig>, endpoints: EndpointConfig[], locality?: string, clock: Clock = cyclingClock(), hosts = new UpstreamHosts(clock)): RuntimeCluster {
  return new RuntimeCluster({ name: 'c', service: 's', port: 80, lb: 'ROUND_ROBIN', endpoints, ...extra }, hosts, clock, undefined, locality);
}

describe('locality failover', () => {
  const endpoints = [ep(1, 'us-east/zone-a'), ep(2, 'us-east/zone-b'), ep(3, 'eu-west/zone-a')];

  it('keeps traffic in the proxy’s own zone when failover is on', () => {
    const c = cluster({ localityFailover: true }, endpoints, 'us-east/zone-a');
    for (let i = 0; i < 10; i++) expect(c.pick(undefined)?.host.port).toBe(1);
  });

  it('fails over to the same region, then anywhere, as endpoints go', () => {
    const c = cluster({ localityFailover: true }, endpoints, 'us-east/zone-a');
    const tried = new Set([c.endpoints[0]!.host]);
    expect(c.pick(undefined, tried)?.host.port).toBe(2);
    tried.add(c.endpoints[1]!.host);
    expect(c.pick(undefined, tried)?.host.port).toBe(3);
  });

  it('spreads over every locality without failover', () => {
    const c = cluster({}, endpoints, 'us-east/zone-a');
    const ports = new Set(Array.from({ length: 6 }, () => c.pick(undefined)?.host.port));
    expect(ports).toEqual(new Set([1, 2, 3]));
  });
});

describe('slow start', () => {
  it('gives a new endpoint a growing share over the warmup duration, on the proxy clock', () => {
    // The clock starts far from wall time: host ages must come from it alone.
    const clock = cyclingClock();
    const hosts = new UpstreamHosts(clock);
    const warmup = { lb: 'RANDOM' as const, warmup: { durationMs: 10_000, minimumPercent: 10, aggression: 1 } };
    cluster(warmup, [ep(1)], undefined, clock, hosts);
    clock.advance(20_000);
    // Host 2 appears now; host 1 has been known for 20 s.
    const c = cluster(warmup, [ep(1), ep(2)], undefined, clock, hosts);
    const share = (): number => Array.from({ length: 100 }, () => c.pick(undefined)?.host.port).filter((p) => p === 2).length;
    expect(share()).toBeLessThan(20);
    clock.advance(20_000);
    expect(share()).toBeGreaterThan(35);
  });
});
