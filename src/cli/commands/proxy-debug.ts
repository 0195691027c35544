/** `tack proxy-status` and `tack proxy-config`, as istioctl shows them. */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { ProxyConfig } from '../../compile/config.js';
import type { ProxyStatus } from '../../push/index.js';
import { controlPortOf, request, ControlError } from '../control-client.js';
import { renderTable } from '../table.js';
import { formatRef } from '../../api/checks.js';
import { resolvePod } from '../pod-ref.js';

export function registerProxyStatus(program: Command): void {
  program
    .command('proxy-status')
    .description('every proxy and whether it serves the latest configuration (SYNCED, STALE, NACK)')
    .option('--control-port <port>', 'control port of the mesh')
    .action(async (opts: { controlPort?: string }) => {
      const answer = await request<ProxyStatus[]>(controlPortOf(opts.controlPort), 'GET', '/v1/proxy-status');
      const rows = answer.body.map((s) => [`${s.pod}.${s.namespace}`, s.state, s.ackedVersion ?? '-', s.sentVersion ?? '-', s.error ?? '']);
      process.stdout.write(renderTable(['NAME', 'STATUS', 'ACKED', 'SENT', 'ERROR'], rows));
      // Resources left out of a proxy's config are a note per proxy: too long for a column.
      for (const s of answer.body) {
        for (const k of s.skipped ?? []) process.stdout.write(`${s.pod}.${s.namespace}: left out ${formatRef(k.resource)}${k.source ? ` (${k.source.file}${k.source.line > 0 ? `:${k.source.line}` : ''})` : ''}: ${k.error}\n`);
        if (s.compileError !== undefined) process.stdout.write(`${s.pod}.${s.namespace}: no configuration can be compiled: ${s.compileError}\n`);
      }
    });
}

type Section = 'routes' | 'clusters' | 'listeners' | 'endpoints' | 'all';

interface LiveCluster {
  name: string;
  limits: Record<string, number | null>;
  circuitBreaker: { active: number; pending: number; connections: number; retries: number; overflows: number };
  outlierDetection: boolean;
  endpoints: { address: string; active: number; ejected: boolean; ejections: number; ejectedUntil?: string }[];
}

function limitsText(l: Record<string, number | null> | undefined): string {
  const set = Object.entries(l ?? {}).filter(([, v]) => v !== null);
  return set.length ? set.map(([k, v]) => `${k}=${String(v)}`).join(' ') : '-';
}

function summary(config: ProxyConfig, section: Section, live: Map<string, LiveCluster>): string {
  switch (section) {
    case 'listeners':
      return renderTable(['NAME', 'ADDRESS', 'PORT', 'PROTOCOL', 'DIRECTION', 'ROUTES / DESTINATION'], config.listeners.map((l) => [l.name, l.address, String(l.port), l.protocol, l.direction, l.routeTable ?? (l.routeTablePrefix !== undefined ? 'by port' : l.tcpCluster ?? (l.appPort !== undefined ? `app :${l.appPort}` : ''))]));
    case 'routes': {
      const rows: string[][] = [];
      for (const t of Object.values(config.routes)) for (const vh of t.virtualHosts) for (const r of vh.routes) {
        const match = r.match.uri ? Object.entries(r.match.uri).map(([k, v]) => `${k} ${String(v)}`).join('') : '/*';
        const action = r.action.kind === 'forward' ? r.action.clusters.map((c) => `${c.cluster} ${c.weight}`).join(', ') : r.action.kind;
        rows.push([t.name, vh.domains.join(','), match, r.name, action]);
      }
      return renderTable(['ROUTE TABLE', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE', 'DESTINATIONS'], rows);
    }
    case 'clusters':
      return renderTable(
        ['SERVICE FQDN', 'PORT', 'SUBSET', 'LB', 'ENDPOINTS', 'CIRCUIT BREAKER', 'IN FLIGHT', 'OVERFLOWS', 'OUTLIER', 'EJECTED'],
        Object.values(config.clusters).map((c) => {
          const l = live.get(c.name);
          const cb = l?.circuitBreaker;
          const ejected = l?.endpoints.filter((e) => e.ejected).map((e) => e.address) ?? [];
          const od = c.outlierDetection;
          return [
            c.service || c.name, String(c.port), c.subset ?? '-', c.lb, String(c.endpoints.length), limitsText(l?.limits),
            cb ? `active=${cb.active} pending=${cb.pending} conns=${cb.connections}` : '-', cb ? String(cb.overflows) : '-',
            od ? `5xx=${od.consecutive5xx} gateway=${od.consecutiveGateway} base=${od.baseEjectionMs}ms max=${od.maxEjectionPercent}%` : '-',
            ejected.length ? ejected.join(',') : '-',
          ];
        }),
      );
    case 'endpoints': {
      const rows: string[][] = [];
      for (const c of Object.values(config.clusters)) {
        const l = live.get(c.name);
        for (const e of c.endpoints) {
          const state = l?.endpoints.find((x) => x.address === `${e.address}:${e.port}`);
          rows.push([`${e.address}:${e.port}`, e.pod ?? '-', state?.ejected ? `EJECTED until ${state.ejectedUntil ?? ''}` : 'HEALTHY', c.name]);
        }
      }
      return renderTable(['ENDPOINT', 'POD', 'STATUS', 'CLUSTER'], rows);
    }
    default:
      return stringify(config);
  }
}

export function registerProxyConfig(program: Command): void {
  program
    .command('proxy-config')
    .description("what one proxy serves: routes, clusters, listeners, endpoints or secret (-o yaml|json for the full config)")
    .argument('<section>', 'routes | clusters | listeners | endpoints | secret | all')
    .argument('<pod>', 'pod/NAME, deploy/NAME or NAME (the ingress gateway is in istio-system)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-o, --output <format>', 'yaml or json')
    .option('--control-port <port>', 'control port of the mesh')
    .action(async (sectionArg: string, ref: string, opts: { namespace: string; output?: string; controlPort?: string }) => {
      const singular: Record<string, Section | 'secret'> = { route: 'routes', routes: 'routes', cluster: 'clusters', clusters: 'clusters', listener: 'listeners', listeners: 'listeners', endpoint: 'endpoints', endpoints: 'endpoints', secret: 'secret', secrets: 'secret', all: 'all' };
      const section = singular[sectionArg];
      if (!section) throw new ControlError(`unknown section "${sectionArg}": use routes, clusters, listeners, endpoints, secret or all`);
      const port = controlPortOf(opts.controlPort);
      const [name, nsFromRef] = ref.includes('.') && !ref.includes('/') ? ref.split('.', 2) : [ref, undefined];
      const pod = await resolvePod(port, name ?? ref, nsFromRef ?? opts.namespace);
      if (section === 'secret') {
        await printSecrets(port, pod, opts.output);
        return;
      }
      const answer = await request<ProxyConfig | { error: string }>(port, 'GET', `/v1/proxies/${encodeURIComponent(pod.namespace)}/${encodeURIComponent(pod.name)}/dump`);
      if (answer.status !== 200) throw new ControlError((answer.body as { error: string }).error);
      const config = answer.body as ProxyConfig;
      const part = section === 'all' ? config : section === 'routes' ? config.routes : section === 'clusters' || section === 'endpoints' ? config.clusters : config.listeners;
      if (opts.output === 'json') process.stdout.write(`${JSON.stringify(part, null, 2)}\n`);
      else if (opts.output === 'yaml') process.stdout.write(stringify(part));
      else {
        const liveAnswer = section === 'clusters' || section === 'endpoints' ? await request<LiveCluster[] | { error: string }>(port, 'GET', `/v1/proxies/${encodeURIComponent(pod.namespace)}/${encodeURIComponent(pod.name)}/clusters`) : undefined;
        const live = new Map<string, LiveCluster>(liveAnswer?.status === 200 ? (liveAnswer.body as LiveCluster[]).map((c) => [c.name, c]) : []);
        process.stdout.write(summary(config, section, live));
      }
    });
}

/** `proxy-config secret`: the workload certificate and root a proxy holds, in istioctl's columns (-o json: Envoy's secret dump, PEMs included). */
async function printSecrets(port: number, pod: { namespace: string; name: string }, output: string | undefined): Promise<void> {
  const answer = await request<{ certChainPem?: string; rootPem?: string; error?: string }>(port, 'GET', `/v1/proxies/${encodeURIComponent(pod.namespace)}/${encodeURIComponent(pod.name)}/certs`);
  if (answer.status !== 200) throw new ControlError(answer.body.error ?? `the proxy answered ${answer.status}`);
  // Loaded here only: the X.509 library is not needed by any other command.
  const { formatSecretTable, secretDump, secretRows } = await import('../../security/ca/index.js');
  const input = { ...(answer.body.certChainPem ? { certChainPem: answer.body.certChainPem } : {}), ...(answer.body.rootPem ? { rootPem: answer.body.rootPem } : {}), now: Date.now() };
  if (output === 'json') process.stdout.write(`${JSON.stringify(secretDump(input), null, 2)}\n`);
  else if (output === 'yaml') process.stdout.write(stringify(secretDump(input)));
  else process.stdout.write(formatSecretTable(secretRows(input)));
}
