/**
 * Envoy's outlier detection (Istio's outlierDetection): consecutive 5xx, gateway errors or local
 * connection failures eject a host for baseEjectionTime × the number of times it was ejected,
 * within maxEjectionPercent of the cluster (at least one host, as Envoy allows).
 */
import type { OutlierDetectionConfig } from '../../compile/config.js';
import type { Clock } from '../clock.js';

export type Outcome = { kind: 'response'; status: number } | { kind: 'local-failure' };

interface HostRecord {
  consecutive5xx: number;
  consecutiveGateway: number;
  consecutiveLocal: number;
  ejections: number;
  ejectedUntil: number;
}

const MAX_EJECTION_MS = 300_000;

export class OutlierDetector {
  private readonly hosts = new Map<string, HostRecord>();

  constructor(
    public config: OutlierDetectionConfig,
    private readonly clock: Clock,
  ) {}

  private record(key: string): HostRecord {
    let r = this.hosts.get(key);
    if (!r) {
      r = { consecutive5xx: 0, consecutiveGateway: 0, consecutiveLocal: 0, ejections: 0, ejectedUntil: 0 };
      this.hosts.set(key, r);
    }
    return r;
  }

  /** Is this host ejected now? A host whose time is up returns with its counters reset. */
  isEjected(key: string): boolean {
    const r = this.hosts.get(key);
    if (!r || r.ejectedUntil === 0) return false;
    if (this.clock.now() >= r.ejectedUntil) {
      r.ejectedUntil = 0;
      r.consecutive5xx = r.consecutiveGateway = r.consecutiveLocal = 0;
      return false;
    }
    return true;
  }

  /** Records one outcome for `key`; `clusterHosts` are all the cluster's host keys (for the ejection cap). */
  observe(key: string, outcome: Outcome, clusterHosts: readonly string[]): void {
    const r = this.record(key);
    const c = this.config;
    let status: number;
    if (outcome.kind === 'local-failure') {
      if (c.splitLocalOrigin) {
        r.consecutiveLocal++;
        if (c.consecutiveLocalOrigin > 0 && r.consecutiveLocal >= c.consecutiveLocalOrigin) this.eject(key, r, clusterHosts);
        return;
      }
      // Not split: a connection failure counts as a 503 from the host.
      status = 503;
    } else {
      status = outcome.status;
      if (c.splitLocalOrigin) r.consecutiveLocal = 0;
    }
    if (status >= 500) {
      r.consecutive5xx++;
      if (status === 502 || status === 503 || status === 504) r.consecutiveGateway++;
      else r.consecutiveGateway = 0;
    } else {
      r.consecutive5xx = 0;
      r.consecutiveGateway = 0;
      return;
    }
    if ((c.consecutive5xx > 0 && r.consecutive5xx >= c.consecutive5xx) || (c.consecutiveGateway > 0 && r.consecutiveGateway >= c.consecutiveGateway)) {
      this.eject(key, r, clusterHosts);
    }
  }

  private eject(key: string, r: HostRecord, clusterHosts: readonly string[]): void {
    if (this.isEjected(key)) return;
    const ejected = clusterHosts.filter((h) => h !== key && this.isEjected(h)).length;
    const cap = Math.max(1, Math.floor((clusterHosts.length * this.config.maxEjectionPercent) / 100));
    if (this.config.maxEjectionPercent <= 0 || ejected + 1 > cap) return;
    r.ejections++;
    r.ejectedUntil = this.clock.now() + Math.min(this.config.baseEjectionMs * r.ejections, Math.max(MAX_EJECTION_MS, this.config.baseEjectionMs));
    r.consecutive5xx = r.consecutiveGateway = r.consecutiveLocal = 0;
  }

  /**
   * The hosts to balance over: ejected ones left out, unless fewer than minHealthPercent remain,
   * in which case detection stands aside, as Envoy does.
   */
  usable<T>(all: readonly T[], keyOf: (t: T) => string): readonly T[] {
    const healthy = all.filter((h) => !this.isEjected(keyOf(h)));
    if (healthy.length === all.length) return all;
    if (all.length > 0 && (healthy.length * 100) / all.length < this.config.minHealthPercent) return all;
    return healthy;
  }

  state(key: string): { ejected: boolean; ejections: number; ejectedUntil?: number; consecutive5xx: number } {
    const r = this.hosts.get(key);
    const ejected = this.isEjected(key);
    return { ejected, ejections: r?.ejections ?? 0, ...(ejected && r ? { ejectedUntil: r.ejectedUntil } : {}), consecutive5xx: r?.consecutive5xx ?? 0 };
  }
}
