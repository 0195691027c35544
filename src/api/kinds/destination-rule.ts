/** networking.istio.io DestinationRule. PLACEHOLDER: spec not yet described field by field. */
import { z } from 'zod';
import { obj } from '../schema/fields.js';
import { defineKind, statusField, NETWORKING_VERSIONS } from './define.js';

export const destinationRuleSpecSchema = obj({}).passthrough();
export type DestinationRuleSpec = z.infer<typeof destinationRuleSpecSchema>;

export const DestinationRule = defineKind({
  kind: 'DestinationRule',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  plural: 'destinationrules',
  shortNames: ['dr'],
  body: { spec: destinationRuleSpecSchema, status: statusField },
});
export type DestinationRuleObject = z.infer<typeof DestinationRule.schema>;
