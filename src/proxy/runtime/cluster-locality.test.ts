/** Locality failover and slow start in endpoint picking. */
import { describe, it, expect } from 'vitest';
import type { ClusterConfig, EndpointConfig } from '../../compile/config.js';
import { RuntimeCluster } from './cluster.js';
import { UpstreamHosts } from './upstream.js';

const ep = (port: number, locality?: string): EndpointConfig => ({ address: '127.0.0.1', port, labels: {}, sidecar: true, weight: 1, ...(locality ? { locality } : {}) });

function cluster(extra: Partial<ClusterConfig>, endpoints: EndpointConfig[], locality?: string, now = Date.now): RuntimeCluster {
  let i = 0;
  const rr = (): number => (i++ % 10) / 10;
  return new RuntimeCluster({ name: 'c', service: 's', port: 80, lb: 'ROUND_ROBIN', endpoints, ...extra }, new UpstreamHosts(), rr, undefined, locality, now);
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
  it('gives a new endpoint a growing share over the warmup duration', () => {
    let now = Date.now();
    const c = cluster({ lb: 'RANDOM', warmup: { durationMs: 10_000, minimumPercent: 10, aggression: 1 } }, [ep(1), ep(2)], undefined, () => now);
    // Both hosts are new: picks still happen (the other one is taken when one yields).
    expect(c.pick(undefined)).toBeDefined();
    now += 20_000;
    const ports = Array.from({ length: 20 }, () => c.pick(undefined)?.host.port);
    expect(ports.filter((p) => p === 1).length).toBeGreaterThan(0);
    expect(ports.filter((p) => p === 2).length).toBeGreaterThan(0);
  });
});
