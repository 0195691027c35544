/**
 * Discovery: what kubectl reads before anything else. Both the aggregated form kubectl 1.32 asks for
 * first (apidiscovery.k8s.io/v2) and the per-group documents older clients walk.
 */
import { API_RESOURCES, groups, resourcesOf, type ApiResource } from './catalog.js';

/** The Kubernetes minor version the API answers as: the API shape tack follows. */
export const KUBE_MAJOR = '1';
export const KUBE_MINOR = '32';

export const AGGREGATED_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Whether the client asked for aggregated discovery (and which media type to answer with). */
export function wantsAggregated(accept: string | undefined): string | undefined {
  for (const part of (accept ?? '').split(',')) {
    const p = part.replace(/\s+/g, '');
    if (!p.includes('as=APIGroupDiscoveryList') || !p.startsWith('application/json')) continue;
    if (p.includes('v=v2;') || p.endsWith('v=v2')) return AGGREGATED_TYPE;
    if (p.includes('v=v2beta1')) return 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
  }
  return undefined;
}

export function versionInfo(tackVersion: string): Record<string, string> {
  return {
    major: KUBE_MAJOR,
    minor: KUBE_MINOR,
    gitVersion: `v${KUBE_MAJOR}.${KUBE_MINOR}.0+tack-${tackVersion}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tack',
    platform: `${process.platform}/${process.arch}`,
  };
}

/** Subresources tack serves, by the resource they belong to. */
export const SUBRESOURCES: Readonly<Record<string, readonly { name: string; kind: string; verbs: string[] }[]>> = {
  pods: [{ name: 'log', kind: 'Pod', verbs: ['get'] }],
};

function gv(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function coreVersions(address: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }] };
}

function apiGroup(g: { name: string; versions: string[] }): unknown {
  const versions = g.versions.map((v) => ({ groupVersion: gv(g.name, v), version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function groupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups().filter((g) => g.name !== '').map(apiGroup) };
}

export function groupDocument(name: string): unknown {
  const g = groups().find((x) => x.name === name && name !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...(apiGroup(g) as object) } : undefined;
}

export function resourceList(group: string, version: string): unknown {
  const list = resourcesOf(group, version);
  if (list.length === 0) return undefined;
  const resources = list.flatMap((r) => [
    { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, ...(r.shortNames.length ? { shortNames: r.shortNames } : {}), ...(r.categories.length ? { categories: r.categories } : {}) },
    ...(SUBRESOURCES[r.plural] ?? []).map((s) => ({ name: `${r.plural}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv(group, version), resources };
}

function discoveryResource(r: ApiResource, version: string): unknown {
  return {
    resource: r.plural,
    responseKind: { group: r.group, version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(SUBRESOURCES[r.plural] ? { subresources: SUBRESOURCES[r.plural]?.map((s) => ({ subresource: s.name, responseKind: { group: '', version: 'v1', kind: s.kind }, verbs: s.verbs })) } : {}),
  };
}

/** `/api` (core) or `/apis` (every named group) in the aggregated form. */
export function aggregated(core: boolean, apiVersion: string): unknown {
  const items = groups()
    .filter((g) => (g.name === '') === core)
    .map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({ version: v, resources: API_RESOURCES.filter((r) => r.group === g.name && r.versions.includes(v)).map((r) => discoveryResource(r, v)), freshness: 'Current' })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}
