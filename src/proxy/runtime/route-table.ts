/** A route table ready for lookups: virtual hosts by domain (Envoy's precedence), routes with compiled matchers. */
import type { HttpFilterName, MirrorConfig, RouteActionConfig, RouteConfig, RouteTableConfig, HeaderOpsConfig, WeightedClusterConfig, VirtualHostConfig } from '../../compile/config.js';
import { HTTP_FILTERS } from '../filters/index.js';
import { compileRouteMatch, type RequestTest } from './matchers.js';
import { compileRewrite } from '../regex.js';

export interface CompiledRoute {
  name: string;
  test: RequestTest;
  /** The matched prefix, for `rewrite.uri` (Envoy's prefix_rewrite). */
  matchedPrefix?: string;
  action: RouteActionConfig;
  headers?: HeaderOpsConfig;
  mirrors?: MirrorConfig[];
  /** Each filter's settings for this route, built by the filter when the configuration arrived. */
  filterSettings?: ReadonlyMap<HttpFilterName, unknown>;
  /** `uriRegexRewrite`, compiled. */
  regexRewrite?: (path: string) => string;
  /** Cumulative weights for picking a destination with one random draw. */
  cumulative?: number[];
}

export interface CompiledVirtualHost {
  name: string;
  routes: CompiledRoute[];
}

/**
 * Compiled virtual hosts by the config object they came from. A pushed delta leaves unchanged
 * virtual hosts as the same objects, so a new version recompiles only the ones that changed.
 */
const compiledHosts = new WeakMap<VirtualHostConfig, CompiledVirtualHost>();

export class RouteTable {
  private readonly exact = new Map<string, CompiledVirtualHost>();
  private readonly suffixes: { suffix: string; vhost: CompiledVirtualHost }[] = [];
  private readonly prefixes: { prefix: string; vhost: CompiledVirtualHost }[] = [];
  private catchAll: CompiledVirtualHost | undefined;

  constructor(config: RouteTableConfig) {
    for (const vh of config.virtualHosts) {
      let compiled = compiledHosts.get(vh);
      if (compiled === undefined) {
        compiled = { name: vh.name, routes: vh.routes.map(compileRoute) };
        compiledHosts.set(vh, compiled);
      }
      for (const raw of vh.domains) {
        const d = raw.toLowerCase();
        if (d === '*') this.catchAll ??= compiled;
        else if (d.startsWith('*')) this.suffixes.push({ suffix: d.slice(1), vhost: compiled });
        else if (d.endsWith('*')) this.prefixes.push({ prefix: d.slice(0, -1), vhost: compiled });
        else if (!this.exact.has(d)) this.exact.set(d, compiled);
      }
    }
    // Longest wildcard wins, as in Envoy.
    this.suffixes.sort((a, b) => b.suffix.length - a.suffix.length);
    this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** `host` is lower-case and without port. */
  virtualHost(host: string): CompiledVirtualHost | undefined {
    const hit = this.exact.get(host);
    if (hit) return hit;
    for (const s of this.suffixes) if (host.endsWith(s.suffix) && host.length > s.suffix.length) return s.vhost;
    // Like the suffix form, a prefix wildcard never matches the empty string (`foo.*` does not take `foo.`).
    for (const p of this.prefixes) if (host.startsWith(p.prefix) && host.length > p.prefix.length) return p.vhost;
    return this.catchAll;
  }
}

function compileRoute(r: RouteConfig): CompiledRoute {
  const out: CompiledRoute = { name: r.name, test: compileRouteMatch(r.match), action: r.action };
  if (r.headers) out.headers = r.headers;
  if (r.mirrors) out.mirrors = r.mirrors;
  if (r.filters) {
    const settings = new Map<HttpFilterName, unknown>();
    for (const name of Object.keys(r.filters) as HttpFilterName[]) {
      const factory = HTTP_FILTERS.get(name);
      if (!factory) throw new Error(`route ${r.name}: settings for unknown HTTP filter ${JSON.stringify(name)}`);
      const s = factory.routeSettings(r);
      if (s !== undefined) settings.set(name, s);
    }
    out.filterSettings = settings;
  }
  const uri = r.match.uri;
  if (uri && 'prefix' in uri) out.matchedPrefix = uri.prefix;
  if (r.action.kind === 'forward') {
    if (r.action.rewrite?.uriRegex) out.regexRewrite = compileRewrite(r.action.rewrite.uriRegex.match, r.action.rewrite.uriRegex.rewrite);
    out.cumulative = cumulativeWeights(r.action.clusters);
  }
  return out;
}

function cumulativeWeights(clusters: readonly WeightedClusterConfig[]): number[] {
  let sum = 0;
  return clusters.map((c) => (sum += c.weight));
}

/** Picks a destination by weight with one random draw (per request, as Envoy's weighted clusters). */
export function pickWeighted(route: CompiledRoute, random: () => number): WeightedClusterConfig | undefined {
  if (route.action.kind !== 'forward') return undefined;
  const clusters = route.action.clusters;
  if (clusters.length === 1) return clusters[0];
  const cumulative = route.cumulative ?? [];
  const total = cumulative[cumulative.length - 1] ?? 0;
  if (total <= 0) return undefined;
  const draw = random() * total;
  for (let i = 0; i < cumulative.length; i++) if (draw < (cumulative[i] as number)) return clusters[i];
  return clusters[clusters.length - 1];
}

/** Strips the port from an authority and lower-cases it: `Reviews:9080` → `reviews`, `[::1]:80` → `[::1]`. */
export function hostOf(authority: string): string {
  let a = authority;
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    return (end >= 0 ? a.slice(0, end + 1) : a).toLowerCase();
  }
  const colon = a.lastIndexOf(':');
  if (colon >= 0) a = a.slice(0, colon);
  return a.toLowerCase();
}

export function portOf(authority: string, fallback: number): number {
  const colon = authority.lastIndexOf(':');
  if (colon < 0 || authority.endsWith(']')) return fallback;
  const n = Number(authority.slice(colon + 1));
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : fallback;
}
