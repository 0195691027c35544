import { z } from 'zod';
import { obj, str } from '../schema/fields.js';
import { objectMetaSchema } from '../schema/meta.js';

export interface KindInfo {
  kind: string;
  /** API group; '' for Kubernetes core. */
  group: string;
  versions: readonly string[];
  namespaced: boolean;
  /** Lower-case plural, as kubectl accepts it. */
  plural: string;
  shortNames: readonly string[];
  /** The whole object: apiVersion, kind, metadata and the kind's own top-level fields. */
  schema: z.ZodType;
  /** Whether the kind is Istio's (spec required, exportTo semantics, ...). */
  istio: boolean;
}

export interface KindDefinition<T extends z.ZodRawShape> {
  kind: string;
  group: string;
  versions: readonly string[];
  namespaced?: boolean;
  plural: string;
  shortNames?: readonly string[];
  /** Top-level fields besides apiVersion, kind and metadata (typically `spec`, plus `status`). */
  body: T;
}

export function defineKind<T extends z.ZodRawShape>(def: KindDefinition<T>) {
  const schema = obj({ apiVersion: str(), kind: str(), metadata: objectMetaSchema, ...def.body });
  const info: KindInfo = {
    kind: def.kind,
    group: def.group,
    versions: def.versions,
    namespaced: def.namespaced ?? true,
    plural: def.plural,
    shortNames: def.shortNames ?? [],
    schema,
    istio: def.group.endsWith('istio.io'),
  };
  return { info, schema };
}

/** `status` is written by controllers; accepted on input and never read. */
export const statusField = z.unknown().optional();

export const NETWORKING_VERSIONS = ['v1alpha3', 'v1beta1', 'v1'] as const;
export const SECURITY_VERSIONS = ['v1beta1', 'v1'] as const;
