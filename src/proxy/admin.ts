/**
 * The proxy's admin endpoint (Envoy's is on :15000): what it serves, and the live state of its
 * clusters — circuit-breaker counters and outlier ejections — for `tack proxy-config clusters`.
 */
import http from 'node:http';
import type { ProxyRuntime } from './runtime/proxy-runtime.js';
import type { WorkloadSecrets } from './tls/workload-secrets.js';

export interface ClusterRuntimeState {
  name: string;
  limits: Record<string, number | null>;
  circuitBreaker: { active: number; pending: number; connections: number; retries: number; overflows: number };
  outlierDetection: boolean;
  endpoints: { address: string; active: number; ejected: boolean; ejections: number; ejectedUntil?: string }[];
}

function limit(n: number): number | null {
  return n >= Number.MAX_SAFE_INTEGER ? null : n;
}

export function clusterStates(runtime: ProxyRuntime): ClusterRuntimeState[] {
  return [...runtime.clusters.values()].map((c) => {
    const state = c.state;
    const l = state?.breaker.limits;
    return {
      name: c.config.name,
      limits: (l ? { maxConnections: limit(l.maxConnections), maxPendingRequests: limit(l.maxPending), maxRequests: limit(l.maxRequests), maxRetries: limit(l.maxRetries), maxRequestsPerConnection: l.maxRequestsPerConnection || null } : {}) as Record<string, number | null>,
      circuitBreaker: state?.breaker.snapshot() ?? { active: 0, pending: 0, connections: 0, retries: 0, overflows: 0 },
      outlierDetection: state?.outlier !== undefined,
      endpoints: c.endpoints.map((e) => {
        const o = state?.outlier?.state(e.host.key);
        return { address: e.host.key, active: e.host.active, ejected: o?.ejected ?? false, ejections: o?.ejections ?? 0, ...(o?.ejectedUntil ? { ejectedUntil: new Date(o.ejectedUntil).toISOString() } : {}) };
      }),
    };
  });
}

export function startAdmin(port: number, current: () => ProxyRuntime | undefined, secrets?: WorkloadSecrets): http.Server {
  const server = http.createServer((req, res) => {
    const runtime = current();
    const send = (status: number, body: unknown): void => {
      const text = JSON.stringify(body, null, 2);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    // The certificates this proxy holds (Envoy's /certs), for `tack proxy-config secret`; never the key.
    if (req.url === '/certs') {
      const cert = secrets?.current;
      return send(200, cert ? { certChainPem: cert.certChainPem, rootPem: cert.rootCertPem } : {});
    }
    if (!runtime) return send(503, { error: 'no configuration yet' });
    if (req.url === '/config_dump') return send(200, runtime.config);
    if (req.url === '/clusters') return send(200, clusterStates(runtime));
    if (req.url === '/ready') return send(200, { version: runtime.version });
    return send(404, { error: 'unknown admin path' });
  });
  server.listen(port, '127.0.0.1');
  server.on('error', () => undefined);
  return server;
}
