import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import { selectorSubset } from '../context.js';
import { gatewaySelector } from './gateway-selection.js';

interface TlsLike {
  credentialName?: string | undefined;
  serverCertificate?: string | undefined;
  privateKey?: string | undefined;
}

/** The same certificate (credentialName, or file pair) on the servers of two Gateways. */
function sameCertificate(a: TlsLike, b: TlsLike): boolean {
  if (a.credentialName && b.credentialName) return a.credentialName === b.credentialName;
  if (a.credentialName || b.credentialName) return false;
  return !!a.serverCertificate && a.serverCertificate === b.serverCertificate && !!a.privateKey && a.privateKey === b.privateKey;
}

/**
 * A certificate shared by Gateways on the same workload: browsers reuse an HTTP/2 connection for
 * every host the certificate covers, and requests for a host of the other Gateway then get 404.
 * A Gateway is checked against those whose selector includes all of its own labels.
 */
export const gatewayCertificateAnalyzer: Analyzer = {
  name: 'gateway.duplicate-certificate',
  istioName: 'gateway.CertificateAnalyzer',
  codes: [Codes.GatewayDuplicateCertificate],
  analyze(ctx) {
    const gateways = ctx.all('Gateway');
    for (const gw of gateways) {
      const ref = `${ctx.namespaceOf(gw)}/${gw.name}`;
      const mine = (gw.object.spec?.servers ?? []).map((s) => s?.tls).filter((t): t is NonNullable<typeof t> => !!t);
      if (mine.length === 0) continue;
      for (const other of gateways) {
        if (other === gw || !selectorSubset(gatewaySelector(gw), gatewaySelector(other))) continue;
        const theirs = (other.object.spec?.servers ?? []).map((s) => s?.tls).filter((t): t is NonNullable<typeof t> => !!t);
        const shared = mine.find((t) => theirs.some((o) => sameCertificate(t, o)));
        if (!shared) continue;
        const what = shared.credentialName ? `credential "${shared.credentialName}"` : `certificate ${shared.serverCertificate ?? ''}`;
        ctx.report(gw, Codes.GatewayDuplicateCertificate, 'Warning', `Gateways ${ref} and ${ctx.namespaceOf(other)}/${other.name} use the same ${what}: clients that reuse one HTTP/2 connection for both Gateways' hosts (connection coalescing) get 404 for the hosts of the other. Serve the hosts from one Gateway, or give each Gateway its own certificate`, ['spec', 'servers']);
      }
    }
  },
};
