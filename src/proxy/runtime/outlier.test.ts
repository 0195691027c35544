/** Envoy's outlier detection with a fake clock: exact ejection moments and durations. */
import { describe, it, expect } from 'vitest';
import type { OutlierDetectionConfig } from '../../compile/config.js';
import { ManualClock } from '../clock.js';
import { OutlierDetector, type Outcome } from './outlier.js';

/** Istio's defaults as outlierDetectionOf fills them in, with overrides. */
function config(over: Partial<OutlierDetectionConfig> = {}): OutlierDetectionConfig {
  return { consecutive5xx: 5, consecutiveGateway: 0, consecutiveLocalOrigin: 0, splitLocalOrigin: false, intervalMs: 10_000, baseEjectionMs: 30_000, maxEjectionPercent: 100, minHealthPercent: 0, ...over };
}

const HOSTS = ['h1', 'h2', 'h3'] as const;
const status = (s: number): Outcome => ({ kind: 'response', status: s });
const LOCAL: Outcome = { kind: 'local-failure' };

function setup(over: Partial<OutlierDetectionConfig> = {}): { d: OutlierDetector; clock: ManualClock; feed: (host: string, ...outcomes: Outcome[]) => void } {
  const clock = new ManualClock(1_000_000);
  const d = new OutlierDetector(config(over), clock);
  const feed = (host: string, ...outcomes: Outcome[]): void => {
    for (const o of outcomes) d.observe(host, o, HOSTS);
  };
  return { d, clock, feed };
}

const times = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

describe('OutlierDetector: consecutive 5xx', () => {
  it('ejects at exactly the threshold, not before', () => {
    const { d, clock, feed } = setup({ consecutive5xx: 3 });
    feed('h1', status(500), status(503));
    expect(d.state('h1')).toEqual({ ejected: false, ejections: 0, consecutive5xx: 2 });
    feed('h1', status(502));
    expect(d.state('h1')).toEqual({ ejected: true, ejections: 1, ejectedUntil: clock.now() + 30_000, consecutive5xx: 0 });
    expect(d.isEjected('h2')).toBe(false);
  });

  it('a success in between resets the count', () => {
    const { d, feed } = setup({ consecutive5xx: 3 });
    feed('h1', status(500), status(500), status(200), status(500), status(500));
    expect(d.state('h1')).toEqual({ ejected: false, ejections: 0, consecutive5xx: 2 });
    feed('h1', status(404)); // a 4xx is not an error of the host
    expect(d.state('h1').consecutive5xx).toBe(0);
    feed('h1', status(500), status(500), status(500));
    expect(d.isEjected('h1')).toBe(true);
  });

  it('consecutive5xx 0 disables that detector', () => {
    const { d, feed } = setup({ consecutive5xx: 0 });
    feed('h1', ...times(50, status(500)));
    expect(d.isEjected('h1')).toBe(false);
  });
});

describe('OutlierDetector: consecutive gateway errors', () => {
  it.each([
    ['502, 503, 504 count', [502, 503, 504], true],
    ['500 does not count', [500, 500, 500], false],
    ['a 500 in between resets the gateway count', [502, 503, 500, 504], false],
    ['a 200 in between resets it', [502, 200, 503, 504], false],
    ['three gateway errors after a reset', [500, 502, 503, 504], true],
  ] as const)('%s', (_name, codes, ejected) => {
    const { d, feed } = setup({ consecutive5xx: 0, consecutiveGateway: 3 });
    feed('h1', ...codes.map(status));
    expect(d.isEjected('h1')).toBe(ejected);
  });
});

describe('OutlierDetector: local-origin failures', () => {
  it('count as 503 when not split: for both the 5xx and the gateway detectors', () => {
    const five = setup({ consecutive5xx: 2 });
    five.feed('h1', LOCAL);
    expect(five.d.state('h1').consecutive5xx).toBe(1);
    five.feed('h1', LOCAL);
    expect(five.d.isEjected('h1')).toBe(true);

    const gw = setup({ consecutive5xx: 0, consecutiveGateway: 2 });
    gw.feed('h1', status(502), LOCAL);
    expect(gw.d.isEjected('h1')).toBe(true);
  });

  it('count against consecutiveLocalOrigin only when split, not against 5xx', () => {
    const { d, feed } = setup({ consecutive5xx: 2, splitLocalOrigin: true, consecutiveLocalOrigin: 3 });
    feed('h1', LOCAL, LOCAL);
    expect(d.state('h1')).toEqual({ ejected: false, ejections: 0, consecutive5xx: 0 });
    feed('h1', LOCAL);
    expect(d.isEjected('h1')).toBe(true);
  });

  it('when split, any response from the host resets the local-origin count (the connection worked)', () => {
    const { d, feed } = setup({ consecutive5xx: 5, splitLocalOrigin: true, consecutiveLocalOrigin: 2 });
    feed('h1', LOCAL, status(500), LOCAL);
    expect(d.isEjected('h1')).toBe(false);
    expect(d.state('h1').consecutive5xx).toBe(1);
    feed('h1', LOCAL);
    expect(d.isEjected('h1')).toBe(true);
  });

  it('when split with consecutiveLocalOrigin 0, local failures eject nothing', () => {
    const { d, feed } = setup({ consecutive5xx: 1, splitLocalOrigin: true, consecutiveLocalOrigin: 0 });
    feed('h1', ...times(20, LOCAL));
    expect(d.isEjected('h1')).toBe(false);
  });
});

describe('OutlierDetector: ejection time', () => {
  it('is baseEjection × times ejected, and the host returns when it is up with its counters reset', () => {
    const { d, clock, feed } = setup({ consecutive5xx: 2, baseEjectionMs: 10_000 });
    feed('h1', status(500), status(500));
    expect(d.state('h1')).toMatchObject({ ejected: true, ejections: 1, ejectedUntil: clock.now() + 10_000 });
    clock.advance(9_999);
    expect(d.isEjected('h1')).toBe(true);
    clock.advance(1);
    expect(d.state('h1')).toEqual({ ejected: false, ejections: 1, consecutive5xx: 0 });

    // One error after the return is not enough: the count started again from zero.
    feed('h1', status(500));
    expect(d.isEjected('h1')).toBe(false);
    feed('h1', status(500));
    expect(d.state('h1')).toMatchObject({ ejected: true, ejections: 2, ejectedUntil: clock.now() + 20_000 });
    clock.advance(20_000);
    expect(d.isEjected('h1')).toBe(false);

    feed('h1', status(500), status(500));
    expect(d.state('h1')).toMatchObject({ ejected: true, ejections: 3, ejectedUntil: clock.now() + 30_000 });
  });

  it('errors seen while ejected (requests already in flight) are forgotten when the host returns', () => {
    const { d, clock, feed } = setup({ consecutive5xx: 3, baseEjectionMs: 1_000 });
    feed('h1', status(500), status(500), status(500));
    feed('h1', status(500), status(500));
    expect(d.state('h1')).toMatchObject({ ejected: true, consecutive5xx: 2 });
    clock.advance(1_000);
    expect(d.state('h1')).toEqual({ ejected: false, ejections: 1, consecutive5xx: 0 });
    feed('h1', status(500), status(500));
    expect(d.state('h1')).toEqual({ ejected: false, ejections: 1, consecutive5xx: 2 });
  });

  it('is capped at 300 s (Envoy max_ejection_time), or at the base when that is longer', () => {
    const { d, clock, feed } = setup({ consecutive5xx: 1, baseEjectionMs: 100_000 });
    const ejectFor = (): number => {
      feed('h1', status(500));
      const until = d.state('h1').ejectedUntil as number;
      const duration = until - clock.now();
      clock.advance(duration);
      return duration;
    };
    expect([ejectFor(), ejectFor(), ejectFor(), ejectFor(), ejectFor()]).toEqual([100_000, 200_000, 300_000, 300_000, 300_000]);

    const long = setup({ consecutive5xx: 1, baseEjectionMs: 400_000 });
    long.feed('h1', status(500));
    expect((long.d.state('h1').ejectedUntil as number) - long.clock.now()).toBe(400_000);
    long.clock.advance(400_000);
    long.feed('h1', status(500));
    expect((long.d.state('h1').ejectedUntil as number) - long.clock.now()).toBe(400_000);
  });

  it('errors reported for an already ejected host do not extend its ejection', () => {
    const { d, clock, feed } = setup({ consecutive5xx: 1, baseEjectionMs: 10_000 });
    feed('h1', status(500));
    const until = d.state('h1').ejectedUntil;
    clock.advance(5_000);
    feed('h1', status(500), status(500));
    expect(d.state('h1')).toMatchObject({ ejected: true, ejections: 1, ejectedUntil: until });
  });
});

describe('OutlierDetector: maxEjectionPercent', () => {
  it('10% of 3 hosts still allows one ejection; a second is refused', () => {
    const { d, feed } = setup({ consecutive5xx: 1, maxEjectionPercent: 10 });
    feed('h1', status(500));
    expect(d.isEjected('h1')).toBe(true);
    feed('h2', status(500), status(500), status(500));
    expect(d.isEjected('h2')).toBe(false);
    expect(d.state('h2').ejections).toBe(0);
  });

  it('a refused host is ejected once the first one is back', () => {
    const { d, clock, feed } = setup({ consecutive5xx: 1, maxEjectionPercent: 10, baseEjectionMs: 1_000 });
    feed('h1', status(500));
    feed('h2', status(500));
    expect(d.isEjected('h2')).toBe(false);
    clock.advance(1_000);
    feed('h2', status(500));
    expect([d.isEjected('h1'), d.isEjected('h2')]).toEqual([false, true]);
  });

  it('67% of 3 hosts allows two, not three; 100% allows all', () => {
    const two = setup({ consecutive5xx: 1, maxEjectionPercent: 67 });
    for (const h of HOSTS) two.feed(h, status(500));
    expect(HOSTS.map((h) => two.d.isEjected(h))).toEqual([true, true, false]);

    const all = setup({ consecutive5xx: 1, maxEjectionPercent: 100 });
    for (const h of HOSTS) all.feed(h, status(500));
    expect(HOSTS.map((h) => all.d.isEjected(h))).toEqual([true, true, true]);
  });
});

describe('OutlierDetector: usable()', () => {
  const key = (h: { k: string }): string => h.k;
  const pool = HOSTS.map((k) => ({ k }));

  it('leaves ejected hosts out', () => {
    const { d, feed } = setup({ consecutive5xx: 1 });
    expect(d.usable(pool, key)).toBe(pool);
    feed('h2', status(503));
    expect(d.usable(pool, key).map(key)).toEqual(['h1', 'h3']);
  });

  it('returns every host when the healthy share falls below minHealthPercent', () => {
    const { d, feed } = setup({ consecutive5xx: 1, minHealthPercent: 50 });
    feed('h1', status(500));
    // 2 of 3 healthy (66.7%) ≥ 50%: the ejected host stays out.
    expect(d.usable(pool, key).map(key)).toEqual(['h2', 'h3']);
    feed('h2', status(500));
    // 1 of 3 healthy (33.3%) < 50%: detection stands aside.
    expect(d.usable(pool, key).map(key)).toEqual(['h1', 'h2', 'h3']);
  });

  it('with minHealthPercent 0, all hosts can be left out', () => {
    const { d, feed } = setup({ consecutive5xx: 1, minHealthPercent: 0 });
    for (const h of HOSTS) feed(h, status(500));
    expect(d.usable(pool, key)).toEqual([]);
  });

  it('brings a host back into the pool when its time is up', () => {
    const { d, clock, feed } = setup({ consecutive5xx: 1, baseEjectionMs: 30_000 });
    feed('h3', status(500));
    expect(d.usable(pool, key).map(key)).toEqual(['h1', 'h2']);
    clock.advance(30_000);
    expect(d.usable(pool, key).map(key)).toEqual(['h1', 'h2', 'h3']);
  });
});
