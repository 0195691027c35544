/**
 * Which fields take effect in tack today (the rest are validated and stored, but do not yet change
 * behaviour). docs/compatibility.md is generated from this table and the schemas, and a test keeps
 * the two in step: add a field here in the same change that makes it work.
 *
 * Keys are field paths as listFields prints them (`spec.http[].route[].weight`); a path covers the
 * fields below it unless they are listed themselves.
 */
export type Effect = 'yes' | 'partial' | 'no';

export interface FieldSupport {
  effect: Effect;
  note?: string;
}

const yes: FieldSupport = { effect: 'yes' };
const no: FieldSupport = { effect: 'no' };
const partial = (note: string): FieldSupport => ({ effect: 'partial', note });

const POD_SPEC = (p: string): Record<string, FieldSupport> => ({
  [`${p}containers`]: partial('image (built-in samples), command, args, env, envFrom, ports, readinessProbe, workingDir'),
  [`${p}containers[].name`]: yes,
  [`${p}containers[].image`]: partial('built-in samples and the proxy image; other images need a command'),
  [`${p}containers[].command`]: yes,
  [`${p}containers[].args`]: yes,
  [`${p}containers[].workingDir`]: yes,
  [`${p}containers[].env`]: yes,
  [`${p}containers[].envFrom`]: yes,
  [`${p}containers[].ports`]: yes,
  [`${p}containers[].readinessProbe`]: yes,
  [`${p}serviceAccountName`]: yes,
  [`${p}serviceAccount`]: yes,
  [`${p}terminationGracePeriodSeconds`]: partial('capped at 5 s locally'),
});

export const FIELD_SUPPORT: Readonly<Record<string, Readonly<Record<string, FieldSupport>>>> = {
  Namespace: { spec: no },
  Service: {
    spec: partial('selector and ports route traffic; type, IPs and session affinity have no local meaning'),
    'spec.selector': yes,
    'spec.ports': yes,
    'spec.ports[].nodePort': no,
  },
  ConfigMap: { data: partial('read by env valueFrom and envFrom') },
  Secret: { data: partial('read by env valueFrom and envFrom'), stringData: partial('read by env valueFrom and envFrom') },
  Deployment: {
    'spec.replicas': yes,
    'spec.selector': yes,
    'spec.template': partial('labels, annotations (sidecar.istio.io/inject) and the pod spec below'),
    'spec.template.metadata': yes,
    ...POD_SPEC('spec.template.spec.'),
  },
  Pod: { ...POD_SPEC('spec.') },
  VirtualService: {
    'spec.hosts': yes,
    'spec.gateways': yes,
    'spec.exportTo': yes,
    'spec.http': partial('see the fields below'),
    'spec.http[].name': yes,
    'spec.http[].match': yes,
    'spec.http[].match[].statPrefix': no,
    'spec.http[].route': yes,
    'spec.http[].redirect': yes,
    'spec.http[].directResponse': yes,
    'spec.http[].rewrite': yes,
    'spec.http[].timeout': yes,
    'spec.http[].retries': yes,
    'spec.http[].headers': yes,
    'spec.http[].fault': yes,
    'spec.http[].fault.abort.http2Error': no,
    'spec.http[].fault.delay.exponentialDelay': no,
    'spec.http[].mirror': yes,
    'spec.http[].mirrors': yes,
    'spec.http[].mirrorPercent': yes,
    'spec.http[].mirrorPercentage': yes,
    'spec.http[].corsPolicy': yes,
    'spec.http[].delegate': partial('one level, hostless delegate VirtualServices'),
    'spec.tls': no,
    'spec.tcp': no,
  },
  DestinationRule: {
    'spec.host': yes,
    'spec.exportTo': yes,
    'spec.subsets': yes,
    'spec.subsets[].trafficPolicy': partial('as the top-level policy below'),
    'spec.trafficPolicy': partial('load balancer, connection pool, outlier detection; not TLS, tunnel, proxy protocol'),
    'spec.trafficPolicy.loadBalancer': partial('simple and consistentHash by header, cookie, source IP or query parameter'),
    'spec.trafficPolicy.loadBalancer.consistentHash.ringHash': no,
    'spec.trafficPolicy.loadBalancer.consistentHash.maglev': no,
    'spec.trafficPolicy.loadBalancer.localityLbSetting': partial('failover to the nearest locality (topology labels) when outlier detection is on; distribute and failoverPriority not yet'),
    'spec.trafficPolicy.loadBalancer.warmupDurationSecs': yes,
    'spec.trafficPolicy.loadBalancer.warmup': yes,
    'spec.trafficPolicy.connectionPool': partial('circuit breakers for HTTP/1.1 upstreams, see below'),
    'spec.trafficPolicy.connectionPool.tcp.maxConnections': yes,
    'spec.trafficPolicy.connectionPool.tcp.connectTimeout': yes,
    'spec.trafficPolicy.connectionPool.tcp.tcpKeepalive': partial('keepalive time; probes and interval are the OS defaults'),
    'spec.trafficPolicy.connectionPool.tcp.maxConnectionDuration': yes,
    'spec.trafficPolicy.connectionPool.tcp.idleTimeout': yes,
    'spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests': yes,
    'spec.trafficPolicy.connectionPool.http.http2MaxRequests': yes,
    'spec.trafficPolicy.connectionPool.http.maxRequestsPerConnection': yes,
    'spec.trafficPolicy.connectionPool.http.maxRetries': yes,
    'spec.trafficPolicy.connectionPool.http.idleTimeout': yes,
    'spec.trafficPolicy.outlierDetection': partial('ejection is checked per request rather than per interval'),
    'spec.trafficPolicy.outlierDetection.consecutive5xxErrors': yes,
    'spec.trafficPolicy.outlierDetection.consecutiveGatewayErrors': yes,
    'spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures': yes,
    'spec.trafficPolicy.outlierDetection.splitExternalLocalOriginErrors': yes,
    'spec.trafficPolicy.outlierDetection.baseEjectionTime': yes,
    'spec.trafficPolicy.outlierDetection.maxEjectionPercent': yes,
    'spec.trafficPolicy.outlierDetection.minHealthPercent': yes,
    'spec.trafficPolicy.tls': no,
    'spec.trafficPolicy.portLevelSettings': partial('replaces the top-level policy for its port, as Istio does'),
    'spec.workloadSelector': no,
  },
  Gateway: {
    'spec.selector': yes,
    'spec.servers': partial('HTTP servers; TLS and TCP servers are next'),
    'spec.servers[].port': partial('number and HTTP protocols'),
    'spec.servers[].hosts': yes,
    'spec.servers[].tls': no,
  },
  ServiceEntry: {
    'spec.hosts': yes,
    'spec.ports': yes,
    'spec.endpoints': yes,
    'spec.workloadSelector': yes,
    'spec.resolution': partial('DNS without endpoints connects to the host itself'),
    'spec.exportTo': yes,
  },
  Sidecar: {
    'spec.outboundTrafficPolicy.mode': yes,
  },
};
