/**
 * Broken parts disabled, the rest keeps serving: a resource whose compilation throws for one proxy
 * is left out of that proxy's config and reported, instead of failing the proxy's whole push.
 */
import type { ResourceRef, SourceLocation } from '../api/checks.js';
import type { Resource } from '../api/resource.js';
import { refOf } from '../api/resource.js';

/** A resource left out of one proxy's config, and why. */
export interface SkippedResource {
  resource: ResourceRef;
  source?: SourceLocation;
  error: string;
}

/**
 * Runs one resource's part of a compilation; when it throws, notes the resource in `skipped` and
 * returns `fallback` (what the config would hold without that resource).
 */
export function isolate<T>(resource: Resource<object>, skipped: SkippedResource[], compile: () => T, fallback: () => T): T {
  try {
    return compile();
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    if (!skipped.some((s) => s.error === error && sameRef(s.resource, resource))) skipped.push({ resource: refOf(resource), source: resource.source, error });
    return fallback();
  }
}

function sameRef(a: ResourceRef, b: { kind: string; namespace?: string | undefined; name: string }): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}
