/** networking.istio.io Gateway. PLACEHOLDER: spec not yet described field by field. */
import { z } from 'zod';
import { obj } from '../schema/fields.js';
import { defineKind, statusField, NETWORKING_VERSIONS } from './define.js';

export const gatewaySpecSchema = obj({}).passthrough();
export type GatewaySpec = z.infer<typeof gatewaySpecSchema>;

export const Gateway = defineKind({
  kind: 'Gateway',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  plural: 'gateways',
  shortNames: ['gw'],
  body: { spec: gatewaySpecSchema, status: statusField },
});
export type GatewayObject = z.infer<typeof Gateway.schema>;
