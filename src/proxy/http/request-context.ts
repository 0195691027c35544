/** What a listener hands the request path: which config is current and what kind of hop this is. */
import type { ListenerConfig, ProxyNode } from '../../compile/config.js';
import type { ProxyRuntime } from '../runtime/proxy-runtime.js';
import type { UpstreamHosts } from '../runtime/upstream.js';
import type { WorkloadSecrets } from '../tls/workload-secrets.js';

export interface ListenerContext {
  listener: ListenerConfig;
  /** The latest configuration: read once per request, so a request finishes on the config it started with. */
  current(): ProxyRuntime;
  hosts: UpstreamHosts;
  node: ProxyNode;
  /** The proxy's workload certificate, when it has one (its identity is XFCC's `By`). */
  secrets?: WorkloadSecrets;
  /** Called once per finished request (access log and metrics hang here). */
  onComplete?: (entry: RequestLogEntry) => void;
}

export interface RequestLogEntry {
  start: number;
  method: string;
  authority: string;
  path: string;
  status: number;
  flags: string;
  route: string;
  cluster: string;
  upstream: string;
  durationMs: number;
  attempts: number;
  requestId: string;
  direction: ListenerConfig['direction'];
}
