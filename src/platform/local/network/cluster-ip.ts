/**
 * Cluster IPs for Services, kept for the life of the mesh. A Service's address is derived from a
 * hash of its namespace and name (and a per-mesh salt, so two meshes on one machine do not share
 * addresses), probing onwards on a collision; an explicit `spec.clusterIP` is honoured when tack
 * can bind it on loopback and no other Service holds it.
 */
import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';

/** 127.96.0.0/12: inside 127.0.0.0/8, all of which Linux binds on loopback; mirrors Kubernetes' 10.96.0.0/12. */
export const SERVICE_CIDR = '127.96.0.0/12';
const BASE = (127 << 24) | (96 << 16);
const SIZE = 1 << 20;

export type ClusterIp = { kind: 'ip'; ip: string } | { kind: 'headless' } | { kind: 'none' };

export interface ClusterIpResult {
  clusterIp: ClusterIp;
  /** Why an explicit `spec.clusterIP` was not used. */
  note?: string;
}

function toAddress(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function toNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Can this explicit address serve as a cluster IP here? */
export function explicitProblem(ip: string): string | undefined {
  if (!isIPv4(ip)) return 'is not an IPv4 address';
  const n = toNumber(ip);
  if (n >>> 24 !== 127) return 'is outside 127.0.0.0/8, the addresses tack can bind on loopback';
  if (ip === '127.0.0.1' || ip === '127.0.0.0' || ip === '127.255.255.255') return 'is reserved (the host\'s own loopback address)';
  return undefined;
}

export class ClusterIpAllocator {
  private readonly byKey = new Map<string, string>();
  private readonly byIp = new Map<string, string>();

  constructor(private readonly salt = '') {}

  /**
   * The cluster IP of Service `key` (`namespace/name`): `requested` is its `spec.clusterIP`;
   * `externalName` Services have none.
   */
  assign(key: string, requested: string | undefined, externalName = false): ClusterIpResult {
    if (externalName) {
      this.release(key);
      return { clusterIp: { kind: 'none' } };
    }
    if (requested === 'None') {
      this.release(key);
      return { clusterIp: { kind: 'headless' } };
    }
    let note: string | undefined;
    if (requested !== undefined && requested !== '') {
      const problem = explicitProblem(requested);
      const holder = this.byIp.get(requested);
      if (problem === undefined && (holder === undefined || holder === key)) {
        this.take(key, requested);
        return { clusterIp: { kind: 'ip', ip: requested } };
      }
      note = `spec.clusterIP ${requested} ${problem ?? `is already the cluster IP of Service ${holder ?? ''}`}`;
    }
    const current = this.byKey.get(key);
    if (current !== undefined) return { clusterIp: { kind: 'ip', ip: current }, ...(note ? { note } : {}) };
    const ip = this.free(key);
    this.take(key, ip);
    return { clusterIp: { kind: 'ip', ip }, ...(note ? { note: `${note}; using ${ip}` } : {}) };
  }

  get(key: string): string | undefined {
    return this.byKey.get(key);
  }

  release(key: string): void {
    const ip = this.byKey.get(key);
    if (ip === undefined) return;
    this.byKey.delete(key);
    this.byIp.delete(ip);
  }

  /** Service key holding `ip`, if any. */
  holder(ip: string): string | undefined {
    return this.byIp.get(ip);
  }

  private take(key: string, ip: string): void {
    this.release(key);
    this.byKey.set(key, ip);
    this.byIp.set(ip, key);
  }

  private free(key: string): string {
    const digest = createHash('sha256').update(`${this.salt}\u0000${key}`).digest();
    const start = digest.readUInt32BE(0) % SIZE;
    for (let i = 0; i < SIZE; i++) {
      const offset = (start + i) % SIZE;
      // Skip the range's network and broadcast-like ends.
      if (offset === 0 || offset === SIZE - 1) continue;
      const ip = toAddress(BASE + offset);
      if (!this.byIp.has(ip)) return ip;
    }
    throw new Error(`no free cluster IP left in ${SERVICE_CIDR}`);
  }
}
