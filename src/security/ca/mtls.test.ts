import { describe, it, expect, beforeAll } from 'vitest';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { issueWorkloadCertificate } from './issue.js';
import { createKeyAndCsr } from './proxy-csr.js';
import { peerChainDer, verifyPeerChain } from './peer-verify.js';
import { ALICE, BOB, testCa } from './test-fixtures.js';
import type { IssuedCertificate } from './config.js';

interface Holder {
  keyPem: string;
  issued: IssuedCertificate;
}

const now = Date.now();
let alice: Holder;
let bob: Holder;
let stranger: Holder;

async function holder(ca: Awaited<ReturnType<typeof testCa>>, id: typeof ALICE): Promise<Holder> {
  const { keyPem, csrPem } = await createKeyAndCsr(id);
  return { keyPem, issued: await issueWorkloadCertificate(ca, csrPem, id, { now }) };
}

beforeAll(async () => {
  const mesh = await testCa(now);
  const other = await testCa(now);
  alice = await holder(mesh, ALICE);
  bob = await holder(mesh, BOB);
  stranger = await holder(other, ALICE);
});

interface ServerSeen {
  server: Server;
  port: number;
  peers: string[];
  clientErrors: string[];
}

async function startServer(h: Holder): Promise<ServerSeen> {
  const peers: string[] = [];
  const clientErrors: string[] = [];
  const server = createServer({ key: h.keyPem, cert: h.issued.chainPem.join(''), ca: h.issued.rootsPem, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (socket) => {
    const check = verifyPeerChain(peerChainDer(socket), h.issued.rootsPem);
    const who = check.ok ? check.spiffeId : `refused: ${check.reason}`;
    peers.push(who);
    socket.end(who);
  });
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => clientErrors.push(err.code ?? err.message));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, peers, clientErrors };
}

function call(port: number, h: Holder, trustRoots: string, expectServer: string): Promise<{ serverId?: string; body: string; error?: string }> {
  return new Promise((resolve) => {
    let serverId: string | undefined;
    let body = '';
    const socket: TLSSocket = connect({
      host: '127.0.0.1',
      port,
      key: h.keyPem,
      cert: h.issued.chainPem.join(''),
      ca: trustRoots,
      servername: 'outbound_.80_._.server.shop.svc.cluster.local',
      // Node's default check looks at DNS SANs only; SPIFFE secure naming is a URI SAN check.
      checkServerIdentity: (_host, cert) => {
        const r = verifyPeerChain([cert.raw], trustRoots, [expectServer]);
        if (!r.ok) return new Error(r.reason);
        serverId = r.spiffeId;
        return undefined;
      },
    });
    socket.on('data', (d: Buffer) => (body += d.toString()));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve({ serverId, body, error: e.code ?? e.message }));
    socket.on('close', () => resolve({ serverId, body }));
  });
}

describe('mutual TLS between two issued leaves (node:tls)', () => {
  it('succeeds, and each side reads the other’s SPIFFE id', async () => {
    const s = await startServer(bob);
    try {
      const r = await call(s.port, alice, alice.issued.rootsPem, 'spiffe://cluster.local/ns/shop/sa/bob');
      expect(r.error).toBeUndefined();
      expect(r.serverId).toBe('spiffe://cluster.local/ns/shop/sa/bob');
      expect(r.body).toBe('spiffe://cluster.local/ns/shop/sa/alice');
      expect(s.peers).toEqual(['spiffe://cluster.local/ns/shop/sa/alice']);
    } finally {
      s.server.close();
    }
  });

  it('fails for a client whose leaf comes from a different CA', async () => {
    const s = await startServer(bob);
    try {
      const r = await call(s.port, stranger, alice.issued.rootsPem, 'spiffe://cluster.local/ns/shop/sa/bob');
      expect(r.body).toBe('');
      expect(s.peers).toEqual([]);
      // Node's TLS layer refuses the unknown issuer before our handler ever runs.
      expect(s.clientErrors).toHaveLength(1);
    } finally {
      s.server.close();
    }
  });

  it('client refuses a server whose SPIFFE id is not the expected one (secure naming)', async () => {
    const s = await startServer(bob);
    try {
      const r = await call(s.port, alice, alice.issued.rootsPem, 'spiffe://cluster.local/ns/shop/sa/carol');
      expect(r.error).toContain('is not one of spiffe://cluster.local/ns/shop/sa/carol');
      expect(r.body).toBe('');
    } finally {
      s.server.close();
    }
  });
});

describe('verifyPeerChain', () => {
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');

  it('accepts a leaf of ours, within validity, in an allowed trust domain', () => {
    const r = verifyPeerChain([der(alice.issued.certPem)], alice.issued.rootsPem, undefined, { now });
    expect(r).toEqual({ ok: true, spiffeId: 'spiffe://cluster.local/ns/shop/sa/alice', identity: ALICE });
  });

  it('rejects another CA, expiry, foreign trust domains, an absent cert and the root posing as a leaf', () => {
    expect(verifyPeerChain([der(stranger.issued.certPem)], alice.issued.rootsPem)).toMatchObject({ ok: false, code: 'untrusted' });
    expect(verifyPeerChain([der(alice.issued.certPem)], alice.issued.rootsPem, undefined, { now: alice.issued.notAfter + 1000 })).toMatchObject({ ok: false, code: 'expired' });
    expect(verifyPeerChain([der(alice.issued.certPem)], alice.issued.rootsPem, undefined, { trustDomains: ['other.mesh'] })).toMatchObject({ ok: false, code: 'trust-domain' });
    expect(verifyPeerChain([], alice.issued.rootsPem)).toMatchObject({ ok: false, code: 'no-certificate' });
    const root = alice.issued.chainPem[alice.issued.chainPem.length - 1] ?? '';
    expect(verifyPeerChain([der(root)], alice.issued.rootsPem)).toMatchObject({ ok: false, code: 'not-leaf' });
  });
});
