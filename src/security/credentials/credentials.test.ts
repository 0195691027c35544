import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { resolveCredential } from './resolve.js';
import type { SecretLike, SecretLookup } from './config.js';
import type { SecretObject } from '../../api/kinds/secret.js';
import { createSelfSignedRoot } from '../ca/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tack-cred-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = Date.now();
const NS = 'istio-system';

interface Pem {
  cert: string;
  key: string;
}
let server: Pem;
let other: Pem;
let clientCa: Pem;
let expired: Pem;

/** A certificate and key made by openssl, as a user would for `kubectl create secret tls`. */
function selfSigned(name: string, cn: string, days: string): Pem {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', days, '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`], { cwd: dir, stdio: 'ignore' });
  return { cert: readFileSync(join(dir, `${name}.crt`), 'utf8'), key: readFileSync(join(dir, `${name}.key`), 'utf8') };
}

beforeAll(() => {
  server = selfSigned('server', 'bookinfo.example.com', '30');
  other = selfSigned('other', 'other.example.com', '30');
  clientCa = selfSigned('client-ca', 'client-ca', '30');
});
beforeAll(async () => {
  // openssl 3.0's `req` cannot back-date, so the expired one comes from tack's own CA code.
  const old = await createSelfSignedRoot({ now: Date.parse('2020-01-01T00:00:00Z'), ttlMs: 3_600_000, keyType: 'ec-p256' });
  expired = { cert: old.caCertPem, key: old.caKeyPem };
});

const b64 = (s: string): string => Buffer.from(s).toString('base64');
function store(...secrets: SecretLike[]): SecretLookup {
  return (ns, name) => secrets.find((s) => (s.metadata.namespace ?? 'default') === ns && s.metadata.name === name);
}
const secret = (name: string, data: Record<string, string>, stringData?: Record<string, string>): SecretLike => ({
  metadata: { name, namespace: NS },
  type: 'Opaque',
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  ...(stringData ? { stringData } : {}),
});

describe('resolveCredential: layouts', () => {
  it('reads a kubernetes.io/tls Secret (tls.crt / tls.key, base64 data)', () => {
    const r = resolveCredential('bookinfo-credential', NS, store({ ...secret('bookinfo-credential', { 'tls.crt': server.cert, 'tls.key': server.key }), type: 'kubernetes.io/tls' }), { now });
    expect(r).toEqual({ ok: true, credential: { certChainPem: server.cert, keyPem: server.key }, warnings: [] });
  });

  it('reads the generic cert / key layout, from plain stringData too', () => {
    const r = resolveCredential('generic', NS, store(secret('generic', {}, { cert: server.cert, key: server.key })), { now });
    expect(r).toMatchObject({ ok: true, credential: { certChainPem: server.cert, keyPem: server.key } });
  });

  it('prefers cert / key over tls.crt / tls.key when a Secret has both, and stringData over data', () => {
    const both = secret('both', { 'tls.crt': other.cert, 'tls.key': other.key, cert: other.cert, key: other.key }, { cert: server.cert, key: server.key });
    expect(resolveCredential('both', NS, store(both), { now })).toMatchObject({ ok: true, credential: { certChainPem: server.cert } });
  });

  it('looks only in the gateway’s namespace', () => {
    const elsewhere = { ...secret('cred', { 'tls.crt': server.cert, 'tls.key': server.key }), metadata: { name: 'cred', namespace: 'bookinfo' } };
    const r = resolveCredential('cred', NS, store(elsewhere), { now });
    expect(r).toEqual({
      ok: false,
      error: { code: 'not-found', resource: 'kubernetes://cred', message: 'secret istio-system/cred not found', logLine: 'failed to fetch key and certificate for kubernetes://cred: secret istio-system/cred not found' },
    });
  });

  it('serves a working TLS listener from what it returns', async () => {
    const r = resolveCredential('c', NS, store(secret('c', { 'tls.crt': server.cert, 'tls.key': server.key })), { now });
    if (!r.ok) throw new Error(r.error.message);
    const srv = createServer({ cert: r.credential.certChainPem, key: r.credential.keyPem }, (s) => s.end('hi'));
    await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
    try {
      const body = await new Promise<string>((res, rej) => {
        let got = '';
        const c = connect({ host: '127.0.0.1', port: (srv.address() as AddressInfo).port, servername: 'bookinfo.example.com', ca: server.cert });
        c.on('data', (d: Buffer) => (got += d.toString()));
        c.on('end', () => res(got));
        c.on('error', rej);
      });
      expect(body).toBe('hi');
    } finally {
      srv.close();
    }
  });
});

describe('resolveCredential: Istio’s error strings', () => {
  const err = (s: SecretLike, mutual = false) => {
    const r = resolveCredential(s.metadata.name, NS, store(s), { now, mutual });
    return r.ok ? undefined : r.error;
  };

  it('names empty keys, generic pair first', () => {
    expect(err(secret('e', { cert: '', key: '', 'tls.crt': '', 'tls.key': '' }))?.message).toBe('found keys "cert" and "key", but they were empty');
    expect(err(secret('e', { 'tls.crt': '', 'tls.key': '' }))).toMatchObject({ code: 'empty-keys', message: 'found keys "tls.crt" and "tls.key", but they were empty' });
  });

  it('lists what it found when the expected keys are absent, three at most', () => {
    expect(err(secret('m', { 'tls.cert': 'x' }))?.message).toBe("found secret, but didn't have expected keys (cert and key) or (tls.crt and tls.key); found: tls.cert");
    expect(err(secret('m', { e: '1', d: '2', c: '3', b: '4', a: '5' }))?.message).toBe("found secret, but didn't have expected keys (cert and key) or (tls.crt and tls.key); found: a, b, c, and 2 more...");
  });

  it('refuses a key that does not fit the certificate, and PEM that does not parse', () => {
    expect(err(secret('k', { 'tls.crt': server.cert, 'tls.key': other.key }))).toMatchObject({ code: 'key-mismatch', message: 'secret istio-system/k: tls.key: the private key does not match the certificate in tls.crt' });
    expect(err(secret('p', { cert: 'hush hush hush\n', key: 'secret secret\n' }))).toMatchObject({ code: 'bad-pem', message: 'secret istio-system/p: cert: pem decode failed (no CERTIFICATE block)' });
    expect(err(secret('q', { cert: server.cert, key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }))).toMatchObject({ code: 'bad-pem' });
  });

  it('warns, as istiod logs, about an expired certificate but still returns it', () => {
    const r = resolveCredential('x', NS, store(secret('x', { 'tls.crt': expired.cert, 'tls.key': expired.key })), { now });
    expect(r).toMatchObject({ ok: true, warnings: ['tls.crt: certificate is expired or not yet valid'] });
  });
});

describe('resolveCredential: client CA for MUTUAL', () => {
  it('takes <name>-cacert first, then cacert, then ca.crt from the same Secret', () => {
    const withSeparate = store(secret('m', { ...pairNow(), 'ca.crt': other.cert }), secret('m-cacert', { cacert: clientCa.cert }));
    expect(resolveCredential('m', NS, withSeparate, { now, mutual: true })).toMatchObject({ ok: true, credential: { caPem: clientCa.cert } });
    const same = store(secret('m', { ...pairNow(), cacert: clientCa.cert, 'ca.crt': other.cert }));
    expect(resolveCredential('m', NS, same, { now, mutual: true })).toMatchObject({ ok: true, credential: { caPem: clientCa.cert } });
    const tlsStyle = store(secret('m', { ...pairNow(), 'ca.crt': clientCa.cert }));
    expect(resolveCredential('m', NS, tlsStyle, { now, mutual: true })).toMatchObject({ ok: true, credential: { caPem: clientCa.cert } });
  });

  it('says what is missing, against the -cacert resource', () => {
    const r = resolveCredential('m', NS, store(secret('m', pairNow())), { now, mutual: true });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'missing-keys',
        resource: 'kubernetes://m-cacert',
        message: "found secret, but didn't have expected keys cacert or ca.crt; found: tls.crt, tls.key",
        logLine: "failed to fetch ca certificate for kubernetes://m-cacert: found secret, but didn't have expected keys cacert or ca.crt; found: tls.crt, tls.key",
      },
    });
    const empty = resolveCredential('m', NS, store(secret('m', pairNow()), secret('m-cacert', { cacert: '' })), { now, mutual: true });
    expect(empty).toMatchObject({ ok: false, error: { code: 'empty-keys', message: 'found key "cacert", but it was empty' } });
  });

  it('leaves the CA out for SIMPLE', () => {
    const r = resolveCredential('m', NS, store(secret('m', { ...pairNow(), cacert: clientCa.cert })), { now });
    expect(r.ok).toBe(true);
    expect(r.ok && 'caPem' in r.credential).toBe(false);
  });
});

function pairNow(): Record<string, string> {
  return { 'tls.crt': server.cert, 'tls.key': server.key };
}

describe('SecretLike', () => {
  it('accepts the api layer’s Secret objects as they are', () => {
    const fromApi: SecretObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: NS }, stringData: { cert: 'c', key: 'k' } } as SecretObject;
    const asInput: SecretLike = fromApi;
    expect(resolveCredential('s', NS, store(asInput), { now })).toMatchObject({ ok: false, error: { code: 'bad-pem' } });
  });
});
