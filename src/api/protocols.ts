/**
 * Istio's port protocols: the one place tack decides which protocol a port carries. Validation (Gateway,
 * Sidecar and ServiceEntry `protocol` fields), the service registry and the port-name analyzer all ask
 * here, so `analyze`, `apply` and the running mesh cannot disagree about a port.
 */

/** Istio's protocol names (protocol.Instance), spelled as Istio prints them. */
export type Protocol = 'GRPC' | 'GRPC-Web' | 'HTTP' | 'HTTP_PROXY' | 'HTTP2' | 'HTTPS' | 'TCP' | 'TLS' | 'UDP' | 'Mongo' | 'Redis' | 'MySQL';

const BY_LOWER_NAME: Readonly<Record<string, Protocol>> = {
  tcp: 'TCP', udp: 'UDP', grpc: 'GRPC', 'grpc-web': 'GRPC-Web', http: 'HTTP', http_proxy: 'HTTP_PROXY',
  http2: 'HTTP2', https: 'HTTPS', tls: 'TLS', mongo: 'Mongo', redis: 'Redis', mysql: 'MySQL',
};

/**
 * A protocol as written in a `protocol` field (Gateway, Sidecar, ServiceEntry), matched without regard
 * to case; undefined where Istio says "unsupported". `h2c` is not one: Istio knows it only as the
 * Kubernetes appProtocol `kubernetes.io/h2c`.
 */
export function parseProtocol(text: string): Protocol | undefined {
  return BY_LOWER_NAME[text.toLowerCase()];
}

/**
 * Ports Istio treats as TCP when nothing names their protocol (SMTP, DNS, MySQL, MongoDB): sniffing
 * would wait for the client to speak first, and these servers speak first.
 */
const SERVER_FIRST_PORTS: ReadonlySet<number> = new Set([25, 53, 3306, 27017]);

/** The appProtocol values Kubernetes defines; a port name cannot hold a `/`, so only appProtocol has them. */
const KUBERNETES_APP_PROTOCOLS: Readonly<Record<string, Protocol>> = {
  'kubernetes.io/h2c': 'HTTP2',
  'kubernetes.io/ws': 'HTTP',
  'kubernetes.io/wss': 'HTTPS',
};

/** What a Kubernetes Service port says about itself. */
export interface KubernetesPort {
  port: number;
  name?: string | undefined;
  /** The IP protocol: TCP (the default), UDP or SCTP. */
  protocol?: string | undefined;
  appProtocol?: string | undefined;
}

/**
 * The protocol of a Service port as Istio's kube.ConvertProtocol picks it: UDP ports are UDP; a set
 * appProtocol decides alone (the name is not consulted even when appProtocol is unknown); otherwise
 * the name's `<protocol>[-<suffix>]` prefix, case-insensitive, with `grpc-web` read whole before the
 * first `-` is cut. Undefined means Istio does not know, and sniffs the protocol from the first bytes.
 */
export function servicePortProtocol(p: KubernetesPort): Protocol | undefined {
  if (p.protocol === 'UDP') return 'UDP';
  const text = p.appProtocol ?? p.name ?? '';
  if (p.appProtocol !== undefined) {
    const known = KUBERNETES_APP_PROTOCOLS[p.appProtocol];
    if (known) return known;
  }
  if (text.toLowerCase().startsWith('grpc-web')) return 'GRPC-Web';
  const dash = text.indexOf('-');
  const found = parseProtocol(dash >= 0 ? text.slice(0, dash) : text);
  if (found === undefined && SERVER_FIRST_PORTS.has(p.port)) return 'TCP';
  return found;
}

/** Routed as HTTP (Istio's IsHTTP): the HTTP connection manager, routes and retries apply. */
export function isHTTPProtocol(p: Protocol | undefined): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
}

/** Carries TLS the proxy can route by SNI (Istio's IsTLS). */
export function isTLSProtocol(p: Protocol | undefined): boolean {
  return p === 'HTTPS' || p === 'TLS';
}
