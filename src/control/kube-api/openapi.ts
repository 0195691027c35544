/**
 * A small OpenAPI v3 document per group-version: enough for kubectl to see that every kind takes the
 * `fieldValidation` parameter, so it leaves validation to the server (tack's own) instead of asking for
 * full schemas. PATCH lists no strategic merge type, so kubectl falls back to its built-in patch metadata
 * for Kubernetes' kinds and to JSON merge patches for Istio's, as it does for CRDs.
 */
import { groups, resourcesOf } from './catalog.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openApiIndex(): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of groups()) for (const v of g.versions) paths[gvPath(g.name, v)] = { serverRelativeURL: `/openapi/v3/${gvPath(g.name, v)}` };
  return { paths };
}

const fieldValidation = { name: 'fieldValidation', in: 'query', description: 'Strict: unknown and duplicate fields are refused', schema: { type: 'string', uniqueItems: true } };

export function openApiDocument(gvPathText: string): unknown {
  const m = /^(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(gvPathText);
  if (!m) return undefined;
  const group = m[2] ?? '';
  const version = m[1] ?? m[3] ?? '';
  const list = resourcesOf(group, version);
  if (list.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const r of list) {
    const gvk = { group: r.group, version, kind: r.kind };
    const base = `/${gvPath(group, version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}/{name}`;
    const content = { 'application/json-patch+json': { schema: { type: 'object' } }, 'application/merge-patch+json': { schema: { type: 'object' } } };
    paths[base] = {
      parameters: [fieldValidation],
      patch: { operationId: `patch${r.kind}`, parameters: [fieldValidation], requestBody: { content }, responses: { '200': { description: 'OK' } }, 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': gvk },
    };
    schemas[`${r.group || 'core'}.${version}.${r.kind}`] = { type: 'object', 'x-kubernetes-group-version-kind': [gvk] };
  }
  return { openapi: '3.0.0', info: { title: 'tack', version }, paths, components: { schemas } };
}
