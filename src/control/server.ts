/** The control plane's HTTP server: push protocol, control API, readiness. */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { AckMessage } from '../compile/config.js';
import { resolveKindName, refOf, Codes, notEnforcedChecks, type Check } from '../api/index.js';
import { analyze } from '../api/analyze/index.js';
import { isBuiltin } from '../api/builtins.js';
import type { ConfigStore } from '../store/index.js';
import type { PushServer, ProxyStatus } from '../push/index.js';
import type { LocalRunner } from '../platform/local/runner.js';
import { applyFiles, deleteFiles, type ApplyRequest } from './apply.js';
import { HttpError, readJson, sendJson, sendText } from './http-util.js';
import { handleCertificateRequest, type MeshCa } from './certificates.js';
import { acceptTls, createKubeApi, isKubeApiPath, type ServingCert } from './kube-api/index.js';

export interface ControlDeps {
  store: ConfigStore;
  push: PushServer;
  runner?: LocalRunner;
  version: string;
  log(message: string): void;
  /** Bearer token of the Kubernetes API (`/api`, `/apis`, ...); without one, that API refuses every request. */
  kubeToken?: string;
  /** Certificate for HTTPS on the same port (kubectl sends its token over TLS only). */
  kubeTls?: ServingCert;
  /** The mesh CA: issues proxies' workload certificates. */
  ca?: MeshCa;
}

/** Every pod has its first config and is ready, and so has the gateway. */
export function readiness(deps: ControlDeps): { ready: boolean; waiting: string[] } {
  const waiting: string[] = [];
  const runner = deps.runner;
  if (runner) {
    const names = new Set(runner.allPods().map((p) => p.key));
    for (const w of deps.store.workloads()) {
      if (!names.has(`${w.namespace}/${w.name}`) || w.phase === 'Terminating') continue;
      if (!w.ready) waiting.push(`${w.namespace}/${w.name}`);
    }
    // Every proxy serves the latest configuration (so new endpoints are routable everywhere).
    for (const s of deps.push.status()) if (s.connected && s.state !== 'SYNCED') waiting.push(`proxy ${s.namespace}/${s.pod} (${s.state})`);
    if (deps.push.pending()) waiting.push('a configuration push');
    // Deployments whose pods have not been created yet.
    for (const d of deps.store.list('Deployment')) {
      const has = runner.allPods().some((p) => p.plan.namespace === d.namespace && p.plan.deployment === d.name);
      if (!has) waiting.push(`deployment ${d.namespace}/${d.name}`);
    }
  }
  return { ready: waiting.length === 0, waiting };
}

/** Resources the compiler had to leave out of some proxy's config, as findings of the live analysis. */
function compileChecks(status: readonly ProxyStatus[]): Check[] {
  const checks: Check[] = [];
  for (const s of status) {
    const proxy = `${s.pod}.${s.namespace}`;
    for (const k of s.skipped ?? []) {
      checks.push({ code: Codes.ResourceNotCompiled, level: 'Error', path: '', message: `cannot be compiled for proxy ${proxy}: ${k.error}; it is left out of that proxy's configuration`, resource: k.resource, ...(k.source ? { source: k.source } : {}) });
    }
    if (s.compileError !== undefined) checks.push({ code: Codes.ResourceNotCompiled, level: 'Error', path: '', message: `no configuration can be compiled for proxy ${proxy}: ${s.compileError}; it keeps the configuration it was last sent` });
  }
  return checks;
}

function route(path: string, pattern: RegExp): RegExpExecArray | null {
  return pattern.exec(path);
}

export function createControlServer(deps: ControlDeps): http.Server {
  const kube = createKubeApi({ ...deps, token: deps.kubeToken, now: () => Date.now() });
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    (isKubeApiPath(path) ? kube.handle(req, res) : handle(deps, req, res)).catch((err: unknown) => {
      if (res.headersSent) res.destroy();
      else if (err instanceof HttpError) sendJson(res, err.status, { error: err.message }, err.close ? { connection: 'close' } : {});
      else sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 0;
  if (deps.kubeTls) acceptTls(server, deps.kubeTls);
  return server;
}

async function handle(deps: ControlDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  let m: RegExpExecArray | null;

  if ((m = route(path, /^\/v1\/proxies\/([^/]+)\/([^/]+)\/config$/)) && method === 'GET') {
    deps.push.subscribe(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''), res);
    return;
  }
  if ((m = route(path, /^\/v1\/proxies\/([^/]+)\/([^/]+)\/certificate$/)) && method === 'POST') {
    await handleCertificateRequest(deps.ca, decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''), req, res);
    return;
  }
  if ((m = route(path, /^\/v1\/proxies\/([^/]+)\/([^/]+)\/ack$/)) && method === 'POST') {
    deps.push.ack(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''), await readJson<AckMessage>(req));
    sendJson(res, 200, { ok: true });
    return;
  }
  if ((m = route(path, /^\/v1\/proxies\/([^/]+)\/([^/]+)\/dump$/)) && method === 'GET') {
    const config = deps.push.ackedConfig(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
    if (!config) sendJson(res, 404, { error: 'this proxy has not acknowledged any configuration' });
    else sendJson(res, 200, config);
    return;
  }
  if ((m = route(path, /^\/v1\/proxies\/([^/]+)\/([^/]+)\/(clusters|certs)$/)) && method === 'GET') {
    // Live state (circuit breakers, ejections, certificates) comes from the proxy's own admin endpoint.
    const w = deps.store.workload(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
    if (w?.adminPort === undefined) {
      sendJson(res, 404, { error: 'this pod has no proxy admin endpoint' });
      return;
    }
    const upstream = http.get({ host: '127.0.0.1', port: w.adminPort, path: `/${m[3] ?? 'clusters'}`, agent: false, timeout: 5000 }, (r) => {
      res.writeHead(r.statusCode ?? 502, { 'content-type': 'application/json' });
      r.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy());
    upstream.on('error', (e) => sendJson(res, 502, { error: `proxy admin endpoint: ${e.message}` }));
    return;
  }
  if (path === '/v1/analyze' && method === 'GET') {
    // What `tack analyze` finds in the running mesh (its resources keep their files and lines).
    const user = deps.store.list().filter((r) => !isBuiltin(r));
    sendJson(res, 200, { checks: [...analyze(user), ...notEnforcedChecks(user), ...compileChecks(deps.push.status())], resources: user.length });
    return;
  }
  if (path === '/healthz/ready') {
    const r = readiness(deps);
    sendJson(res, r.ready ? 200 : 503, r);
    return;
  }
  if (path === '/v1/version') {
    sendJson(res, 200, { version: deps.version, revision: deps.store.revision });
    return;
  }
  if (path === '/v1/proxy-status') {
    sendJson(res, 200, deps.push.status());
    return;
  }
  if ((path === '/v1/apply' || path === '/v1/delete') && method === 'POST') {
    const body = await readJson<ApplyRequest>(req);
    if (!Array.isArray(body.files)) throw new Error('expected {files: [{name, text}]}');
    const result = path === '/v1/apply' ? applyFiles(deps.store, body, { runnable: deps.runner !== undefined }) : deleteFiles(deps.store, body);
    if (!result.ok) {
      sendJson(res, 422, result);
      return;
    }
    const changed = result.changes.some((c) => c.action !== 'unchanged' && c.action !== 'not found');
    const revision = deps.store.revision;
    // Answer once every connected proxy serves the new configuration or refused it (or after 3 s, saying so).
    let converged = true;
    if (changed) {
      deps.push.flush();
      converged = await deps.push.waitFor(() => deps.push.status().every((s) => !s.connected || s.state !== 'STALE'), 3_000);
    }
    const status = deps.push.status();
    // Proxies that refused what this change made of their config (a later change counts too: it carries this one).
    const refused = changed ? status.filter((s) => s.connected && s.state === 'NACK' && Number(s.nackedVersion) >= revision) : [];
    const serving = status.filter((s) => s.connected && s.state === 'SYNCED').length;
    deps.log(`${path === '/v1/apply' ? 'apply' : 'delete'}: ${result.changes.map((c) => `${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name} ${c.action}`).join(', ')}`);
    sendJson(res, 200, { ...result, converged, version: String(revision), serving, refused: refused.map((s) => ({ namespace: s.namespace, pod: s.pod, version: s.nackedVersion, error: s.error ?? 'refused' })) });
    return;
  }
  if (path === '/v1/resources' && method === 'GET') {
    const kindParam = url.searchParams.get('kind') ?? '';
    const info = resolveKindName(kindParam);
    if (!info) {
      sendJson(res, 404, { error: `the server doesn't have a resource type "${kindParam}"` });
      return;
    }
    const ns = url.searchParams.get('namespace');
    const name = url.searchParams.get('name');
    const items = deps.store
      .list(info.kind)
      .filter((r) => (ns === null || !info.namespaced || r.namespace === ns) && (name === null || r.name === name))
      .map((r) => ({ ...refOf(r), apiVersion: r.apiVersion, object: deps.runner?.served(r) ?? r.object, source: r.source, createdAt: deps.store.createdAt(r) }));
    sendJson(res, 200, { kind: info.kind, namespaced: info.namespaced, items });
    return;
  }
  if (path === '/v1/pods' && method === 'GET') {
    const ns = url.searchParams.get('namespace');
    const pods = deps.store
      .workloads()
      .filter((w) => ns === null || w.namespace === ns)
      .map((w) => ({ ...w, containers: deps.runner?.pod(w.namespace, w.name)?.containerNames() ?? [], pids: deps.runner?.pod(w.namespace, w.name)?.pids() ?? {} }))
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
    sendJson(res, 200, { items: pods });
    return;
  }
  if ((m = route(path, /^\/v1\/pods\/([^/]+)\/([^/]+)\/logs$/)) && method === 'GET') {
    const pod = deps.runner?.pod(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
    if (!pod) {
      sendJson(res, 404, { error: `pod "${m[2]}" not found in namespace "${m[1]}"` });
      return;
    }
    const container = url.searchParams.get('container') ?? pod.containerNames()[0] ?? '';
    if (!pod.containerNames().includes(container)) {
      sendJson(res, 400, { error: `container ${container} is not valid for pod ${m[2]}: choose one of [${pod.containerNames().join(' ')}]` });
      return;
    }
    const file = pod.logFile(container);
    if (!existsSync(file)) {
      sendText(res, 200, '');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
    return;
  }
  if ((m = route(path, /^\/v1\/pods\/([^/]+)\/([^/]+)\/exec$/)) && method === 'GET') {
    const pod = deps.runner?.pod(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
    const env = pod?.execEnv(url.searchParams.get('container') ?? undefined);
    if (!pod || !env) {
      sendJson(res, 404, { error: `pod "${m[2]}" not found in namespace "${m[1]}"` });
      return;
    }
    sendJson(res, 200, env);
    return;
  }
  sendJson(res, 404, { error: `no such endpoint: ${method} ${path}` });
}
