import type { SourceLocation, ResourceRef } from './checks.js';
import type { ObjectMeta } from './schema/meta.js';

export type { ObjectMeta };

/** A validated resource as stored: the object as written, its identity, and where it came from. */
export interface Resource<T = Record<string, unknown>> {
  apiVersion: string;
  kind: string;
  /** Name and namespace resolved (namespace defaulted for namespaced kinds, absent for cluster-scoped). */
  name: string;
  namespace: string | undefined;
  metadata: ObjectMeta;
  /** The whole object as written (validated against the kind's schema). */
  object: T;
  source: SourceLocation;
  /** Line of a field inside this resource (the nearest written ancestor when the field is absent). */
  lineOf(path: readonly (string | number)[]): number;
}

export function refOf(r: { kind: string; name: string; namespace?: string | undefined }): ResourceRef {
  return r.namespace ? { kind: r.kind, namespace: r.namespace, name: r.name } : { kind: r.kind, name: r.name };
}

