/**
 * `Table` answers (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns the API server
 * prints for Kubernetes' own kinds, and the additionalPrinterColumns of Istio's CRDs.
 */
import { ageOf } from './human-duration.js';
import type { KubeObject } from './objects.js';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | null;

interface Column {
  name: string;
  type?: string;
  /** Shown with `-o wide` only. */
  wide?: boolean;
  cell(o: KubeObject, now: number): Cell;
}

function at(o: unknown, path: readonly string[]): unknown {
  let v = o;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** A CRD printer column: strings as they are, anything else as JSON, absent as null (kubectl's `<none>`). */
function jsonPath(name: string, path: string): Column {
  const parts = path.split('.').filter(Boolean);
  return { name, cell: (o) => { const v = at(o, parts); return v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v); } };
}

const nameCol: Column = { name: 'Name', type: 'name', cell: (o) => String(o.metadata.name ?? '') };
const ageCol: Column = { name: 'Age', cell: (o, now) => ageOf(o.metadata.creationTimestamp, now) };

function formatLabels(m: unknown): string {
  if (!m || typeof m !== 'object' || Object.keys(m).length === 0) return '<none>';
  return Object.entries(m as Record<string, string>).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');
}

interface ContainerStatus { ready?: boolean; restartCount?: number; state?: { waiting?: { reason?: string } } }

const podColumns: Column[] = [
  nameCol,
  { name: 'Ready', cell: (o) => { const cs = (at(o, ['status', 'containerStatuses']) ?? []) as ContainerStatus[]; const total = ((at(o, ['spec', 'containers']) ?? []) as unknown[]).length; return `${cs.filter((c) => c.ready).length}/${total}`; } },
  {
    name: 'Status',
    cell: (o) => {
      if (o.metadata.deletionTimestamp) return 'Terminating';
      const cs = (at(o, ['status', 'containerStatuses']) ?? []) as ContainerStatus[];
      const waiting = cs.find((c) => c.state?.waiting?.reason && c.state.waiting.reason !== 'ContainerCreating');
      return waiting?.state?.waiting?.reason ?? String(at(o, ['status', 'phase']) ?? 'Unknown');
    },
  },
  { name: 'Restarts', type: 'integer', cell: (o) => ((at(o, ['status', 'containerStatuses']) ?? []) as ContainerStatus[]).reduce((n, c) => n + (c.restartCount ?? 0), 0) },
  ageCol,
  { name: 'IP', wide: true, cell: (o) => String(at(o, ['status', 'podIP']) ?? '<none>') },
  { name: 'Node', wide: true, cell: (o) => String(at(o, ['spec', 'nodeName']) ?? '<none>') },
  { name: 'Nominated Node', wide: true, cell: () => '<none>' },
  { name: 'Readiness Gates', wide: true, cell: () => '<none>' },
];

interface ServicePort { port: number; protocol?: string; nodePort?: number }

const serviceColumns: Column[] = [
  nameCol,
  { name: 'Type', cell: (o) => String(at(o, ['spec', 'type']) ?? 'ClusterIP') },
  { name: 'Cluster-IP', cell: (o) => String(at(o, ['spec', 'clusterIP']) ?? '<local>') },
  {
    name: 'External-IP',
    cell: (o) => {
      const type = at(o, ['spec', 'type']);
      const ingress = (at(o, ['status', 'loadBalancer', 'ingress']) ?? []) as { ip?: string }[];
      if (type === 'LoadBalancer') return ingress.map((i) => i.ip).filter(Boolean).join(',') || '<pending>';
      if (type === 'ExternalName') return String(at(o, ['spec', 'externalName']) ?? '<none>');
      return '<none>';
    },
  },
  { name: 'Port(s)', cell: (o) => ((at(o, ['spec', 'ports']) ?? []) as ServicePort[]).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>' },
  ageCol,
  { name: 'Selector', wide: true, cell: (o) => formatLabels(at(o, ['spec', 'selector'])) },
];

const num = (o: KubeObject, path: string[]): number => Number(at(o, path) ?? 0);
interface Container { name?: string; image?: string }
const templateContainers = (o: KubeObject): Container[] => (at(o, ['spec', 'template', 'spec', 'containers']) ?? []) as Container[];

const deploymentColumns: Column[] = [
  nameCol,
  { name: 'Ready', cell: (o) => `${num(o, ['status', 'readyReplicas'])}/${Number(at(o, ['spec', 'replicas']) ?? 1)}` },
  { name: 'Up-to-date', type: 'integer', cell: (o) => num(o, ['status', 'updatedReplicas']) },
  { name: 'Available', type: 'integer', cell: (o) => num(o, ['status', 'availableReplicas']) },
  ageCol,
  { name: 'Containers', wide: true, cell: (o) => templateContainers(o).map((c) => c.name ?? '').join(',') },
  { name: 'Images', wide: true, cell: (o) => templateContainers(o).map((c) => c.image ?? '').join(',') },
  { name: 'Selector', wide: true, cell: (o) => formatLabels(at(o, ['spec', 'selector', 'matchLabels'])) },
];

const countOf = (v: unknown): number => (v && typeof v === 'object' ? Object.keys(v).length : 0);

const COLUMNS: Record<string, Column[]> = {
  Pod: podColumns,
  Service: serviceColumns,
  Deployment: deploymentColumns,
  Namespace: [nameCol, { name: 'Status', cell: (o) => String(at(o, ['status', 'phase']) ?? 'Active') }, ageCol],
  ConfigMap: [nameCol, { name: 'Data', type: 'integer', cell: (o) => countOf(o.data) + countOf(o.binaryData) }, ageCol],
  Secret: [nameCol, { name: 'Type', cell: (o) => String(o.type ?? 'Opaque') }, { name: 'Data', type: 'integer', cell: (o) => countOf(o.data) + countOf(o.stringData) }, ageCol],
  ServiceAccount: [nameCol, { name: 'Secrets', type: 'integer', cell: (o) => ((o.secrets ?? []) as unknown[]).length }, ageCol],
  VirtualService: [nameCol, jsonPath('Gateways', '.spec.gateways'), jsonPath('Hosts', '.spec.hosts'), ageCol],
  DestinationRule: [nameCol, jsonPath('Host', '.spec.host'), ageCol],
  Gateway: [nameCol, ageCol],
  ServiceEntry: [nameCol, jsonPath('Hosts', '.spec.hosts'), jsonPath('Location', '.spec.location'), jsonPath('Resolution', '.spec.resolution'), ageCol],
  WorkloadEntry: [nameCol, ageCol, jsonPath('Address', '.spec.address')],
  Sidecar: [nameCol, ageCol],
  PeerAuthentication: [nameCol, jsonPath('Mode', '.spec.mtls.mode'), ageCol],
  AuthorizationPolicy: [nameCol, jsonPath('Action', '.spec.action'), ageCol],
  RequestAuthentication: [nameCol, ageCol],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion: string };
  columnDefinitions: ColumnDefinition[];
  rows: { cells: Cell[]; object?: unknown }[];
}

function rowObject(o: KubeObject, include: IncludeObject): unknown {
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(kind: string, objects: readonly KubeObject[], opts: { now: number; resourceVersion: string; include: IncludeObject }): Table {
  const columns = COLUMNS[kind] ?? [nameCol, ageCol];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: opts.resourceVersion },
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type === 'integer' ? 'integer' : 'string', format: c.type === 'name' ? 'name' : '', description: '', priority: c.wide ? 1 : 0 })),
    rows: objects.map((o) => ({ cells: columns.map((c) => c.cell(o, opts.now)), ...(opts.include === 'None' ? {} : { object: rowObject(o, opts.include) }) })),
  };
}
