import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';

const PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis', 'udp', 'h2c'];
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'istio-system', 'local-path-storage']);

/** Istio picks a port's protocol from `appProtocol` or the name's prefix (`http-web`, `grpc`); otherwise it guesses. */
export function protocolFromPortName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  return PROTOCOLS.find((p) => lower === p || lower.startsWith(`${p}-`));
}

export const portNameAnalyzer: Analyzer = {
  name: 'service.port-name',
  istioName: 'service.PortNameAnalyzer',
  codes: [Codes.PortNameIsNotUnderNamingConvention, Codes.ExternalNameServiceTypeInvalidPortName],
  analyze(ctx) {
    for (const svc of ctx.all('Service')) {
      const ns = ctx.namespaceOf(svc);
      if (SYSTEM_NAMESPACES.has(ns)) continue;
      const spec = svc.object.spec ?? {};
      (spec.ports ?? []).forEach((p, i) => {
        if (spec.type === 'ExternalName' && p?.name === 'tcp') {
          // A plain TCP port on an ExternalName Service cannot be told apart from other TCP traffic to the same port.
          ctx.report(svc, Codes.ExternalNameServiceTypeInvalidPortName, 'Warning', `Port name "tcp" of ExternalName service ${ns}/${svc.name}: the sidecar cannot route plain TCP to an external name by host, so this traffic may not be forwarded. Name the port after the protocol it carries ("https", "tls", "http-<suffix>"), or set appProtocol`, ['spec', 'ports', i, 'name']);
          return;
        }
        if (p?.appProtocol) return;
        if (protocolFromPortName(p?.name)) return;
        if (spec.type === 'ExternalName') {
          ctx.report(svc, Codes.ExternalNameServiceTypeInvalidPortName, 'Warning', `Port name "${p?.name ?? ''}" of ExternalName service is invalid: traffic will be treated as TCP and may not be forwarded; name it like "http-<suffix>" or "https", or set appProtocol`, ['spec', 'ports', i, 'name']);
          return;
        }
        ctx.report(svc, Codes.PortNameIsNotUnderNamingConvention, 'Info', `Port name ${p.name ?? '(unnamed)'} (port: ${p.port}, targetPort: ${String(p.targetPort ?? p.port)}) doesn't follow the naming convention of Istio port: name it "<protocol>[-<suffix>]" (http, grpc, tcp, ...) or set appProtocol`, ['spec', 'ports', i]);
      });
    }
  },
};
