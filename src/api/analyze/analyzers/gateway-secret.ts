import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import type { AnalysisContext, TypedResource } from '../context.js';
import { gatewayWorkloads, reportSelectorNotFound } from './gateway-selection.js';

/**
 * A Gateway server's `tls.credentialName` names a Secret in the namespace of the gateway workload
 * (not of the Gateway resource). It must exist and hold a certificate and key the proxy can load.
 */
export const gatewaySecretAnalyzer: Analyzer = {
  name: 'gateway.secret',
  istioName: 'gateway.SecretAnalyzer',
  codes: [Codes.ReferencedResourceNotFound, Codes.InvalidGatewayCredential],
  analyze(ctx) {
    const now = ctx.options.now ?? new Date();
    for (const use of gatewayCredentials(ctx)) {
      if (use.kind === 'no-workload') {
        reportSelectorNotFound(ctx, use.gw);
      } else if (use.kind === 'missing') {
        ctx.report(use.gw, Codes.ReferencedResourceNotFound, 'Error', `Referenced credentialName not found: "${use.name}" (no Secret ${use.candidates.join(' or ')}; the gateway reads it from the namespace its workload runs in). The server refuses TLS handshakes until the Secret exists there`, use.path);
      } else {
        const problem = credentialProblem(use.secret, now);
        if (problem) {
          ctx.report(use.gw, Codes.InvalidGatewayCredential, 'Error', `The credential ${ctx.namespaceOf(use.secret)}/${use.secret.name} of this Gateway server is invalid: ${problem}. The server cannot serve TLS until the Secret holds a valid PEM certificate and private key`, use.path);
        }
      }
    }
  },
};

/** A certificate and a key that both parse but do not belong together: Envoy refuses the pair. */
export const gatewayCredentialPairAnalyzer: Analyzer = {
  name: 'gateway.credential-key-pair',
  codes: [Codes.GatewayCredentialKeyMismatch],
  analyze(ctx) {
    const now = ctx.options.now ?? new Date();
    for (const use of gatewayCredentials(ctx)) {
      if (use.kind !== 'found' || credentialProblem(use.secret, now)) continue;
      const pair = certificateAndKey(use.secret);
      if (!pair || pair.cert.checkPrivateKey(pair.key)) continue;
      ctx.report(use.gw, Codes.GatewayCredentialKeyMismatch, 'Error', `The private key in Secret ${ctx.namespaceOf(use.secret)}/${use.secret.name} does not belong to its certificate: the gateway cannot load the pair and this server refuses TLS handshakes. Put the key the certificate was issued for beside it`, use.path);
    }
  },
};

type CredentialUse =
  | { kind: 'no-workload'; gw: TypedResource<'Gateway'> }
  | { kind: 'missing'; gw: TypedResource<'Gateway'>; name: string; candidates: string[]; path: (string | number)[] }
  | { kind: 'found'; gw: TypedResource<'Gateway'>; secret: TypedResource<'Secret'>; path: (string | number)[] };

/**
 * Every `tls.credentialName` of every Gateway server, resolved to its Secret: in the namespace of a
 * workload the Gateway selects (not the Gateway resource's), or `ns/name` as written.
 */
function gatewayCredentials(ctx: AnalysisContext): CredentialUse[] {
  const workloads = ctx.workloads();
  const secrets = new Map<string, TypedResource<'Secret'>>();
  for (const s of ctx.all('Secret')) secrets.set(`${ctx.namespaceOf(s)}/${s.name}`, s);
  const out: CredentialUse[] = [];
  for (const gw of ctx.all('Gateway')) {
    const matched = gatewayWorkloads(gw, workloads);
    if (matched.length === 0) {
      out.push({ kind: 'no-workload', gw });
      continue;
    }
    const namespaces = [...new Set(matched.map((w) => w.namespace))];
    (gw.object.spec?.servers ?? []).forEach((server, i) => {
      const name = server?.tls?.credentialName;
      if (typeof name !== 'string' || name === '') return;
      const path = ['spec', 'servers', i, 'tls', 'credentialName'];
      const candidates = name.includes('/') ? [name] : namespaces.map((ns) => `${ns}/${name}`);
      const secret = candidates.map((k) => secrets.get(k)).find((s) => s !== undefined);
      out.push(secret ? { kind: 'found', gw, secret, path } : { kind: 'missing', gw, name, candidates, path });
    });
  }
  return out;
}

function secretValue(secret: TypedResource<'Secret'>, key: string): Buffer | undefined {
  const plain = secret.object.stringData?.[key];
  if (typeof plain === 'string') return Buffer.from(plain, 'utf8');
  const encoded = secret.object.data?.[key];
  return typeof encoded === 'string' ? Buffer.from(encoded, 'base64') : undefined;
}

/** The keys holding the certificate and the private key: `tls.crt`/`tls.key`, or `cert`/`key`. */
function credentialKeys(secret: TypedResource<'Secret'>): [string, string] | undefined {
  const pairs: [string, string][] = [
    ['tls.crt', 'tls.key'],
    ['cert', 'key'],
  ];
  return pairs.find(([c, k]) => secretValue(secret, c) !== undefined && secretValue(secret, k) !== undefined);
}

function certificateAndKey(secret: TypedResource<'Secret'>): { cert: X509Certificate; key: KeyObject } | undefined {
  const keys = credentialKeys(secret);
  if (!keys) return undefined;
  try {
    return { cert: new X509Certificate(secretValue(secret, keys[0]) ?? Buffer.alloc(0)), key: createPrivateKey(secretValue(secret, keys[1]) ?? Buffer.alloc(0)) };
  } catch {
    return undefined;
  }
}

/** Why a Secret cannot serve as a gateway's server certificate, or undefined when it can. */
export function credentialProblem(secret: TypedResource<'Secret'>, now: Date): string | undefined {
  const keys = credentialKeys(secret);
  if (!keys) return 'it has neither "tls.crt" and "tls.key" nor "cert" and "key"';
  const [certKey, keyKey] = keys;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(secretValue(secret, certKey) ?? Buffer.alloc(0));
  } catch {
    return `"${certKey}" is not a PEM-encoded X.509 certificate`;
  }
  try {
    createPrivateKey(secretValue(secret, keyKey) ?? Buffer.alloc(0));
  } catch {
    return `"${keyKey}" is not a PEM-encoded private key`;
  }
  if (new Date(cert.validTo).getTime() < now.getTime()) return `the certificate in "${certKey}" expired on ${new Date(cert.validTo).toISOString()}`;
  if (new Date(cert.validFrom).getTime() > now.getTime()) return `the certificate in "${certKey}" is not valid before ${new Date(cert.validFrom).toISOString()}`;
  return undefined;
}
