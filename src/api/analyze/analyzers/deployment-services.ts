import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import { inMesh, selectorMatches, type ServiceView } from '../context.js';

/**
 * The Services that select a Deployment's pods must agree on each port: one port number with two
 * protocols (IST0116), or one container port reached through two service ports (IST0137), leaves
 * the sidecar with two contradicting listeners for the same traffic.
 */
export const deploymentServicesAnalyzer: Analyzer = {
  name: 'deployment.service-association',
  istioName: 'deployment.ServiceAssociationAnalyzer',
  codes: [Codes.DeploymentAssociatedToMultipleServices, Codes.DeploymentConflictingPorts],
  analyze(ctx) {
    const services = ctx.services();
    for (const w of ctx.workloads()) {
      if (w.kind !== 'Deployment' || !w.resource || !inMesh(w)) continue;
      const matching = services.filter((s) => s.namespace === w.namespace && s.selector && Object.keys(s.selector).length > 0 && selectorMatches(s.selector, w.labels));
      if (matching.length < 2) continue;
      const name = (s: ServiceView): string => `${s.namespace}/${s.name}`;

      // port number -> protocol -> services
      const byPort = new Map<number, Map<string, string[]>>();
      // target port -> service port -> service
      const byTarget = new Map<string, Map<number, string>>();
      for (const s of matching) {
        for (const p of s.ports) {
          if (typeof p.port !== 'number') continue;
          const protocols = byPort.get(p.port) ?? new Map<string, string[]>();
          const protocol = (p.protocol ?? 'TCP').toUpperCase();
          protocols.set(protocol, [...(protocols.get(protocol) ?? []), name(s)]);
          byPort.set(p.port, protocols);
          const target = p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '' ? String(p.port) : String(p.targetPort);
          const ports = byTarget.get(target) ?? new Map<number, string>();
          ports.set(p.port, name(s));
          byTarget.set(target, ports);
        }
      }
      for (const [port, protocols] of [...byPort].sort(([a], [b]) => a - b)) {
        if (protocols.size < 2) continue;
        const detail = [...protocols].map(([proto, names]) => `${names.join(', ')} (${proto})`).join('; ');
        ctx.report(w.resource, Codes.DeploymentAssociatedToMultipleServices, 'Warning', `Deployment ${w.namespace}/${w.name} is selected by Services that use port ${port} with different protocols: ${detail}. The sidecar can serve one protocol per port; make the Services agree, or select these pods with one Service`, ['spec', 'template', 'metadata', 'labels']);
      }
      for (const [target, ports] of byTarget) {
        if (ports.size < 2) continue;
        const detail = [...ports].sort(([a], [b]) => a - b).map(([p, svc]) => `${svc} port ${p}`).join(', ');
        ctx.report(w.resource, Codes.DeploymentConflictingPorts, 'Warning', `Deployment ${w.namespace}/${w.name} is reached on targetPort ${target} through different service ports (${detail}): the sidecar cannot tell which one inbound traffic came through. Use the same port number in every Service that targets ${target}`, ['spec', 'template', 'metadata', 'labels']);
      }
    }
  },
};
