/**
 * A Service object as the API server would show it once the platform has done its part: the
 * cluster IP, node ports and load balancer address filled in. Pure.
 */
import type { ClusterIp } from './cluster-ip.js';

/** The one address LoadBalancer Services are reachable on here. */
export const LOAD_BALANCER_IP = '127.0.0.1';

export interface ServiceNetView {
  clusterIp: ClusterIp;
  /** Node port by Service port number. */
  nodePorts: ReadonlyMap<number, number>;
  /** Is the Service reachable on its load balancer address (every listener bound)? */
  loadBalancer: boolean;
}

type Obj = Record<string, unknown>;

export function serviceObjectView(object: Obj, net: ServiceNetView | undefined): Obj {
  if (!net) return object;
  const spec = (object.spec ?? {}) as Obj;
  const type = (spec.type as string | undefined) ?? 'ClusterIP';
  const ports = ((spec.ports ?? []) as Obj[]).map((p) => {
    const nodePort = net.nodePorts.get(p.port as number);
    return nodePort === undefined ? p : { ...p, nodePort };
  });
  const address = net.clusterIp.kind === 'ip' ? net.clusterIp.ip : net.clusterIp.kind === 'headless' ? 'None' : undefined;
  const view: Obj = {
    ...spec,
    type,
    ...(address !== undefined ? { clusterIP: address, clusterIPs: [address] } : {}),
    ...(spec.ports !== undefined ? { ports } : {}),
  };
  const status = (object.status ?? {}) as Obj;
  const loadBalancer = type === 'LoadBalancer' && net.loadBalancer ? { ingress: [{ ip: LOAD_BALANCER_IP, ipMode: 'VIP' }] } : {};
  return { ...object, spec: view, status: { ...status, loadBalancer } };
}
