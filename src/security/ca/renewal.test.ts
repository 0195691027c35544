import { describe, it, expect } from 'vitest';
import { renewAtMs, renewalDelayMs } from './renewal.js';

const HOUR = 3_600_000;
const nb = 1_700_000_000_000;
const na = nb + 24 * HOUR;

describe('renewal timing (Istio: grace ratio 0.5, jitter ±0.01)', () => {
  it('renews at half-life when the jitter draw is in the middle', () => {
    expect(renewAtMs(nb, na, () => 0.5)).toBe(nb + 12 * HOUR);
  });

  it('stays within ±1% of the lifetime (about ±15 minutes over 24 h)', () => {
    const latest = renewAtMs(nb, na, () => 0); // ratio 0.49: 49% of the lifetime left
    const earliest = renewAtMs(nb, na, () => 1); // ratio 0.51
    expect(na - earliest).toBeCloseTo(0.51 * 24 * HOUR, 3);
    expect(na - latest).toBeCloseTo(0.49 * 24 * HOUR, 3);
    expect(latest - earliest).toBeCloseTo(0.02 * 24 * HOUR, 3);
    for (const r of [0.1, 0.3, 0.7, 0.9]) {
      const at = renewAtMs(nb, na, () => r);
      expect(at).toBeGreaterThanOrEqual(earliest);
      expect(at).toBeLessThanOrEqual(latest);
    }
  });

  it('returns the delay from now, never negative', () => {
    expect(renewalDelayMs(nb, na, () => 0.5, nb + HOUR)).toBe(11 * HOUR);
    expect(renewalDelayMs(nb, na, () => 0.5, na + HOUR)).toBe(0);
  });

  it('takes Istio’s knobs and clamps the ratio to [0, 1]', () => {
    expect(renewAtMs(nb, na, () => 0.5, { graceRatio: 0.1, graceRatioJitter: 0 })).toBe(na - 0.1 * 24 * HOUR);
    expect(renewAtMs(nb, na, () => 1, { graceRatio: 0.95, graceRatioJitter: 0.2 })).toBe(nb);
    expect(renewAtMs(nb, na, () => 0, { graceRatio: 0.05, graceRatioJitter: 0.2 })).toBe(na);
  });
});
