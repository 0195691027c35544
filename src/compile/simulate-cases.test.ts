/**
 * Simulation cases: `testdata/<case>.sim.yaml` asks the compiled config of `<case>.in.yaml` which
 * listener, route table, virtual host, route and cluster a request hits, by the proxy's own route
 * selection (simulate). Every name expected must exist in that proxy's config. An entry with
 * `divergence` states Istio's behaviour where tack differs today; it runs as a known failure, so it
 * turns red (to be made an ordinary case) once the compiler is fixed.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { parse } from 'yaml';
import { compileProxyConfig, type ProxyConfig } from './index.js';
import { meshFromYaml } from '../../test/support/mesh-fixture.js';
import { simulate, type SimulatedRequest, type SimulationResult } from '../proxy/simulate.js';

interface SimCase {
  proxy: string;
  request: SimulatedRequest;
  expect: SimulationResult;
  divergence?: string;
}

/** Clusters simulate names for hosts the sidecar does not know; they are not in any config. */
const BUILTIN_CLUSTERS = new Set(['PassthroughCluster', 'BlackHoleCluster']);
const REQUEST_KEYS = new Set(['listener', 'port', 'authority', 'path', 'method', 'headers']);
const EXPECT_KEYS = new Set(['listener', 'routeTable', 'virtualHost', 'route', 'cluster', 'clusters', 'noRoute']);

const dir = new URL('./testdata/', import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith('.sim.yaml')).map((f) => f.slice(0, -'.sim.yaml'.length)).sort();

function compileCase(name: string): Map<string, ProxyConfig> {
  const { store } = meshFromYaml(readFileSync(new URL(`${name}.in.yaml`, dir), 'utf8'));
  const snapshot = store.snapshot();
  return new Map(snapshot.workloads.map((w) => [`${w.name}.${w.namespace}`, compileProxyConfig(snapshot, w)]));
}

/** Every name `e` expects is in `config`: listener, table, virtual host of that table, route of that host, clusters. */
function expectNamesExist(config: ProxyConfig, e: SimulationResult): void {
  expect(config.listeners.map((l) => l.name), 'listener').toContain(e.listener);
  if (e.routeTable !== undefined) expect(Object.keys(config.routes), 'route table').toContain(e.routeTable);
  const table = e.routeTable !== undefined ? config.routes[e.routeTable] : undefined;
  if (e.virtualHost !== undefined) expect(table?.virtualHosts.map((v) => v.name) ?? [], 'virtual host').toContain(e.virtualHost);
  const vhost = table?.virtualHosts.find((v) => v.name === e.virtualHost);
  if (e.route !== undefined) expect(vhost?.routes.map((r) => r.name) ?? [], 'route').toContain(e.route);
  for (const c of [...(e.cluster !== undefined ? [e.cluster] : []), ...(e.clusters ?? [])]) {
    if (!BUILTIN_CLUSTERS.has(c)) expect(Object.keys(config.clusters), 'cluster').toContain(c);
  }
}

/** The fields of `actual` that `e` names; `clusters` compared as a set, `cluster` implied by it. */
function comparable(actual: SimulationResult | undefined, e: SimulationResult): Record<string, unknown> {
  if (!actual) return { simulate: 'no listener of that kind' };
  const out: Record<string, unknown> = {};
  for (const k of EXPECT_KEYS) {
    if (k === 'clusters') continue;
    if (k === 'cluster' && e.clusters !== undefined && e.cluster === undefined) continue;
    const v = actual[k as keyof SimulationResult];
    if (v !== undefined) out[k] = v;
  }
  if (e.clusters !== undefined) out.clusters = [...(actual.clusters ?? (actual.cluster !== undefined ? [actual.cluster] : []))].sort();
  else if (actual.clusters !== undefined) out.clusters = actual.clusters;
  return out;
}

function wanted(e: SimulationResult): Record<string, unknown> {
  const { clusters, ...rest } = e;
  return { ...rest, ...(clusters !== undefined ? { clusters: [...clusters].sort() } : {}) };
}

describe('simulation cases', () => {
  it('has cases for every golden input', () => {
    const inputs = readdirSync(dir).filter((f) => f.endsWith('.in.yaml')).map((f) => f.slice(0, -'.in.yaml'.length)).sort();
    expect(names).toEqual(inputs);
  });

  describe.each(names)('%s', (name) => {
    const entries = parse(readFileSync(new URL(`${name}.sim.yaml`, dir), 'utf8')) as SimCase[];
    const configs = existsSync(new URL(`${name}.in.yaml`, dir)) ? compileCase(name) : new Map<string, ProxyConfig>();

    it('is well-formed', () => {
      expect(Array.isArray(entries) && entries.length > 0).toBe(true);
      for (const c of entries) {
        expect(Object.keys(c.request).filter((k) => !REQUEST_KEYS.has(k)), `${c.proxy}: unknown request fields`).toEqual([]);
        expect(Object.keys(c.expect).filter((k) => !EXPECT_KEYS.has(k)), `${c.proxy}: unknown expect fields`).toEqual([]);
        expect(c.expect.noRoute === true && (c.expect.route !== undefined || c.expect.cluster !== undefined), `${c.proxy}: noRoute with a route`).toBe(false);
      }
    });

    entries.forEach((c, i) => {
      const title = `#${i} ${c.proxy} ${c.request.method ?? 'GET'} ${c.request.authority}${c.request.path} → ${c.expect.noRoute ? 'no route' : c.expect.route ?? c.expect.cluster}`;
      const run = (): void => {
        const config = configs.get(c.proxy);
        expect(config, `no proxy ${c.proxy} in ${name}; proxies: ${[...configs.keys()].join(', ')}`).toBeDefined();
        if (!config) return;
        expectNamesExist(config, c.expect);
        expect(comparable(simulate(config, c.request), c.expect)).toEqual(wanted(c.expect));
      };
      if (c.divergence) it.fails(`${title} [differs from Istio: ${c.divergence}]`, run);
      else it(title, run);
    });
  });
});
