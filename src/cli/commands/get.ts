/** `tack get`: kubectl-like listings of a running mesh's resources and pods. */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { resolveKindName } from '../../api/index.js';
import type { WorkloadInstance } from '../../store/index.js';
import { controlPortOf, request, ControlError } from '../control-client.js';
import { renderTable, age } from '../table.js';

interface Item {
  kind: string;
  namespace?: string;
  name: string;
  apiVersion: string;
  object: Record<string, unknown>;
  createdAt?: number;
}

type Pod = WorkloadInstance & { containers: string[] };

interface GetOptions {
  namespace?: string;
  allNamespaces?: boolean;
  output?: string;
  controlPort?: string;
}

/** EXTERNAL-IP as kubectl prints it: the load balancer's addresses (or <pending>), externalIPs, or an ExternalName's name. */
function externalIp(type: string, spec: Record<string, unknown>, status: unknown): string {
  if (type === 'ExternalName') return (spec.externalName as string | undefined) ?? '<none>';
  const external = (spec.externalIPs as string[] | undefined) ?? [];
  if (type === 'LoadBalancer') {
    const ingress = ((status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined)?.loadBalancer?.ingress ?? []).map((x) => x.ip ?? x.hostname ?? '').filter(Boolean);
    const all = [...ingress, ...external];
    return all.length > 0 ? all.join(',') : '<pending>';
  }
  return external.length > 0 ? external.join(',') : '<none>';
}

function columns(kind: string, items: readonly Item[], pods: readonly Pod[], wide: boolean): { headers: string[]; rows: string[][] } {
  const spec = (i: Item) => (i.object.spec ?? {}) as Record<string, unknown>;
  const list = (v: unknown) => JSON.stringify(v ?? []);
  switch (kind) {
    case 'Deployment':
      return {
        headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
        rows: items.map((i) => {
          const replicas = (spec(i).replicas as number | undefined) ?? 1;
          const mine = pods.filter((p) => p.namespace === i.namespace && p.deployment === i.name && p.phase !== 'Terminating');
          const ready = mine.filter((p) => p.ready).length;
          return [i.name, `${ready}/${replicas}`, String(Math.min(mine.length, replicas)), String(ready), age(i.createdAt)];
        }),
      };
    case 'Service':
      return {
        headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
        rows: items.map((i) => {
          const s = spec(i);
          const ports = ((s.ports as { port: number; protocol?: string; nodePort?: number }[] | undefined) ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
          const type = (s.type as string | undefined) ?? 'ClusterIP';
          return [i.name, type, (s.clusterIP as string | undefined) || '<none>', externalIp(type, s, i.object.status), ports || '<none>', age(i.createdAt)];
        }),
      };
    case 'VirtualService':
      return { headers: ['NAME', 'GATEWAYS', 'HOSTS', 'AGE'], rows: items.map((i) => [i.name, list(spec(i).gateways), list(spec(i).hosts), age(i.createdAt)]) };
    case 'DestinationRule':
      return { headers: ['NAME', 'HOST', 'AGE'], rows: items.map((i) => [i.name, String(spec(i).host ?? ''), age(i.createdAt)]) };
    case 'ServiceEntry':
      return { headers: ['NAME', 'HOSTS', 'LOCATION', 'RESOLUTION', 'AGE'], rows: items.map((i) => [i.name, list(spec(i).hosts), String(spec(i).location ?? ''), String(spec(i).resolution ?? ''), age(i.createdAt)]) };
    case 'PeerAuthentication':
      return { headers: ['NAME', 'MODE', 'AGE'], rows: items.map((i) => [i.name, String((spec(i).mtls as { mode?: string } | undefined)?.mode ?? ''), age(i.createdAt)]) };
    case 'AuthorizationPolicy':
      return { headers: ['NAME', 'ACTION', 'AGE'], rows: items.map((i) => [i.name, String(spec(i).action ?? 'ALLOW'), age(i.createdAt)]) };
    default:
      return { headers: wide ? ['NAME', 'APIVERSION', 'AGE'] : ['NAME', 'AGE'], rows: items.map((i) => (wide ? [i.name, i.apiVersion, age(i.createdAt)] : [i.name, age(i.createdAt)])) };
  }
}

function podRows(pods: readonly Pod[], wide: boolean): { headers: string[]; rows: string[][] } {
  const headers = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', ...(wide ? ['IP', 'PORTS'] : [])];
  const rows = pods.map((p) => {
    const total = p.containers.length || 1;
    const ready = p.ready ? total : p.phase === 'Running' ? total - 1 : 0;
    const ports = p.ports.map((x) => `${x.containerPort}→${x.endpointPort}`).join(',');
    return [p.name, `${ready}/${total}`, p.phase, String(p.restarts), age(p.startedAt), ...(wide ? [p.address, ports || '<none>'] : [])];
  });
  return { headers, rows };
}

export function registerGet(program: Command): void {
  program
    .command('get')
    .description('list resources of a running mesh, as kubectl get does (vs, dr, gw, se, svc, deploy, pods, ...)')
    .argument('<kind>', 'kind, plural or short name')
    .argument('[name]', 'one resource by name')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-A, --all-namespaces', 'every namespace')
    .option('-o, --output <format>', 'yaml, json or wide')
    .option('--control-port <port>', 'control port of the mesh')
    .action(async (kindArg: string, name: string | undefined, opts: GetOptions) => {
      const port = controlPortOf(opts.controlPort);
      const info = resolveKindName(kindArg);
      if (!info) throw new ControlError(`the server doesn't have a resource type "${kindArg}"`);
      const ns = opts.allNamespaces ? undefined : opts.namespace ?? 'default';
      const podsAnswer = await request<{ items: Pod[] }>(port, 'GET', `/v1/pods${ns ? `?namespace=${encodeURIComponent(ns)}` : ''}`);
      const pods = podsAnswer.body.items.filter((p) => name === undefined || p.name === name);
      const query = new URLSearchParams({ kind: info.kind, ...(ns && info.namespaced ? { namespace: ns } : {}), ...(name ? { name } : {}) });
      const answer = await request<{ items: Item[]; error?: string }>(port, 'GET', `/v1/resources?${query.toString()}`);
      if (answer.status !== 200) throw new ControlError(answer.body.error ?? `HTTP ${answer.status}`);
      const items = answer.body.items;
      if (opts.output === 'yaml' || opts.output === 'json') {
        const objects = info.kind === 'Pod' ? pods : items.map((i) => i.object);
        const out = name !== undefined && objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
        process.stdout.write(opts.output === 'json' ? `${JSON.stringify(out, null, 2)}\n` : stringify(out));
        if (name !== undefined && objects.length === 0) process.exitCode = 1;
        return;
      }
      const wide = opts.output === 'wide';
      const table = info.kind === 'Pod' ? podRows(pods, wide) : columns(info.kind, items, podsAnswer.body.items, wide);
      if (table.rows.length === 0) {
        if (name !== undefined) {
          process.stderr.write(`Error from server (NotFound): ${info.plural} "${name}" not found\n`);
          process.exitCode = 1;
        } else {
          process.stderr.write(`No resources found${ns && info.namespaced ? ` in ${ns} namespace` : ''}.\n`);
        }
        return;
      }
      const withNs = opts.allNamespaces && info.namespaced;
      const source = info.kind === 'Pod' ? pods : items;
      process.stdout.write(renderTable(withNs ? ['NAMESPACE', ...table.headers] : table.headers, withNs ? table.rows.map((r, i) => [source[i]?.namespace ?? '', ...r]) : table.rows));
    });
}
