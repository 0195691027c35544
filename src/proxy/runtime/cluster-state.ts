/**
 * Per-cluster state that outlives configuration versions: circuit-breaker counters and outlier
 * records survive a push that leaves the cluster's settings as they were.
 */
import type { ClusterConfig } from '../../compile/config.js';
import type { Clock } from '../clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { OutlierDetector } from './outlier.js';

export interface ClusterState {
  breaker: CircuitBreaker;
  outlier: OutlierDetector | undefined;
}

export class ClusterStates {
  private readonly states = new Map<string, ClusterState>();

  constructor(private readonly clock: Clock) {}

  for(config: ClusterConfig): ClusterState {
    let s = this.states.get(config.name);
    if (!s) {
      s = { breaker: new CircuitBreaker(config.connectionPool), outlier: undefined };
      this.states.set(config.name, s);
    } else {
      s.breaker.update(config.connectionPool);
    }
    if (config.outlierDetection) {
      if (s.outlier) s.outlier.config = config.outlierDetection;
      else s.outlier = new OutlierDetector(config.outlierDetection, this.clock);
    } else {
      s.outlier = undefined;
    }
    return s;
  }

  retainOnly(names: ReadonlySet<string>): void {
    for (const name of this.states.keys()) if (!names.has(name)) this.states.delete(name);
  }
}
