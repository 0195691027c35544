/**
 * Which fields take effect in tack today (the rest are validated and stored, but do not yet change
 * behaviour). docs/compatibility.md is generated from this table and the schemas, and a test keeps
 * the two in step: add a field here in the same change that makes it work.
 *
 * Keys are field paths as listFields prints them (`spec.http[].route[].weight`); a path covers the
 * fields below it unless they are listed themselves.
 *
 * Every 'yes' and 'partial' names the test that shows it working (`test`); compat.test.ts fails
 * when that test is gone, so a claim cannot outlive its evidence. `pending` marks what Istio acts
 * on and tack does not yet: a resource that sets it gets one TK0004 warning (not-enforced.ts), so
 * nobody mistakes "accepted" for "working". Kubernetes fields that merely have no local meaning
 * (resources, securityContext, volumes: platform/local/ignored-fields.ts) are plain 'no', never
 * pending.
 */
export type Effect = 'yes' | 'partial' | 'no';

/** A test that shows a field working: a repository file and a substring of the test's title (or, for a golden case, of its input). */
export interface TestRef {
  file: string;
  title: string;
}

/** How a field Istio acts on but tack does not yet is named in the TK0004 warning. */
export interface Pending {
  /** Names what the resource sets ("mtls STRICT"); undefined means this value is one tack does enforce. Default: the field's name and its value when short. */
  says?: (value: unknown) => string | undefined;
}

export interface FieldSupport {
  effect: Effect;
  note?: string;
  test?: TestRef;
  pending?: Pending;
}

const t = (file: string, title: string): TestRef => ({ file, title });
const yes = (test: TestRef): FieldSupport => ({ effect: 'yes', test });
const partial = (note: string, test: TestRef): FieldSupport => ({ effect: 'partial', note, test });
const no: FieldSupport = { effect: 'no' };
/** Implemented, but no test shows it yet: the table does not claim what nothing checks. */
const untested: FieldSupport = { effect: 'no', note: 'implemented, but no test shows it yet' };
const pending = (says?: Pending['says']): FieldSupport => ({ effect: 'no', note: 'not enforced yet: tack warns (TK0004)', pending: says ? { says } : {} });

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const count = (v: unknown, noun: string): string => {
  const n = Array.isArray(v) ? v.length : Object.keys(obj(v)).length;
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
};

// The tests the claims below rest on.
const MATCH = 'src/compile/match-compile.test.ts';
const RESILIENCE = 'src/compile/resilience-compile.test.ts';
const ROUTES = 'src/proxy/runtime/route-table.test.ts';
const BREAKER = 'src/proxy/runtime/circuit-breaker.test.ts';
const OUTLIER = 'src/proxy/runtime/outlier.test.ts';
const LB = 'src/proxy/runtime/cluster.test.ts';
const LOCALITY = 'src/proxy/runtime/cluster-locality.test.ts';
const ROUTING = 'test/integration/resilience-routing.test.ts';
const CANARY = 'test/integration/seed-000-canary.test.ts';
const MTLS = 'test/integration/mtls-mesh.test.ts';
const MTLS_PROXY = 'test/integration/mtls-transport.test.ts';
const ENV = 'src/platform/local/container-env.test.ts';
const canary = t(CANARY, 'splits 2,000 requests 75/25 between v1 and v2');
const envTest = t(ENV, 'env, envFrom and valueFrom');

const POD_SPEC = (p: string): Record<string, FieldSupport> => ({
  // Only the fields listed below run locally; the rest of a pod spec (init containers, volumes, …) does not.
  [p.replace(/\.$/, '')]: no,
  [`${p}containers`]: partial('image (built-in samples), command, args, env, envFrom, ports, readinessProbe, workingDir', canary),
  [`${p}containers[].name`]: yes(t('test/integration/commands.test.ts', 'logs shows an app container and its sidecar')),
  [`${p}containers[].image`]: partial('built-in samples and the proxy image; other images need a command', t('test/integration/seed-003-004.test.ts', 'splits 75/25 from outside, by Host header')),
  [`${p}containers[].command`]: yes(canary),
  [`${p}containers[].args`]: yes(canary),
  [`${p}containers[].workingDir`]: untested,
  [`${p}containers[].env`]: yes(envTest),
  [`${p}containers[].envFrom`]: yes(envTest),
  [`${p}containers[].ports`]: yes(canary),
  [`${p}containers[].readinessProbe`]: untested,
  [`${p}serviceAccountName`]: untested,
  [`${p}serviceAccount`]: untested,
  [`${p}terminationGracePeriodSeconds`]: untested,
});

const tlsMode = (v: unknown): string => `tls mode ${str(obj(v).mode) ?? 'DISABLE'}`;

/**
 * A DestinationRule traffic policy at `p` (top level, port level, subset, subset port level). The
 * same groups take effect wherever a policy can stand; Istio's merge order is compile's concern.
 */
const TRAFFIC_POLICY = (p: string, withPortLevel: boolean): Record<string, FieldSupport> => ({
  [`${p}loadBalancer`]: partial('simple and consistentHash by header, cookie, source IP or query parameter', t(MATCH, 'with no DestinationRule, clusters use the default load balancer (LEAST_REQUEST)')),
  [`${p}loadBalancer.simple`]: yes(t(LB, 'cycles through the endpoints in order')),
  [`${p}loadBalancer.consistentHash`]: partial('by header, cookie, source IP or query parameter, on tack\'s own hash ring', t(LB, 'sticks a key to one endpoint, whatever the random source and load say')),
  [`${p}loadBalancer.consistentHash.ringHash`]: no,
  [`${p}loadBalancer.consistentHash.maglev`]: no,
  [`${p}loadBalancer.consistentHash.minimumRingSize`]: no,
  [`${p}loadBalancer.localityLbSetting`]: partial('failover to the nearest locality (topology labels) when outlier detection is on', t(LOCALITY, 'fails over to the same region, then anywhere, as endpoints go')),
  [`${p}loadBalancer.localityLbSetting.enabled`]: yes(t(LOCALITY, 'spreads over every locality without failover')),
  [`${p}loadBalancer.localityLbSetting.distribute`]: pending((v) => `localityLbSetting.distribute (${count(v, 'rule')})`),
  [`${p}loadBalancer.localityLbSetting.failover`]: pending((v) => `localityLbSetting.failover (${count(v, 'rule')})`),
  [`${p}loadBalancer.localityLbSetting.failoverPriority`]: pending((v) => `localityLbSetting.failoverPriority (${count(v, 'label')})`),
  [`${p}loadBalancer.warmupDurationSecs`]: yes(t(LOCALITY, 'gives a new endpoint a growing share over the warmup duration')),
  [`${p}loadBalancer.warmup`]: yes(t(LOCALITY, 'gives a new endpoint a growing share over the warmup duration')),
  [`${p}connectionPool`]: partial('circuit breakers for HTTP/1.1 upstreams, see below', t(BREAKER, 'with maxConnections 1 and maxPending 1')),
  [`${p}connectionPool.tcp.maxConnections`]: yes(t(BREAKER, 'with maxConnections 1 and maxPending 1')),
  [`${p}connectionPool.tcp.connectTimeout`]: yes(t(RESILIENCE, 'connectionPool limits apply to every subset that does not override them')),
  [`${p}connectionPool.tcp.tcpKeepalive`]: untested,
  [`${p}connectionPool.tcp.maxConnectionDuration`]: untested,
  [`${p}connectionPool.tcp.idleTimeout`]: yes(t(RESILIENCE, 'connectionPool limits apply to every subset that does not override them')),
  [`${p}connectionPool.http.http1MaxPendingRequests`]: yes(t(BREAKER, 'overflows a new connection when maxPending requests already wait for theirs')),
  [`${p}connectionPool.http.http2MaxRequests`]: yes(t(BREAKER, 'overflows the request beyond maxRequests in flight')),
  [`${p}connectionPool.http.maxRequestsPerConnection`]: yes(t(BREAKER, 'maxRequestsPerConnection 1 closes the connection when its request ends')),
  [`${p}connectionPool.http.maxRetries`]: yes(t(BREAKER, 'tryRetry admits up to maxRetries retries in flight')),
  [`${p}connectionPool.http.idleTimeout`]: yes(t(RESILIENCE, 'connectionPool limits apply to every subset that does not override them')),
  [`${p}connectionPool.http.h2UpgradePolicy`]: no,
  [`${p}connectionPool.http.useClientProtocol`]: no,
  [`${p}connectionPool.http.maxConcurrentStreams`]: no,
  [`${p}connectionPool.http.http2KeepAlive`]: no,
  [`${p}outlierDetection`]: partial('ejection is checked per request rather than per interval', t(ROUTING, 'ejects a backend answering 500 after consecutive5xxErrors')),
  [`${p}outlierDetection.consecutiveErrors`]: yes(t(RESILIENCE, 'deprecated consecutiveErrors counts gateway errors only')),
  [`${p}outlierDetection.consecutive5xxErrors`]: yes(t(OUTLIER, 'ejects at exactly the threshold, not before')),
  [`${p}outlierDetection.consecutiveGatewayErrors`]: yes(t(OUTLIER, 'count as 503 when not split: for both the 5xx and the gateway detectors')),
  [`${p}outlierDetection.consecutiveLocalOriginFailures`]: yes(t(OUTLIER, 'count against consecutiveLocalOrigin only when split, not against 5xx')),
  [`${p}outlierDetection.splitExternalLocalOriginErrors`]: yes(t(OUTLIER, 'count against consecutiveLocalOrigin only when split, not against 5xx')),
  [`${p}outlierDetection.baseEjectionTime`]: yes(t(OUTLIER, 'is baseEjection × times ejected')),
  [`${p}outlierDetection.maxEjectionPercent`]: yes(t(OUTLIER, '10% of 3 hosts still allows one ejection; a second is refused')),
  [`${p}outlierDetection.minHealthPercent`]: yes(t(OUTLIER, 'returns every host when the healthy share falls below minHealthPercent')),
  [`${p}tls`]: {
    effect: 'partial',
    note: 'ISTIO_MUTUAL (with sni and subjectAltNames) and DISABLE take effect; SIMPLE and MUTUAL origination not yet: tack warns (TK0004)',
    test: t(MTLS_PROXY, 'an explicit ISTIO_MUTUAL DestinationRule uses mTLS even for an endpoint not marked for it'),
    pending: { says: (v) => (['ISTIO_MUTUAL', 'DISABLE', undefined].includes(str(obj(v).mode)) ? undefined : tlsMode(v)) },
  },
  ...(withPortLevel
    ? {
        [`${p}portLevelSettings`]: partial('replaces the top-level policy for its port, as Istio does', t(MATCH, 'portLevelSettings apply to their port only')),
        [`${p}tunnel`]: pending((v) => `tunnel ${str(obj(v).protocol) ?? 'CONNECT'}`),
        [`${p}proxyProtocol`]: pending((v) => `proxyProtocol ${str(obj(v).version) ?? 'V1'}`),
        [`${p}retryBudget`]: pending(() => 'retryBudget'),
      }
    : {}),
});

const headerOps = t(ROUTING, 'redirects, answers directly, rewrites and edits headers');

export const FIELD_SUPPORT: Readonly<Record<string, Readonly<Record<string, FieldSupport>>>> = {
  Namespace: { spec: no },
  Service: {
    spec: partial('selector and ports route traffic; type, IPs and session affinity have no local meaning', canary),
    'spec.selector': yes(canary),
    'spec.ports': yes(t(MATCH, 'a destination without a port: the only port of a single-port service, else the request port')),
    // A NodePort or LoadBalancer Service is reachable on every node in Kubernetes; tack opens no host port for it yet.
    'spec.ports[].nodePort': yes(t('test/integration/pod-network.test.ts', 'a LoadBalancer Service answers on its port on 127.0.0.1, and a NodePort Service on its node port')),
  },
  ConfigMap: { data: partial('read by env valueFrom and envFrom', envTest) },
  Secret: { data: partial('read by env valueFrom and envFrom', envTest), stringData: partial('read by env valueFrom and envFrom', envTest) },
  Deployment: {
    'spec.replicas': yes(t('test/integration/resilience-local.test.ts', 'restarts a killed workload process while the other replica keeps serving')),
    'spec.selector': yes(canary),
    'spec.template': partial('labels, annotations (sidecar.istio.io/inject) and the pod spec below', canary),
    'spec.template.metadata': yes(canary),
    ...POD_SPEC('spec.template.spec.'),
  },
  Pod: { ...POD_SPEC('spec.') },
  VirtualService: {
    'spec.hosts': yes(t(MATCH, 'from another namespace, a service answers to its namespaced names only')),
    'spec.gateways': yes(t(MATCH, 'the gateway gets exactly its blocks, and none decided by the callers')),
    'spec.exportTo': yes(t(MATCH, 'exportTo "." hides a VirtualService from other namespaces')),
    'spec.http': partial('see the fields below', t(ROUTES, 'first match wins, in order')),
    'spec.http[].name': yes(t(ROUTES, 'match blocks OR: one RouteConfig per block, same route name')),
    'spec.http[].match': yes(t(ROUTES, 'match blocks OR: one RouteConfig per block')),
    'spec.http[].match[].uri': yes(t('src/compile/testdata/seed-003-host-gateway.in.yaml', 'prefix: /home')),
    'spec.http[].match[].headers': yes(t(ROUTES, 'a multi-valued header is matched on its values joined by a comma')),
    'spec.http[].match[].port': yes(t(MATCH, 'match `port` keeps a block only in the table of that port')),
    'spec.http[].match[].sourceLabels': yes(t('test/integration/source-labels.test.ts', 'routes todoui’s http.get call to todobackend')),
    'spec.http[].match[].sourceNamespace': yes(t(MATCH, 'sourceNamespace: only callers in that namespace keep the block')),
    'spec.http[].match[].gateways': yes(t(MATCH, 'the gateway gets exactly its blocks, and none decided by the callers')),
    'spec.http[].match[].statPrefix': no,
    'spec.http[].route': yes(t(ROUTES, '75/25: the boundary draw goes to the second destination')),
    'spec.http[].route[].weight': yes(t(ROUTES, 'weights need not sum to 100 (3/1)')),
    'spec.http[].route[].destination.subset': yes(t(MATCH, 'a subset no DestinationRule defines')),
    'spec.http[].route[].destination.port': yes(t(MATCH, 'a destination without a port')),
    'spec.http[].route[].headers': yes(headerOps),
    'spec.http[].redirect': yes(headerOps),
    'spec.http[].directResponse': yes(headerOps),
    'spec.http[].rewrite': yes(headerOps),
    'spec.http[].timeout': yes(t('test/integration/seed-002-bookinfo.test.ts', 'a 0.5 s reviews timeout cuts it short')),
    'spec.http[].retries': yes(t(ROUTING, 'retries turn a backend that fails every other request into 100% success')),
    'spec.http[].headers': yes(headerOps),
    'spec.http[].fault': yes(t(RESILIENCE, 'percentage, delay and abort')),
    'spec.http[].fault.delay.percent': yes(t(RESILIENCE, 'the deprecated integer percent of a delay')),
    'spec.http[].fault.abort.grpcStatus': yes(t(RESILIENCE, 'grpcStatus by name becomes its code, in any case')),
    'spec.http[].fault.abort.http2Error': pending((v) => `fault.abort.http2Error ${String(v)}`),
    // Istio itself does not implement exponentialDelay, so tack ignoring it changes nothing.
    'spec.http[].fault.delay.exponentialDelay': no,
    'spec.http[].mirror': yes(t(RESILIENCE, 'mirror without a percentage mirrors everything')),
    'spec.http[].mirrors': yes(t(RESILIENCE, 'mirrors[], each with its own percentage')),
    'spec.http[].mirrorPercent': yes(t(RESILIENCE, 'the deprecated integer mirrorPercent')),
    'spec.http[].mirrorPercentage': yes(t(RESILIENCE, 'mirror with mirrorPercentage')),
    'spec.http[].corsPolicy': yes(t(RESILIENCE, 'origins exact, prefix and regex')),
    'spec.http[].delegate': partial('one level, hostless delegate VirtualServices', t(RESILIENCE, 'child routes replace the delegating route')),
    'spec.tls': pending((v) => count(v, 'tls route')),
    'spec.tcp': pending((v) => count(v, 'tcp route')),
  },
  DestinationRule: {
    'spec.host': yes(t(MATCH, 'subsets select their endpoints by label')),
    'spec.exportTo': untested,
    'spec.subsets': yes(t(MATCH, 'subsets select their endpoints by label')),
    'spec.subsets[].trafficPolicy': partial('as the top-level policy below; a group the subset sets replaces the host\'s', t(MATCH, 'on other ports the subset has the host policy')),
    'spec.trafficPolicy': partial('load balancer, connection pool, outlier detection; not TLS, tunnel, proxy protocol', t(RESILIENCE, 'the host policy applies to subsets that set nothing')),
    ...TRAFFIC_POLICY('spec.trafficPolicy.', true),
    ...TRAFFIC_POLICY('spec.trafficPolicy.portLevelSettings[].', false),
    ...TRAFFIC_POLICY('spec.subsets[].trafficPolicy.', true),
    ...TRAFFIC_POLICY('spec.subsets[].trafficPolicy.portLevelSettings[].', false),
    // In Istio a workloadSelector scopes the rule to some clients; tack applies it to every client.
    'spec.workloadSelector': pending((v) => `workloadSelector ${JSON.stringify(obj(v).matchLabels ?? {})}`),
  },
  Gateway: {
    'spec.selector': yes(t(MATCH, 'the gateway gets exactly its blocks, and none decided by the callers')),
    'spec.servers': partial('HTTP servers; TLS and TCP servers are next', t('test/integration/seed-003-004.test.ts', 'routes /home and /list on the configured host 90/10')),
    'spec.servers[].port': partial('number and HTTP protocols', t('test/integration/seed-003-004.test.ts', 'routes /home and /list on the configured host 90/10')),
    'spec.servers[].hosts': yes(t('test/integration/seed-003-004.test.ts', 'gives 404 to other hosts and other paths')),
    'spec.servers[].bind': no,
    'spec.servers[].defaultEndpoint': no,
    'spec.servers[].name': no,
    'spec.servers[].tls': pending((v) => {
      const tls = obj(v);
      const parts = [tls.httpsRedirect === true ? 'httpsRedirect' : undefined, str(tls.mode) ? `tls mode ${str(tls.mode)}` : undefined].filter((x): x is string => x !== undefined);
      return parts.join(' and ') || 'tls';
    }),
  },
  ServiceEntry: {
    'spec.hosts': yes(t('src/compile/testdata/service-entry.in.yaml', 'hosts:')),
    'spec.ports': yes(t('src/compile/testdata/service-entry.in.yaml', 'ports:')),
    'spec.endpoints': yes(t('src/compile/testdata/service-entry.in.yaml', 'endpoints:')),
    'spec.workloadSelector': untested,
    'spec.resolution': partial('DNS without endpoints connects to the host itself', t('src/compile/testdata/service-entry.in.yaml', 'resolution: DNS')),
    'spec.exportTo': untested,
  },
  Sidecar: {
    'spec.workloadSelector': yes(t('src/compile/testdata/sidecar-scope.in.yaml', 'workloadSelector:')),
    'spec.outboundTrafficPolicy.mode': yes(t('test/integration/connect-tunnel.test.ts', 'answers 502 for a host outside the mesh under REGISTRY_ONLY')),
    // Egress hosts scope the services, VirtualServices and clusters a sidecar gets (compile/egress-scope.ts).
    'spec.egress': yes(t('src/compile/egress-scope.test.ts', './* is the workload namespace, ns/* another one')),
    'spec.egress[].hosts': yes(t('src/compile/egress-scope.test.ts', 'an exact dnsName imports that host from that namespace only')),
    'spec.egress[].port': partial('picks the services and the route table of that port; the sidecar keeps its one outbound listener', t('src/compile/egress-scope.test.ts', 'a port listener owns its route table')),
    'spec.egress[].port.targetPort': { effect: 'no', note: 'no effect on sidecars, as in Istio' },
    'spec.egress[].bind': pending((v) => `egress bind ${String(v)}`),
    'spec.egress[].captureMode': pending((v) => `egress captureMode ${String(v)}`),
    'spec.ingress': pending((v) => `ingress (${count(v, 'listener')})`),
    'spec.inboundConnectionPool': pending(() => 'inboundConnectionPool'),
    'spec.outboundTrafficPolicy.egressProxy': pending((v) => `outboundTrafficPolicy.egressProxy ${str(obj(v).host) ?? ''}`.trim()),
  },
  WorkloadEntry: {
    // Istio adds a WorkloadEntry to the endpoints of the services that select it; tack's registry does not read them.
    spec: pending((v) => `WorkloadEntry ${str(obj(v).address) ?? ''}`.trim() + ' (no endpoint is made from it)'),
  },
  PeerAuthentication: {
    'spec.mtls': yes(t(MTLS, 'under STRICT resets a plaintext curl straight to the pod (exit 56), while the gateway and the mesh keep working')),
    'spec.portLevelMtls': yes(t(MTLS, 'portLevelMtls DISABLE on a workload opens that port to plaintext, and its callers stop using mTLS there')),
  },
  AuthorizationPolicy: {
    // Enforced by every sidecar's inbound listeners. Still warned about: policies for the ingress
    // gateway (it has no inbound side yet) and CUSTOM (no external authorizer).
    spec: {
      effect: 'partial',
      note: "enforced by sidecars (HTTP: 403 RBAC: access denied; TCP: connection closed); not yet at the ingress gateway or for CUSTOM: tack warns (TK0004)",
      test: t(MTLS, 'AuthorizationPolicy DENY by path wins over ALLOW'),
      pending: {
        says: (v) => {
          const spec = obj(v);
          const labels = obj(obj(spec.selector).matchLabels);
          const parts: string[] = [];
          if (labels.istio === 'ingressgateway' || labels.app === 'istio-ingressgateway') parts.push('a policy for the ingress gateway');
          if (str(spec.action) === 'CUSTOM') parts.push('action CUSTOM');
          return parts.length > 0 ? parts.join('; ') : undefined;
        },
      },
    },
  },
  RequestAuthentication: {
    'spec.jwtRules': {
      effect: 'partial',
      note: 'enforced by sidecars (401/403 as Envoy answers, principal and claims for AuthorizationPolicy); not yet at the ingress gateway: tack warns (TK0004)',
      test: t(MTLS, 'RequestAuthentication: a valid token passes and names the request principal a policy requires; a bad one gets 401'),
      pending: { says: () => undefined },
    },
    spec: {
      effect: 'partial',
      note: 'see jwtRules',
      test: t(MTLS, 'RequestAuthentication: a valid token passes and names the request principal a policy requires; a bad one gets 401'),
      pending: {
        says: (v) => {
          const labels = obj(obj(obj(v).selector).matchLabels);
          return labels.istio === 'ingressgateway' || labels.app === 'istio-ingressgateway' ? 'a policy for the ingress gateway' : undefined;
        },
      },
    },
  },

};
