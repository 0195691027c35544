import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { issueWorkloadCertificate, CLOCK_SKEW_GRACE_MS, DEFAULT_WORKLOAD_TTL_MS } from './issue.js';
import { createKeyAndCsr } from './proxy-csr.js';
import { createSelfSignedRoot } from './root-ca.js';
import { openSigningCa, type SigningCa } from './signing-ca.js';
import { spiffeIdsOf } from './san.js';
import { CaError } from './errors.js';
import { ALICE, BOB, openssl, tempDir, testCa } from './test-fixtures.js';

const HOUR = 3_600_000;
const tmp = tempDir();
let ca: SigningCa;
const now = Math.floor(Date.now() / 1000) * 1000;

beforeAll(async () => {
  // The real default root (RSA 2048), so the issued shape is what a tack mesh serves.
  ca = await openSigningCa(await createSelfSignedRoot({ now: now - HOUR }), now);
});
afterAll(() => tmp.cleanup());

function dates(text: string): { notBefore: number; notAfter: number } {
  const nb = /Not Before: (.+)/.exec(text)?.[1] ?? '';
  const na = /Not After : (.+)/.exec(text)?.[1] ?? '';
  return { notBefore: Date.parse(nb), notAfter: Date.parse(na) };
}

describe('issueWorkloadCertificate', () => {
  it('issues Istio’s workload shape, as openssl reads it', async () => {
    const { csrPem } = await createKeyAndCsr(ALICE);
    const issued = await issueWorkloadCertificate(ca, csrPem, ALICE, { now });
    const text = openssl(['x509', '-text', '-noout', '-in', tmp.file('leaf.pem', issued.certPem)]);
    expect(text).toMatch(/X509v3 Subject Alternative Name: critical\s+URI:spiffe:\/\/cluster\.local\/ns\/shop\/sa\/alice\n/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage: \s*\n\s+TLS Web Server Authentication, TLS Web Client Authentication\n/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toContain('ASN1 OID: prime256v1');
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(text).toMatch(/Subject: *\n/);
    const d = dates(text);
    expect(d.notBefore).toBe(now - CLOCK_SKEW_GRACE_MS);
    expect(d.notAfter - d.notBefore).toBe(24 * HOUR + 2 * 60_000);
    expect({ nb: issued.notBefore, na: issued.notAfter }).toEqual({ nb: d.notBefore, na: d.notAfter });
    expect(issued.spiffeId).toBe('spiffe://cluster.local/ns/shop/sa/alice');
    expect(spiffeIdsOf(issued.certPem)).toEqual([issued.spiffeId]);
  });

  it('returns a chain openssl verifies against the root', async () => {
    const { csrPem } = await createKeyAndCsr(ALICE);
    const issued = await issueWorkloadCertificate(ca, csrPem, ALICE, { now });
    expect(issued.chainPem).toHaveLength(2);
    expect(issued.chainPem[0]).toBe(issued.certPem);
    const out = openssl(['verify', '-CAfile', tmp.file('root.pem', issued.rootsPem), '-untrusted', tmp.file('chain.pem', issued.chainPem.join('')), tmp.file('leaf2.pem', issued.certPem)]);
    expect(out.trim()).toMatch(/leaf2\.pem: OK$/);
  });

  it('has Istio’s self-signed root shape: RSA 2048, O=cluster.local, CA:TRUE, certSign, ten years', () => {
    const text = openssl(['x509', '-text', '-noout', '-in', tmp.file('ca.pem', ca.files.caCertPem)]);
    expect(text).toMatch(/Issuer: O = cluster\.local\n/);
    expect(text).toMatch(/Subject: O = cluster\.local\n/);
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign\n/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toContain('X509v3 Subject Key Identifier');
    const d = dates(text);
    expect(d.notAfter - d.notBefore).toBe(3650 * 24 * HOUR);
  });

  it('takes the identity from the caller, and refuses a CSR asking for someone else', async () => {
    const { csrPem } = await createKeyAndCsr(BOB);
    await expect(issueWorkloadCertificate(ca, csrPem, ALICE, { now })).rejects.toMatchObject({ code: 'identity-mismatch', message: expect.stringContaining('spiffe://cluster.local/ns/shop/sa/bob') });
  });

  it('refuses a CSR with a DNS SAN, and signs one with no SAN for the caller’s identity (openssl-made CSRs)', () => {
    const withDns = openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/', '-addext', 'subjectAltName=DNS:evil.example'], tmp.dir);
    const bare = openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/O=ignored'], tmp.dir);
    return Promise.all([
      expect(issueWorkloadCertificate(ca, withDns, ALICE, { now })).rejects.toMatchObject({ code: 'identity-mismatch', message: expect.stringContaining('DNS:evil.example') }),
      issueWorkloadCertificate(ca, bare, ALICE, { now }).then((c) => {
        expect(spiffeIdsOf(c.certPem)).toEqual(['spiffe://cluster.local/ns/shop/sa/alice']);
        expect(openssl(['x509', '-noout', '-subject', '-in', tmp.file('bare.pem', c.certPem)]).trim()).toBe('subject=');
      }),
    ]);
  });

  it('refuses a CSR whose signature does not verify, and weak keys', async () => {
    const { csrPem } = await createKeyAndCsr(ALICE);
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0xff; // inside the signature
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await expect(issueWorkloadCertificate(ca, tampered, ALICE, { now })).rejects.toMatchObject({ code: expect.stringMatching(/^bad-csr/) });
    await expect(issueWorkloadCertificate(ca, 'not a csr', ALICE, { now })).rejects.toMatchObject({ code: 'bad-csr' });
    const rsa1024 = openssl(['req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', '/dev/null', '-subj', '/'], tmp.dir);
    await expect(issueWorkloadCertificate(ca, rsa1024, ALICE, { now })).rejects.toMatchObject({ code: 'unsupported-key' });
  });

  it('honours a configured TTL, caps it at 90 days, and never outlives the CA', async () => {
    const { csrPem } = await createKeyAndCsr(ALICE);
    const oneHour = await issueWorkloadCertificate(ca, csrPem, ALICE, { now, ttlMs: HOUR });
    expect(oneHour.notAfter - now).toBe(HOUR);
    await expect(issueWorkloadCertificate(ca, csrPem, ALICE, { now, ttlMs: 91 * 24 * HOUR })).rejects.toMatchObject({ code: 'ttl-too-long' });
    const shortCa = await openSigningCa(await createSelfSignedRoot({ now, ttlMs: 2 * HOUR, keyType: 'ec-p256' }), now);
    const clamped = await issueWorkloadCertificate(shortCa, csrPem, ALICE, { now });
    expect(clamped.notAfter).toBe(shortCa.notAfter);
    expect(clamped.notAfter - now).toBe(2 * HOUR);
    await expect(issueWorkloadCertificate(shortCa, csrPem, ALICE, { now: now + 3 * HOUR })).rejects.toBeInstanceOf(CaError);
  });

  it('draws a fresh 128-bit serial per certificate', async () => {
    const ecCa = await testCa(now);
    const { csrPem } = await createKeyAndCsr(ALICE);
    const a = await issueWorkloadCertificate(ecCa, csrPem, ALICE, { now });
    const b = await issueWorkloadCertificate(ecCa, csrPem, ALICE, { now });
    expect(a.serialNumber).not.toBe(b.serialNumber);
    const fixed = await issueWorkloadCertificate(ecCa, csrPem, ALICE, { now, randomBytes: (n) => new Uint8Array(n).fill(0xab) });
    expect(fixed.serialNumber).toBe('ab'.repeat(16));
    expect(openssl(['x509', '-noout', '-serial', '-in', tmp.file('s.pem', fixed.certPem)]).trim()).toBe(`serial=${'AB'.repeat(16)}`);
    expect(DEFAULT_WORKLOAD_TTL_MS).toBe(24 * HOUR);
  });
});
