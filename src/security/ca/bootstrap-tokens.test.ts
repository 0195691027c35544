import { describe, it, expect } from 'vitest';
import { BootstrapTokens } from './bootstrap-tokens.js';
import { issueWorkloadCertificate } from './issue.js';
import { createKeyAndCsr } from './proxy-csr.js';
import { spiffeIdsOf } from './san.js';
import { ALICE, BOB, testCa } from './test-fixtures.js';

describe('BootstrapTokens', () => {
  it('mints 32 random bytes as base64url, different for every pod', () => {
    const tokens = new BootstrapTokens();
    const a = tokens.issueBootstrapToken(ALICE, 'alice-1');
    const b = tokens.issueBootstrapToken(ALICE, 'alice-2');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(tokens.size).toBe(2);
  });

  it('binds each token to the identity and pod it was issued for', () => {
    const tokens = new BootstrapTokens();
    const a = tokens.issueBootstrapToken(ALICE, 'alice-1');
    const b = tokens.issueBootstrapToken(BOB, 'bob-1');
    expect(tokens.authenticate(a)).toEqual(ALICE);
    expect(tokens.authenticate(b)).toEqual(BOB);
    expect(tokens.podOf(b)).toBe('bob-1');
  });

  it('refuses unknown, malformed and near-miss tokens', () => {
    const tokens = new BootstrapTokens();
    const a = tokens.issueBootstrapToken(ALICE, 'alice-1');
    const flipped = (a[0] === 'A' ? 'B' : 'A') + a.slice(1);
    expect(tokens.authenticate(flipped)).toBeUndefined();
    expect(tokens.authenticate(a.slice(0, 42))).toBeUndefined();
    expect(tokens.authenticate('')).toBeUndefined();
    expect(tokens.authenticate(`${a}=`)).toBeUndefined();
  });

  it('revokes a pod’s token when the pod goes, and a re-issue retires the old one', () => {
    const tokens = new BootstrapTokens();
    const first = tokens.issueBootstrapToken(ALICE, 'alice-1');
    const second = tokens.issueBootstrapToken(ALICE, 'alice-1');
    expect(tokens.authenticate(first)).toBeUndefined();
    expect(tokens.authenticate(second)).toEqual(ALICE);
    expect(tokens.revoke('alice-1')).toBe(true);
    expect(tokens.authenticate(second)).toBeUndefined();
    expect(tokens.revoke('alice-1')).toBe(false);
    expect(tokens.size).toBe(0);
  });

  it('hands out a copy, so a caller cannot rebind a token by mutating the result', () => {
    const tokens = new BootstrapTokens();
    const t = tokens.issueBootstrapToken(ALICE, 'alice-1');
    const got = tokens.authenticate(t);
    if (got) got.serviceAccount = 'admin';
    expect(tokens.authenticate(t)).toEqual(ALICE);
  });

  it('uses the injected byte source (deterministic tests)', () => {
    const tokens = new BootstrapTokens((n) => new Uint8Array(n).fill(7));
    expect(tokens.issueBootstrapToken(ALICE, 'p')).toBe(Buffer.alloc(32, 7).toString('base64url'));
  });

  it('end to end: the token decides the identity in the certificate, whatever the proxy claims', async () => {
    const now = Date.now();
    const ca = await testCa(now);
    const tokens = new BootstrapTokens();
    const bobsToken = tokens.issueBootstrapToken(BOB, 'bob-1');
    const proven = tokens.authenticate(bobsToken);
    if (!proven) throw new Error('token did not authenticate');
    const honest = await createKeyAndCsr(BOB);
    const cert = await issueWorkloadCertificate(ca, honest.csrPem, proven, { now });
    expect(spiffeIdsOf(cert.certPem)).toEqual(['spiffe://cluster.local/ns/shop/sa/bob']);
    const impostor = await createKeyAndCsr(ALICE);
    await expect(issueWorkloadCertificate(ca, impostor.csrPem, proven, { now })).rejects.toMatchObject({ code: 'identity-mismatch' });
  });
});
