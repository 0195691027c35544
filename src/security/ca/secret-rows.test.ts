import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { formatSecretTable, secretDump, secretRows, type SecretRow } from './secret-rows.js';
import { caRootConfigMap } from './root-config-map.js';
import { issueWorkloadCertificate } from './issue.js';
import { createKeyAndCsr } from './proxy-csr.js';
import { ALICE, openssl, tempDir, testCa } from './test-fixtures.js';
import type { IssuedCertificate } from './config.js';

const tmp = tempDir();
const now = Math.floor(Date.now() / 1000) * 1000;
let issued: IssuedCertificate;

beforeAll(async () => {
  const ca = await testCa(now - 1000);
  issued = await issueWorkloadCertificate(ca, (await createKeyAndCsr(ALICE)).csrPem, ALICE, { now });
});
afterAll(() => tmp.cleanup());

describe('istioctl proxy-config secret rows', () => {
  it('lays rows out exactly as istioctl does (tabwriter, padding 5, WARMING rows cut short)', () => {
    // Values of the rows in istioctl's own test output for an Istio sidecar.
    const rows: SecretRow[] = [
      { resourceName: 'configmap://some/thing', type: '', status: 'WARMING', validCert: false, serialNumber: '', notAfter: '', notBefore: '' },
      { resourceName: 'default', type: 'Cert Chain', status: 'ACTIVE', validCert: false, serialNumber: '6fbee254c22900615cb1f74e3d2f1713', notAfter: '2023-05-16T01:32:52Z', notBefore: '2023-05-15T01:30:52Z' },
      { resourceName: 'ROOTCA', type: 'CA', status: 'ACTIVE', validCert: true, serialNumber: '193a543fe2b0d9cd4847675394dfc54', notAfter: '2033-05-02T03:41:33Z', notBefore: '2023-05-05T03:41:33Z' },
    ];
    expect(formatSecretTable(rows)).toBe(
      'RESOURCE NAME              TYPE           STATUS      VALID CERT     SERIAL NUMBER                        NOT AFTER                NOT BEFORE\n' +
        'configmap://some/thing                    WARMING     false\n' +
        'default                    Cert Chain     ACTIVE      false          6fbee254c22900615cb1f74e3d2f1713     2023-05-16T01:32:52Z     2023-05-15T01:30:52Z\n' +
        'ROOTCA                     CA             ACTIVE      true           193a543fe2b0d9cd4847675394dfc54      2033-05-02T03:41:33Z     2023-05-05T03:41:33Z\n',
    );
  });

  it('reads serials and dates from the certificates as openssl sees them', () => {
    const rows = secretRows({ certChainPem: issued.chainPem.join(''), rootPem: issued.rootsPem, now: now + 1000 });
    expect(rows.map((r) => [r.resourceName, r.type, r.status, r.validCert])).toEqual([
      ['default', 'Cert Chain', 'ACTIVE', true],
      ['ROOTCA', 'CA', 'ACTIVE', true],
    ]);
    const leaf = rows[0];
    const opensslSerial = openssl(['x509', '-noout', '-serial', '-in', tmp.file('leaf.pem', issued.certPem)]).trim().replace('serial=', '').toLowerCase().replace(/^0+/, '');
    expect(leaf?.serialNumber).toBe(opensslSerial);
    expect(leaf?.serialNumber).toBe(issued.serialNumber);
    expect(leaf?.notBefore).toBe(new Date(now - 120_000).toISOString().replace('.000Z', 'Z'));
    expect(Date.parse(leaf?.notAfter ?? '') - Date.parse(leaf?.notBefore ?? '')).toBe(24 * 3_600_000 + 120_000);
    const expired = secretRows({ certChainPem: issued.certPem, now: issued.notAfter + 1000 });
    expect(expired[0]?.validCert).toBe(false);
  });

  it('gives the -o json form with the PEMs, which the docs pipe through openssl', () => {
    const dump = secretDump({ certChainPem: issued.chainPem.join(''), rootPem: issued.rootsPem, now, warming: ['kubernetes://cred'] });
    const json = JSON.parse(JSON.stringify(dump)) as { dynamicActiveSecrets: Array<{ name: string; secret: { tlsCertificate?: { certificateChain: { inlineBytes: string }; privateKey: { inlineBytes: string } }; validationContext?: { trustedCa: { inlineBytes: string } } } }>; dynamicWarmingSecrets: Array<{ name: string }> };
    const def = json.dynamicActiveSecrets[0]?.secret.tlsCertificate;
    const chain = Buffer.from(def?.certificateChain.inlineBytes ?? '', 'base64').toString();
    expect(chain).toBe(issued.chainPem.join(''));
    expect(Buffer.from(def?.privateKey.inlineBytes ?? '', 'base64').toString()).toBe('[redacted]');
    expect(openssl(['x509', '-noout', '-text', '-in', tmp.file('from-json.pem', chain)])).toContain('URI:spiffe://cluster.local/ns/shop/sa/alice');
    expect(Buffer.from(json.dynamicActiveSecrets[1]?.secret.validationContext?.trustedCa.inlineBytes ?? '', 'base64').toString()).toBe(issued.rootsPem);
    expect(json.dynamicWarmingSecrets.map((s) => s.name)).toEqual(['kubernetes://cred']);
  });
});

describe('caRootConfigMap', () => {
  it('is Istio’s istio-ca-root-cert ConfigMap carrying root-cert.pem', () => {
    expect(caRootConfigMap('shop', issued.rootsPem)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio-ca-root-cert', namespace: 'shop', labels: { 'istio.io/config': 'true' } },
      data: { 'root-cert.pem': issued.rootsPem },
    });
  });
});
