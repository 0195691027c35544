/** networking.istio.io Gateway: fields of Istio's v1 API, rules of its CRD schema and webhook. */
import { z } from 'zod';
import { obj, str, uint32, stringMap, deprecated } from '../schema/fields.js';
import { defineKind, statusField, NETWORKING_VERSIONS } from './define.js';
import {
  serverTLSSettingsSchema, namespacedHostProblems,
  unixAddressProblem, isIPAddress, isIstioDnsLabel, UNIX_ADDRESS_PREFIX,
} from './common.js';
import { parseProtocol, isHTTPProtocol, isTLSProtocol } from '../protocols.js';

export type { ServerTLSSettings } from './common.js';

/** The port a gateway server listens on. */
export const portSchema = obj({
  number: uint32(),
  protocol: str(),
  name: str(),
  targetPort: deprecated(uint32(), 'targetPort has no effect on gateways; remove it').optional(),
});
export type Port = z.infer<typeof portSchema>;

export const serverSchema = obj({
  port: portSchema,
  bind: str().optional(),
  hosts: z.array(str()),
  tls: serverTLSSettingsSchema.optional(),
  defaultEndpoint: str().optional(),
  name: str().optional(),
}).superRefine((s, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (s.hosts.length === 0) issue(['hosts'], 'server must have at least one host');
  s.hosts.forEach((h, i) => {
    for (const p of namespacedHostProblems(h, 'gateway')) issue(['hosts', i], p);
  });

  const bind = s.bind ?? '';
  const unix = bind.startsWith(UNIX_ADDRESS_PREFIX);
  let portBad = false;
  const portIssue = (path: string[], message: string) => {
    portBad = true;
    issue(['port', ...path], message);
  };
  if (parseProtocol(s.port.protocol) === undefined) {
    portIssue(['protocol'], `unsupported protocol "${s.port.protocol}": use HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS or MYSQL`);
  }
  if ((s.port.number > 0 || !unix) && (s.port.number < 1 || s.port.number > 65535)) portIssue(['number'], `port number ${s.port.number} must be in the range 1..65535`);
  if ((s.port.targetPort ?? 0) > 0) portIssue(['targetPort'], 'targetPort has no effect on gateways and must not be set');
  if (s.port.name === '') portIssue(['name'], 'port name must be set');

  if (unix) {
    const p = unixAddressProblem(bind.slice(UNIX_ADDRESS_PREFIX.length));
    if (p) issue(['bind'], p);
    if (s.port.number !== 0) issue(['port', 'number'], 'port number must be 0 when binding to a unix domain socket');
  } else if (bind !== '' && !isIPAddress(bind)) {
    issue(['bind'], `bind "${bind}" is not a valid IP address or unix:// socket`);
  }

  if (portBad) return;
  const protocol = parseProtocol(s.port.protocol);
  if (isTLSProtocol(protocol) && !s.tls) {
    issue(['tls'], `server must have TLS settings for protocol ${s.port.protocol}`);
  } else if (!isTLSProtocol(protocol) && s.tls) {
    if (isHTTPProtocol(protocol)) {
      // Plain HTTP servers may only carry httpsRedirect (passthrough mode, no certificates).
      const t = s.tls;
      const passthrough = t.mode === undefined || t.mode === 'PASSTHROUGH' || t.mode === 'AUTO_PASSTHROUGH';
      if (!passthrough || !!t.caCertificates || !!t.privateKey || !!t.serverCertificate) issue(['tls'], 'server cannot have TLS settings for plain text HTTP ports');
    } else {
      issue(['tls'], 'server cannot have TLS settings for non HTTPS/TLS ports');
    }
  }
});
export type Server = z.infer<typeof serverSchema>;

export const gatewaySpecSchema = obj({
  servers: z.array(serverSchema).optional(),
  selector: stringMap().optional(),
}).superRefine((g, ctx) => {
  const servers = g.servers ?? [];
  if (servers.length === 0) ctx.addIssue({ code: 'custom', path: ['servers'], message: 'gateway must have at least one server' });
  const names = new Set<string>();
  servers.forEach((s, i) => {
    if (names.has(s.port.name)) ctx.addIssue({ code: 'custom', path: ['servers', i, 'port', 'name'], message: `port names in servers must be unique: duplicate name "${s.port.name}"` });
    names.add(s.port.name);
  });
});
export type GatewaySpec = z.infer<typeof gatewaySpecSchema>;

const definition = defineKind({
  kind: 'Gateway',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  plural: 'gateways',
  shortNames: ['gw'],
  body: { spec: gatewaySpecSchema, status: statusField },
});
// A Gateway's name becomes part of listener and route names, so Istio wants a DNS label (no dots).
const schema = definition.schema.superRefine((o, ctx) => {
  if (!isIstioDnsLabel(o.metadata.name)) ctx.addIssue({ code: 'custom', path: ['metadata', 'name'], message: `invalid gateway name "${o.metadata.name}": must be a DNS label (no dots)` });
});

export const Gateway = { info: { ...definition.info, schema }, schema };
export type GatewayObject = z.infer<typeof Gateway.schema>;
