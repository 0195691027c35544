/** networking.istio.io ServiceEntry. PLACEHOLDER: spec not yet described field by field. */
import { z } from 'zod';
import { obj } from '../schema/fields.js';
import { defineKind, statusField, NETWORKING_VERSIONS } from './define.js';

export const serviceEntrySpecSchema = obj({}).passthrough();
export type ServiceEntrySpec = z.infer<typeof serviceEntrySpecSchema>;

export const ServiceEntry = defineKind({
  kind: 'ServiceEntry',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  plural: 'serviceentries',
  shortNames: ['se'],
  body: { spec: serviceEntrySpecSchema, status: statusField },
});
export type ServiceEntryObject = z.infer<typeof ServiceEntry.schema>;
