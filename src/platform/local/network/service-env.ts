/**
 * The variables the kubelet gives every container for each Service of its namespace that has a
 * cluster IP (Docker-link style and Kubernetes' own), for Services that existed when the pod
 * started. Pure.
 */
export interface ServiceLink {
  name: string;
  clusterIP: string;
  ports: readonly { port: number; name?: string | undefined; protocol?: string | undefined }[];
}

/** `my-svc` → `MY_SVC`, as the kubelet names the variables. */
export function envName(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

function links(s: ServiceLink, out: Record<string, string>): void {
  const prefix = envName(s.name);
  s.ports.forEach((p, i) => {
    const protocol = p.protocol ?? 'TCP';
    const url = `${protocol.toLowerCase()}://${s.clusterIP}:${p.port}`;
    if (i === 0) out[`${prefix}_PORT`] = url;
    const portPrefix = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
    out[portPrefix] = url;
    out[`${portPrefix}_PROTO`] = protocol.toLowerCase();
    out[`${portPrefix}_PORT`] = String(p.port);
    out[`${portPrefix}_ADDR`] = s.clusterIP;
  });
}

export function serviceEnvironment(services: readonly ServiceLink[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of services) {
    const prefix = envName(s.name);
    out[`${prefix}_SERVICE_HOST`] = s.clusterIP;
    const first = s.ports[0];
    if (first) out[`${prefix}_SERVICE_PORT`] = String(first.port);
    for (const p of s.ports) if (p.name) out[`${prefix}_SERVICE_PORT_${envName(p.name)}`] = String(p.port);
    links(s, out);
  }
  return out;
}
