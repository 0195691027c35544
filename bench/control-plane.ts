/**
 * Control-plane cost on a generated mesh: 1,000 services, 10,000 endpoints, 1,000 VirtualServices
 * and DestinationRules; compile time, memory, a full push to 100 subscribed proxies, and the time
 * from one changed VirtualService to every proxy having acknowledged it. The stand-in proxies run
 * in this process, so their parsing (100 whole configs of ~2.5 MB in the full push) shares its
 * thread and heap with the control plane: the numbers err on the slow side.
 */
import { loadText, validateDocuments } from '../src/api/index.js';
import { ConfigStore, type WorkloadInstance } from '../src/store/index.js';
import { compileProxyConfig } from '../src/compile/index.js';
import { PushServer } from '../src/push/index.js';
import { createControlServer } from '../src/control/server.js';
import { freePort } from './tools.js';
import { ConfigSource } from '../src/proxy/config-source.js';

export interface ControlPlaneResult {
  services: number;
  endpoints: number;
  compileOneMs: number;
  compileAllMs: number;
  heapMb: number;
  fullPushMs: number;
  applyToConvergedMs: number;
  proxies: number;
}

function manifests(services: number, version = 1): string {
  const docs: string[] = [];
  for (let i = 0; i < services; i++) {
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}, namespace: ns-${i % 10}}\nspec:\n  selector: {app: svc-${i}}\n  ports: [{name: http, port: 80}]`);
    docs.push(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: svc-${i}, namespace: ns-${i % 10}}\nspec:\n  host: svc-${i}\n  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]`);
    docs.push(`apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: svc-${i}, namespace: ns-${i % 10}}\nspec:\n  hosts: [svc-${i}]\n  http:\n  - match: [{headers: {end-user: {exact: tester}}}]\n    route: [{destination: {host: svc-${i}, subset: v2}}]\n  - route:\n    - {destination: {host: svc-${i}, subset: v1}, weight: ${i === 0 ? 100 - version : 90}}\n    - {destination: {host: svc-${i}, subset: v2}, weight: ${i === 0 ? version : 10}}`);
  }
  return docs.join('\n---\n');
}

function workloads(services: number, perService: number): WorkloadInstance[] {
  const out: WorkloadInstance[] = [];
  let port = 20000;
  for (let i = 0; i < services; i++) {
    for (let j = 0; j < perService; j++) {
      port++;
      out.push({ namespace: `ns-${i % 10}`, name: `svc-${i}-${j}`, labels: { app: `svc-${i}`, version: j % 2 === 0 ? 'v1' : 'v2' }, serviceAccount: 'default', address: '127.0.0.1', ports: [{ containerPort: 80, protocol: 'TCP', appPort: port, endpointPort: port }], sidecar: true, ready: true, phase: 'Running', restarts: 0, startedAt: 0, outboundPort: 10000 + (port % 50000) });
    }
  }
  return out;
}

/**
 * A stand-in proxy: the proxy's own subscription (it parses every message, merges deltas into the
 * config it holds, ACKs over HTTP), without listeners behind it, whose cost is the data plane's.
 */
function subscriber(port: number, w: WorkloadInstance, onConfig: (version: string) => void): () => void {
  const source = new ConfigSource({
    control: `127.0.0.1:${port}`,
    namespace: w.namespace,
    pod: w.name,
    log: () => undefined,
    apply: (config) => {
      onConfig(config.version);
      return Promise.resolve();
    },
  });
  source.start();
  return () => source.stop();
}

export async function benchControlPlane(services = 1000, perService = 10, proxies = 100): Promise<ControlPlaneResult> {
  const store = new ConfigStore();
  const loaded = loadText(manifests(services), 'generated.yaml');
  const validated = validateDocuments(loaded.documents);
  store.apply(validated.resources);
  const pods = workloads(services, perService);
  for (const w of pods) store.putWorkload(w);
  const snapshot = store.snapshot();
  let t = performance.now();
  compileProxyConfig(snapshot, pods[0] as WorkloadInstance);
  const compileOneMs = performance.now() - t;
  t = performance.now();
  for (const w of pods.slice(0, proxies)) compileProxyConfig(snapshot, w);
  const compileAllMs = performance.now() - t;
  global.gc?.();
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;

  const push = new PushServer(store);
  const server = createControlServer({ store, push, version: 'bench', log: () => undefined });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const seen = new Map<string, string>();
  const subscribed = pods.slice(0, proxies);
  t = performance.now();
  const stops = subscribed.map((w) => subscriber(port, w, (v) => seen.set(w.name, v)));
  await push.waitFor(() => subscribed.every((w) => push.hasConfig(w.namespace, w.name)), 120_000);
  const fullPushMs = performance.now() - t;

  // One VirtualService changes; time until every proxy acknowledged the new version.
  const changed = validateDocuments(loadText(manifests(1, 30), 'change.yaml').documents).resources.filter((r) => r.kind === 'VirtualService');
  t = performance.now();
  store.apply(changed);
  const target = String(store.revision);
  await push.waitFor(() => push.status().every((s) => s.ackedVersion !== undefined && Number(s.ackedVersion) >= Number(target)), 60_000);
  const applyToConvergedMs = performance.now() - t;

  for (const s of stops) s();
  push.close();
  server.closeAllConnections();
  server.close();
  return { services, endpoints: pods.length, compileOneMs, compileAllMs, heapMb, fullPushMs, applyToConvergedMs, proxies };
}
