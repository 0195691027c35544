import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';

interface ClientTls {
  mode?: string | undefined;
  caCertificates?: string | undefined;
  credentialName?: string | undefined;
  insecureSkipVerify?: boolean | null | undefined;
}

/**
 * SIMPLE or MUTUAL TLS to a destination without caCertificates: the client encrypts but does not
 * check who answers. A credentialName counts only on a DestinationRule with a workloadSelector (a
 * gateway's, which reads the CA from the Secret); insecureSkipVerify says the skip is deliberate.
 */
function verifiesServer(tls: ClientTls, hasSelector: boolean): boolean {
  if (tls.mode !== 'SIMPLE' && tls.mode !== 'MUTUAL') return true;
  if (tls.insecureSkipVerify === true) return true;
  if (tls.caCertificates) return true;
  return hasSelector && !!tls.credentialName;
}

export const destinationRuleCaAnalyzer: Analyzer = {
  name: 'destinationrule.ca-certificates',
  istioName: 'destinationrule.CaCertificateAnalyzer',
  codes: [Codes.NoServerCertificateVerificationDestinationLevel, Codes.NoServerCertificateVerificationPortLevel],
  analyze(ctx) {
    for (const dr of ctx.all('DestinationRule')) {
      const ref = `${ctx.namespaceOf(dr)}/${dr.name}`;
      const spec = dr.object.spec;
      const host = spec?.host ?? '';
      const hasSelector = !!spec?.workloadSelector;
      const policy = spec?.trafficPolicy;
      const tls = policy?.tls;
      if (tls && !verifiesServer(tls, hasSelector)) {
        ctx.report(dr, Codes.NoServerCertificateVerificationDestinationLevel, 'Warning', `DestinationRule ${ref} sets TLS mode ${tls.mode ?? ''} for host ${host} without caCertificates, so the server's certificate is not verified (anyone on the path can impersonate it). Set caCertificates${hasSelector ? ' or credentialName' : ''}, or insecureSkipVerify: true if this is deliberate`, ['spec', 'trafficPolicy', 'tls']);
      }
      (policy?.portLevelSettings ?? []).forEach((p, i) => {
        const portTls = p?.tls;
        if (!portTls || verifiesServer(portTls, hasSelector)) return;
        ctx.report(dr, Codes.NoServerCertificateVerificationPortLevel, 'Warning', `DestinationRule ${ref} sets TLS mode ${portTls.mode ?? ''} for host ${host} port ${String(p?.port?.number ?? '')} without caCertificates, so the server's certificate is not verified. Set caCertificates${hasSelector ? ' or credentialName' : ''} on this port, or insecureSkipVerify: true if this is deliberate`, ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls']);
      });
    }
  },
};
