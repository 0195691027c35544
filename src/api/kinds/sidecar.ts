/** networking.istio.io Sidecar. PLACEHOLDER: spec not yet described field by field. */
import { z } from 'zod';
import { obj } from '../schema/fields.js';
import { defineKind, statusField, NETWORKING_VERSIONS } from './define.js';

export const sidecarSpecSchema = obj({}).passthrough();
export type SidecarSpec = z.infer<typeof sidecarSpecSchema>;

export const Sidecar = defineKind({
  kind: 'Sidecar',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  plural: 'sidecars',
  shortNames: [],
  body: { spec: sidecarSpecSchema, status: statusField },
});
export type SidecarObject = z.infer<typeof Sidecar.schema>;
