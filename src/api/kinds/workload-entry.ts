/** networking.istio.io WorkloadEntry. PLACEHOLDER: spec not yet described field by field. */
import { z } from 'zod';
import { obj } from '../schema/fields.js';
import { defineKind, statusField, NETWORKING_VERSIONS } from './define.js';

export const workloadEntrySpecSchema = obj({}).passthrough();
export type WorkloadEntrySpec = z.infer<typeof workloadEntrySpecSchema>;

export const WorkloadEntry = defineKind({
  kind: 'WorkloadEntry',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  plural: 'workloadentries',
  shortNames: ['we'],
  body: { spec: workloadEntrySpecSchema, status: statusField },
});
export type WorkloadEntryObject = z.infer<typeof WorkloadEntry.schema>;
