/**
 * The proxy's half of workload identity (Istio's pilot-agent): it makes its own key, sends a CSR
 * to the control plane's CA with the bootstrap token only this proxy was given, installs what comes
 * back, and renews at about half the certificate's life. The key never leaves the process.
 */
import http from 'node:http';
import { X509Certificate } from 'node:crypto';
import type { Clock, Timer } from '../clock.js';
import type { WorkloadCertificate } from './workload-secrets.js';
import { MESH_TRUST_DOMAIN } from '../../security/ca/identity.js';

export interface CertificateAgentOptions {
  /** `host:port` of the control plane. */
  control: string;
  namespace: string;
  pod: string;
  serviceAccount: string;
  /** The per-proxy credential the platform started this proxy with. */
  token: string;
  clock: Clock;
  log(message: string): void;
  install(cert: WorkloadCertificate): void;
}

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 10_000;

export interface CertificateResponse {
  certChain: string;
  root: string;
}

function post(control: string, path: string, token: string, body: string): Promise<{ status: number; text: string }> {
  const i = control.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host: control.slice(0, i) || '127.0.0.1', port: Number(control.slice(i + 1)), path, method: 'POST', agent: false, timeout: 10_000, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

export class CertificateAgent {
  private timer: Timer | undefined;
  private stopped = false;

  constructor(private readonly opts: CertificateAgentOptions) {}

  /** Resolves once the first certificate is installed (retrying with backoff until then). */
  async start(): Promise<void> {
    let delay = RETRY_MIN_MS;
    for (;;) {
      if (this.stopped) return;
      try {
        await this.renew();
        return;
      } catch (err) {
        this.opts.log(`workload certificate: ${err instanceof Error ? err.message : String(err)}; retrying in ${delay} ms`);
        await new Promise<void>((r) => this.opts.clock.setTimeout(r, delay));
        delay = Math.min(RETRY_MAX_MS, delay * 2);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private async renew(): Promise<void> {
    // The X.509 library is loaded only by proxies that have an identity to ask for.
    const ca = await import('../../security/ca/index.js');
    const identity = { trustDomain: MESH_TRUST_DOMAIN, namespace: this.opts.namespace, serviceAccount: this.opts.serviceAccount };
    const { keyPem, csrPem } = await ca.createKeyAndCsr(identity);
    const path = `/v1/proxies/${encodeURIComponent(this.opts.namespace)}/${encodeURIComponent(this.opts.pod)}/certificate`;
    const r = await post(this.opts.control, path, this.opts.token, JSON.stringify({ csr: csrPem }));
    if (r.status !== 200) throw new Error(`the control plane answered ${r.status}: ${r.text.slice(0, 200)}`);
    const body = JSON.parse(r.text) as CertificateResponse;
    this.opts.install({ certChainPem: body.certChain, privateKeyPem: keyPem, rootCertPem: body.root });
    const leaf = new X509Certificate(body.certChain);
    const clock = this.opts.clock;
    const delay = ca.renewalDelayMs(Date.parse(leaf.validFrom), Date.parse(leaf.validTo), () => clock.random(), clock.now());
    this.opts.log(`workload certificate for ${ca.formatSpiffeId(identity)} installed, valid until ${leaf.validTo}; renewing in ${Math.round(delay / 60_000)} min`);
    this.timer?.cancel();
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      void this.start();
    }, delay);
  }
}
