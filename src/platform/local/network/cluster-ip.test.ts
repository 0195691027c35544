/** Cluster IPs: stable per Service, distinct, inside the loopback range, explicit ones honoured when usable. */
import { describe, it, expect } from 'vitest';
import { ClusterIpAllocator } from './cluster-ip.js';

function ipOf(r: ReturnType<ClusterIpAllocator['assign']>): string {
  if (r.clusterIp.kind !== 'ip') throw new Error(`no address: ${r.clusterIp.kind}`);
  return r.clusterIp.ip;
}

describe('ClusterIpAllocator', () => {
  it('derives a stable address in 127.96.0.0/12 from namespace/name and keeps it', () => {
    const a = new ClusterIpAllocator('mesh-1');
    const ip = ipOf(a.assign('default/reviews', undefined));
    expect(ip).toMatch(/^127\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    expect(ipOf(a.assign('default/reviews', undefined))).toBe(ip);
    expect(ipOf(new ClusterIpAllocator('mesh-1').assign('default/reviews', undefined))).toBe(ip);
    expect(ipOf(new ClusterIpAllocator('mesh-2').assign('default/reviews', undefined))).not.toBe(ip);
  });

  it('gives many Services distinct addresses', () => {
    const a = new ClusterIpAllocator();
    const ips = new Set<string>();
    for (let i = 0; i < 2000; i++) ips.add(ipOf(a.assign(`ns/svc-${i}`, undefined)));
    expect(ips.size).toBe(2000);
  });

  it('honours a usable explicit clusterIP and refuses one it cannot bind or that is taken, saying why', () => {
    const a = new ClusterIpAllocator();
    expect(a.assign('default/db', '127.10.0.5')).toEqual({ clusterIp: { kind: 'ip', ip: '127.10.0.5' } });
    const taken = a.assign('default/other', '127.10.0.5');
    expect(ipOf(taken)).not.toBe('127.10.0.5');
    expect(taken.note).toMatch(/127\.10\.0\.5 is already the cluster IP of Service default\/db; using 127\./);
    const outside = a.assign('default/dns', '10.96.0.10');
    expect(outside.note).toContain('outside 127.0.0.0/8');
    expect(a.assign('default/self', '127.0.0.1').note).toContain('reserved');
  });

  it('headless and ExternalName Services have no address, and free the one they had', () => {
    const a = new ClusterIpAllocator();
    const ip = ipOf(a.assign('default/x', '127.20.0.1'));
    expect(a.assign('default/x', 'None').clusterIp).toEqual({ kind: 'headless' });
    expect(a.holder(ip)).toBeUndefined();
    expect(a.assign('default/y', undefined, true).clusterIp).toEqual({ kind: 'none' });
  });
});
