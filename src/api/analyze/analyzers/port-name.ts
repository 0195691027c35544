import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import { servicePortProtocol } from '../../protocols.js';

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'istio-system', 'local-path-storage']);
/** Services Istio's gateway controllers create (label gateway.istio.io/managed): not the user's to rename. */
const MANAGED_GATEWAY_CONTROLLERS = new Set(['istio.io-gateway-controller', 'istio.io-mesh-controller', 'istio.io-eastwest-controller']);

export const portNameAnalyzer: Analyzer = {
  name: 'service.port-name',
  istioName: 'service.PortNameAnalyzer',
  codes: [Codes.PortNameIsNotUnderNamingConvention, Codes.ExternalNameServiceTypeInvalidPortName],
  analyze(ctx) {
    for (const svc of ctx.all('Service')) {
      const ns = ctx.namespaceOf(svc);
      if (SYSTEM_NAMESPACES.has(ns)) continue;
      if (MANAGED_GATEWAY_CONTROLLERS.has(svc.metadata?.labels?.['gateway.istio.io/managed'] ?? '')) continue;
      const spec = svc.object.spec ?? {};
      (spec.ports ?? []).forEach((p, i) => {
        if (spec.type === 'ExternalName' && p?.name === 'tcp') {
          // A plain TCP port on an ExternalName Service cannot be told apart from other TCP traffic to the same port.
          ctx.report(svc, Codes.ExternalNameServiceTypeInvalidPortName, 'Warning', `Port name "tcp" of ExternalName service ${ns}/${svc.name}: the sidecar cannot route plain TCP to an external name by host, so this traffic may not be forwarded. Name the port after the protocol it carries ("https", "tls", "http-<suffix>"), or set appProtocol`, ['spec', 'ports', i, 'name']);
          return;
        }
        // An appProtocol Istio does not know is as unhelpful as a bad name: the port is sniffed either way.
        if (servicePortProtocol(p) !== undefined) return;
        if (spec.type === 'ExternalName') {
          ctx.report(svc, Codes.ExternalNameServiceTypeInvalidPortName, 'Warning', `Port name "${p?.name ?? ''}" of ExternalName service is invalid: traffic will be treated as TCP and may not be forwarded; name it like "http-<suffix>" or "https", or set appProtocol`, ['spec', 'ports', i, 'name']);
          return;
        }
        ctx.report(svc, Codes.PortNameIsNotUnderNamingConvention, 'Info', `Port name ${p.name ?? '(unnamed)'} (port: ${p.port}, targetPort: ${String(p.targetPort ?? p.port)}) doesn't follow the naming convention of Istio port: name it "<protocol>[-<suffix>]" (http, grpc, tcp, ...) or set appProtocol`, ['spec', 'ports', i]);
      });
    }
  },
};
