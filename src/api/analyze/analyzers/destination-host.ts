import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import { resolveShortName } from '../hosts.js';
import { knownHosts, lookupHost } from '../registry-view.js';
import { destinationsOf } from './vs-destinations.js';

/** A VirtualService destination must name a host the registry knows, and a port that host serves. */
export const destinationHostAnalyzer: Analyzer = {
  name: 'virtualservice.destination-host',
  istioName: 'virtualservice.DestinationHostAnalyzer',
  codes: [Codes.ReferencedResourceNotFound, Codes.VirtualServiceDestinationPortSelectorRequired],
  analyze(ctx) {
    const hosts = knownHosts(ctx);
    for (const vs of ctx.all('VirtualService')) {
      const ns = ctx.namespaceOf(vs);
      for (const use of destinationsOf(vs)) {
        const host = use.destination?.host ?? '';
        const fqdn = resolveShortName(host, ns);
        const found = host === '' ? [] : lookupHost(hosts, fqdn, ns);
        if (found.length === 0) {
          ctx.report(vs, Codes.ReferencedResourceNotFound, 'Error', `Referenced host not found: "${host}" (no Service or ServiceEntry defines ${fqdn || 'it'})`, [...use.path, 'host']);
          continue;
        }
        const ports = found[0]?.ports;
        if (!ports || ports.length === 0) continue;
        const wanted = use.destination?.port?.number;
        if (wanted !== undefined) {
          if (!found.some((k) => k.ports === undefined || k.ports.some((p) => p.number === wanted))) {
            ctx.report(vs, Codes.ReferencedResourceNotFound, 'Error', `Referenced host:port not found: "${host}:${wanted}"`, [...use.path, 'port']);
          }
        } else if (use.protocol === 'http' && ports.length > 1 && found[0]?.source === 'Service') {
          ctx.report(vs, Codes.VirtualServiceDestinationPortSelectorRequired, 'Error', `This VirtualService routes to service "${host}", which has more than one port; set destination.port to choose one`, use.path);
        }
      }
    }
  },
};
