/** Reading a Kubernetes API path: `/apis/GROUP/VERSION/namespaces/NS/PLURAL/NAME/SUBRESOURCE`. */
import { byPlural, resourcesOf, type ApiResource } from './catalog.js';

export type ApiPath =
  | { kind: 'version' }
  | { kind: 'api' }
  | { kind: 'apis' }
  | { kind: 'group'; group: string }
  | { kind: 'resources'; group: string; version: string }
  | { kind: 'openapi'; rest: string }
  | { kind: 'object'; type: ApiResource; version: string; namespace: string | undefined; name: string | undefined; subresource: string | undefined }
  | { kind: 'unknown' };

/** The paths this API answers; everything else is the rest of the control API's. */
export function isKubeApiPath(path: string): boolean {
  return path === '/version' || path === '/api' || path === '/apis' || /^\/(api|apis|openapi|version)\//.test(path) || path === '/openapi';
}

function objectPath(group: string, version: string, rest: string[]): ApiPath {
  const known = resourcesOf(group, version);
  if (known.length === 0) return { kind: 'unknown' };
  let namespace: string | undefined;
  let parts = rest;
  // `namespaces/NS/PLURAL...` names a namespace's collection; `namespaces/NS` alone is the Namespace itself.
  if (parts[0] === 'namespaces' && parts.length >= 3 && byPlural(group, version, parts[2] ?? '')) {
    namespace = parts[1];
    parts = parts.slice(2);
  }
  const [plural, name, subresource, ...more] = parts;
  const type = byPlural(group, version, plural ?? '');
  if (!type || more.length > 0) return { kind: 'unknown' };
  if (namespace !== undefined && !type.namespaced) return { kind: 'unknown' };
  return { kind: 'object', type, version, namespace, name, subresource };
}

export function parseApiPath(path: string): ApiPath {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, a, b, ...rest] = parts;
  if (head === 'version' && parts.length === 1) return { kind: 'version' };
  if (head === 'openapi') return { kind: 'openapi', rest: parts.slice(1).join('/') };
  if (head === 'api') {
    if (a === undefined) return { kind: 'api' };
    if (b === undefined) return { kind: 'resources', group: '', version: a };
    return objectPath('', a, [b, ...rest]);
  }
  if (head === 'apis') {
    if (a === undefined) return { kind: 'apis' };
    if (b === undefined) return { kind: 'group', group: a };
    if (rest.length === 0) return { kind: 'resources', group: a, version: b };
    return objectPath(a, b, rest);
  }
  return { kind: 'unknown' };
}
