/** The three patch types the API server takes, chosen by the request's Content-Type. */
import type { ApiResource } from '../catalog.js';
import { Status } from '../status.js';
import { mergePatch, type Json } from './json-merge.js';
import { jsonPatch, PatchError } from './json-patch.js';
import { strategicMerge } from './strategic-merge.js';

export { mergePatch, jsonPatch, strategicMerge, PatchError, type Json };

export function applyPatch(type: ApiResource, contentType: string, current: unknown, patch: unknown): Json {
  const media = contentType.split(';')[0]?.trim() ?? '';
  const base = current as Json;
  try {
    switch (media) {
      case 'application/merge-patch+json':
        return mergePatch(base, patch as Json);
      case 'application/json-patch+json':
        return jsonPatch(base, patch);
      case 'application/strategic-merge-patch+json':
        // As for CRDs in Kubernetes: Istio's kinds have no patch strategies to merge by.
        if (type.info.istio) throw Status.unsupportedMediaType(media);
        return strategicMerge(type.kind, base, patch as Json);
      default:
        throw Status.unsupportedMediaType(media || '(none)');
    }
  } catch (err) {
    if (err instanceof PatchError) throw Status.invalid(type.kind, type.group, '', [{ reason: 'FieldValueInvalid', field: '<patch>', message: err.message }]);
    throw err;
  }
}
