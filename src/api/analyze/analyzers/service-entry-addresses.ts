import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';

/**
 * A ServiceEntry port without a protocol, or TCP, and no `addresses`: plain TCP carries no host
 * name, so the sidecar can only tell this service's traffic apart by destination IP. Without an
 * address every such entry on the port shares one listener and traffic may go to the wrong one.
 */
export const serviceEntryAddressesAnalyzer: Analyzer = {
  name: 'serviceentry.protocol-addresses',
  istioName: 'serviceentry.ProtocolAddressesAnalyzer',
  codes: [Codes.ServiceEntryAddressesRequired],
  analyze(ctx) {
    for (const se of ctx.all('ServiceEntry')) {
      const spec = se.object.spec;
      if ((spec?.addresses ?? []).length > 0) continue;
      (spec?.ports ?? []).forEach((p, i) => {
        const protocol = typeof p?.protocol === 'string' ? p.protocol : '';
        if (protocol !== '' && protocol.toUpperCase() !== 'TCP') return;
        ctx.report(se, Codes.ServiceEntryAddressesRequired, 'Warning', `Port ${String(p?.number ?? '')} is ${protocol === '' ? 'without a protocol (so TCP)' : 'TCP'} and this ServiceEntry has no addresses: TCP traffic can only be matched by destination IP, so it may reach another service on the same port. Set spec.addresses, or a protocol such as HTTP or TLS that carries the host name`, ['spec', 'ports', i]);
      });
    }
  },
};
