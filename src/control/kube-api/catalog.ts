/** The resource types the Kubernetes API serves, as discovery describes them to kubectl. */
import { KINDS, type KindInfo } from '../../api/index.js';

export interface ApiResource {
  kind: string;
  group: string;
  /** Served versions, the preferred one first. */
  versions: readonly string[];
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly string[];
  info: KindInfo;
}

const WRITE_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

/** Categories as the Istio CRDs and Kubernetes' own types declare them (`kubectl get istio-io`, `kubectl get all`). */
function categoriesOf(info: KindInfo): string[] {
  if (info.group === 'networking.istio.io') return ['istio-io', 'networking-istio-io'];
  if (info.group === 'security.istio.io') return ['istio-io', 'security-istio-io'];
  if (['Pod', 'Service', 'Deployment'].includes(info.kind)) return ['all'];
  return [];
}

/** Kubernetes serves the newest version first; tack's kinds list theirs oldest first. */
function preferredFirst(versions: readonly string[]): string[] {
  const rank = (v: string): number => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return 0;
    const stability = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
    return stability * 1e6 + Number(m[1]) * 1e3 + Number(m[3] ?? 0);
  };
  return [...versions].sort((a, b) => rank(b) - rank(a));
}

export const API_RESOURCES: readonly ApiResource[] = KINDS.map((info) => ({
  kind: info.kind,
  group: info.group,
  versions: preferredFirst(info.versions),
  plural: info.plural,
  singular: info.kind.toLowerCase(),
  namespaced: info.namespaced,
  shortNames: info.shortNames,
  categories: categoriesOf(info),
  verbs: WRITE_VERBS,
  info,
}));

/** Groups in the order discovery lists them: core first, then as the kinds come. */
export function groups(): { name: string; versions: string[] }[] {
  const out: { name: string; versions: string[] }[] = [];
  for (const r of API_RESOURCES) {
    let g = out.find((x) => x.name === r.group);
    if (!g) out.push((g = { name: r.group, versions: [] }));
    for (const v of r.versions) if (!g.versions.includes(v)) g.versions.push(v);
  }
  for (const g of out) g.versions = preferredFirst(g.versions);
  return out;
}

export function resourcesOf(group: string, version: string): ApiResource[] {
  return API_RESOURCES.filter((r) => r.group === group && r.versions.includes(version));
}

export function byPlural(group: string, version: string, plural: string): ApiResource | undefined {
  return resourcesOf(group, version).find((r) => r.plural === plural);
}


export function apiVersion(r: { group: string }, version: string): string {
  return r.group ? `${r.group}/${version}` : version;
}
