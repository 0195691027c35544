/**
 * When a proxy asks for its next certificate. Istio's agent rule (secretcache.go rotateTime): grace
 * ratio 0.5 plus a jitter drawn uniformly in ±0.01 of the ratio (SECRET_GRACE_PERIOD_RATIO and
 * ..._JITTER), clamped to [0, 1]; renew at notAfter − ratio × lifetime, never in the past. With the
 * default 24 h that is 12 h ± ~15 min. The lifetime here runs from notBefore, which includes the CA's
 * 2-minute backdate (Istio measures from when the agent received the cert): 1 minute earlier, no more.
 */
export const DEFAULT_GRACE_RATIO = 0.5;
export const DEFAULT_GRACE_RATIO_JITTER = 0.01;

export interface RenewalOptions {
  graceRatio?: number;
  graceRatioJitter?: number;
}

/** The moment (ms since epoch) to renew. `random` is a uniform draw in [0, 1). */
export function renewAtMs(notBefore: number, notAfter: number, random: () => number, opts: RenewalOptions = {}): number {
  const ratio = opts.graceRatio ?? DEFAULT_GRACE_RATIO;
  const jitter = opts.graceRatioJitter ?? DEFAULT_GRACE_RATIO_JITTER;
  // One draw mapped onto [-jitter, +jitter]: the same distribution as Istio's magnitude × random sign.
  const r = Math.min(1, Math.max(0, ratio + (2 * random() - 1) * jitter));
  return notAfter - r * (notAfter - notBefore);
}

/** Milliseconds from `now` until renewal; 0 when that moment has passed. */
export function renewalDelayMs(notBefore: number, notAfter: number, random: () => number, now: number, opts: RenewalOptions = {}): number {
  return Math.max(0, Math.round(renewAtMs(notBefore, notAfter, random, opts) - now));
}
