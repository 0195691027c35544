/** A cluster at run time: its endpoints as upstream hosts and the load balancer that picks among them. */
import { createHash } from 'node:crypto';
import type { ClusterConfig, EndpointConfig } from '../../compile/config.js';
import type { UpstreamHost, UpstreamHosts } from './upstream.js';
import type { UpstreamTransport } from '../tls/upstream-tls.js';
import type { ClusterState } from './cluster-state.js';
import type { Clock } from '../clock.js';

export interface RuntimeEndpoint {
  host: UpstreamHost;
  config: EndpointConfig;
}

/** What a consistent-hash policy may key on, taken from the request. */
export interface HashInputs {
  header(name: string): string | undefined;
  cookie(name: string): string | undefined;
  query(name: string): string | undefined;
  sourceIp: string;
}

function hash32(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0);
}

export class RuntimeCluster {
  readonly endpoints: RuntimeEndpoint[];
  private rr = 0;

  constructor(
    readonly config: ClusterConfig,
    hosts: UpstreamHosts,
    private readonly clock: Clock,
    readonly state?: ClusterState,
    /** The proxy's own locality, for locality failover. */
    private readonly locality?: string,
    transportOf: (e: EndpointConfig) => UpstreamTransport | undefined = () => undefined,
  ) {
    this.endpoints = config.endpoints.map((e) => ({ host: hosts.get(e.address, e.port, transportOf(e)), config: e }));
  }

  /** Endpoints in the nearest locality that has any: same subzone, zone, region, then anywhere. */
  private nearest(candidates: readonly RuntimeEndpoint[]): readonly RuntimeEndpoint[] {
    if (!this.config.localityFailover || this.locality === undefined) return candidates;
    const mine = this.locality.split('/');
    const shared = (e: RuntimeEndpoint): number => {
      const theirs = (e.config.locality ?? '').split('/');
      let n = 0;
      while (n < mine.length && theirs[n] === mine[n]) n++;
      return n;
    };
    let best = -1;
    for (const c of candidates) best = Math.max(best, shared(c));
    return candidates.filter((c) => shared(c) === best);
  }

  /** Slow start: the chance a warming endpoint keeps its pick, from minimumPercent up to 1. */
  private warmFactor(e: RuntimeEndpoint): number {
    const w = this.config.warmup;
    if (!w) return 1;
    const age = this.clock.now() - e.host.createdAt;
    if (age >= w.durationMs) return 1;
    return Math.max(w.minimumPercent / 100, (age / w.durationMs) ** (1 / w.aggression));
  }

  /**
   * Picks an endpoint, avoiding `exclude` (hosts already tried by this request) when others exist.
   * Undefined when the cluster has no endpoint at all.
   */
  pick(inputs: HashInputs | undefined, exclude?: ReadonlySet<UpstreamHost>, anyLocality = false): RuntimeEndpoint | undefined {
    const outlier = this.state?.outlier;
    const all = outlier ? outlier.usable(this.endpoints, (e) => e.host.key) : this.endpoints;
    if (all.length === 0) return undefined;
    let candidates = all;
    if (exclude && exclude.size > 0) {
      const rest = all.filter((e) => !exclude.has(e.host));
      if (rest.length > 0) candidates = rest;
    }
    if (!anyLocality) candidates = this.nearest(candidates);
    if (candidates.length === 1) return candidates[0];
    const picked = this.choose(candidates, inputs);
    if (picked && this.config.warmup && this.clock.random() >= this.warmFactor(picked)) {
      // A warming endpoint gives up its turn to one of the others.
      const others = candidates.filter((c) => c !== picked);
      return this.choose(others, inputs) ?? picked;
    }
    return picked;
  }

  private choose(candidates: readonly RuntimeEndpoint[], inputs: HashInputs | undefined): RuntimeEndpoint | undefined {
    if (candidates.length <= 1) return candidates[0];
    const hashPolicy = this.config.consistentHash;
    if (hashPolicy && inputs) {
      const key = hashKey(hashPolicy, inputs);
      if (key !== undefined) return rendezvous(candidates, key);
    }
    switch (this.config.lb) {
      case 'ROUND_ROBIN':
        return candidates[this.rr++ % candidates.length];
      case 'RANDOM':
        return candidates[Math.floor(this.clock.random() * candidates.length)];
      default: {
        // Envoy's least-request: the less busy of two random choices.
        const a = candidates[Math.floor(this.clock.random() * candidates.length)] as RuntimeEndpoint;
        const b = candidates[Math.floor(this.clock.random() * candidates.length)] as RuntimeEndpoint;
        return b.host.active < a.host.active ? b : a;
      }
    }
  }
}

function hashKey(policy: NonNullable<ClusterConfig['consistentHash']>, inputs: HashInputs): string | undefined {
  if (policy.header) return inputs.header(policy.header);
  if (policy.cookie) return inputs.cookie(policy.cookie.name);
  if (policy.sourceIp) return inputs.sourceIp;
  if (policy.queryParameter) return inputs.query(policy.queryParameter);
  return undefined;
}

/** Highest-random-weight hashing: the same key keeps its endpoint while the endpoint set allows. */
function rendezvous(candidates: readonly RuntimeEndpoint[], key: string): RuntimeEndpoint | undefined {
  let best: RuntimeEndpoint | undefined;
  let bestScore = -1;
  for (const c of candidates) {
    const score = hash32(`${key}#${c.host.key}`);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
