/**
 * `credentialName` -> PEMs for a gateway listener, the way istiod resolves it: the Secret is looked up
 * in the gateway workload's namespace; for MUTUAL/OPTIONAL_MUTUAL the CA comes from `<name>-cacert`
 * when that Secret exists, else from the same Secret (`cacert`, then `ca.crt`).
 */
import type { CredentialError, CredentialResult, GatewayCredential, SecretLookup } from './config.js';
import { extractCertAndKey, extractRoot, secretData } from './secret-data.js';
import { checkCaBundle, checkCertAndKey } from './validate.js';

export const CA_SUFFIX = '-cacert';

export interface ResolveOptions {
  /** The server's TLS mode needs client-certificate roots (MUTUAL, OPTIONAL_MUTUAL). */
  mutual?: boolean;
  now: number;
}

function fail(code: CredentialError['code'], resource: string, message: string, ca: boolean): CredentialResult {
  const what = ca ? 'ca certificate' : 'key and certificate';
  return { ok: false, error: { code, resource, message, logLine: `failed to fetch ${what} for ${resource}: ${message}` } };
}

export function resolveCredential(credentialName: string, namespace: string, lookup: SecretLookup, opts: ResolveOptions): CredentialResult {
  const resource = `kubernetes://${credentialName}`;
  const secret = lookup(namespace, credentialName);
  if (!secret) return fail('not-found', resource, `secret ${namespace}/${credentialName} not found`, false);
  const pair = extractCertAndKey(secretData(secret));
  if (!pair.ok) return fail(pair.code, resource, pair.message, false);
  const certChainPem = pair.value.cert.toString('utf8');
  const keyPem = pair.value.key.toString('utf8');
  const [certKey, keyKey] = pair.keys as [string, string];
  const checked = checkCertAndKey(certChainPem, keyPem, { cert: certKey, key: keyKey }, opts.now);
  if (!checked.ok) return fail(checked.code, resource, `secret ${namespace}/${credentialName}: ${checked.message}`, false);
  const credential: GatewayCredential = { certChainPem, keyPem };
  const warnings = [...checked.warnings];
  if (opts.mutual) {
    const caResource = `${resource}${CA_SUFFIX}`;
    const caSecret = lookup(namespace, `${credentialName}${CA_SUFFIX}`) ?? secret;
    const root = extractRoot(secretData(caSecret));
    if (!root.ok) return fail(root.code, caResource, root.message, true);
    const caPem = root.value.toString('utf8');
    const caChecked = checkCaBundle(caPem, root.keys[0] ?? '', opts.now);
    if (!caChecked.ok) return fail(caChecked.code, caResource, `secret ${namespace}/${caSecret.metadata.name}: ${caChecked.message}`, true);
    credential.caPem = caPem;
    warnings.push(...caChecked.warnings);
  }
  return { ok: true, credential, warnings };
}
