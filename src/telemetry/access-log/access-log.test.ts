import { describe, it, expect } from 'vitest';
import { accessLogFormatter, formatJson, formatText, JSON_LOG_KEYS, type AccessLogRecord } from './index.js';

/** Istio's EnvoyTextLogFormat, as written in pilot/pkg/model/telemetry_logging.go (research §5). */
const ISTIO_TEXT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

/** Istio's JSON format keys and operators, in Istio's order (research §5). */
const ISTIO_JSON_FORMAT: [string, string][] = [
  ['start_time', '%START_TIME%'], ['route_name', '%ROUTE_NAME%'], ['method', '%REQ(:METHOD)%'], ['path', '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%'],
  ['protocol', '%PROTOCOL%'], ['response_code', '%RESPONSE_CODE%'], ['response_flags', '%RESPONSE_FLAGS%'], ['response_code_details', '%RESPONSE_CODE_DETAILS%'],
  ['connection_termination_details', '%CONNECTION_TERMINATION_DETAILS%'], ['bytes_received', '%BYTES_RECEIVED%'], ['bytes_sent', '%BYTES_SENT%'], ['duration', '%DURATION%'],
  ['upstream_service_time', '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%'], ['x_forwarded_for', '%REQ(X-FORWARDED-FOR)%'], ['user_agent', '%REQ(USER-AGENT)%'], ['request_id', '%REQ(X-REQUEST-ID)%'],
  ['authority', '%REQ(:AUTHORITY)%'], ['upstream_host', '%UPSTREAM_HOST%'], ['upstream_cluster', '%UPSTREAM_CLUSTER_RAW%'], ['upstream_local_address', '%UPSTREAM_LOCAL_ADDRESS%'],
  ['downstream_local_address', '%DOWNSTREAM_LOCAL_ADDRESS%'], ['downstream_remote_address', '%DOWNSTREAM_REMOTE_ADDRESS%'], ['requested_server_name', '%REQUESTED_SERVER_NAME%'],
  ['upstream_transport_failure_reason', '%UPSTREAM_TRANSPORT_FAILURE_REASON%'],
];

/** What each operator yields for a record, independently of the formatters: absent → undefined. */
function operators(r: AccessLogRecord): Record<string, string | number | undefined> {
  return {
    '%START_TIME%': new Date(r.startMs).toISOString(),
    '%REQ(:METHOD)%': r.method, '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%': r.path, '%PROTOCOL%': r.protocol,
    '%RESPONSE_CODE%': r.responseCode, '%RESPONSE_FLAGS%': r.responseFlags || '-', '%RESPONSE_CODE_DETAILS%': r.responseCodeDetails,
    '%CONNECTION_TERMINATION_DETAILS%': r.connectionTerminationDetails, '%UPSTREAM_TRANSPORT_FAILURE_REASON%': r.upstreamTransportFailureReason,
    '%BYTES_RECEIVED%': r.bytesReceived, '%BYTES_SENT%': r.bytesSent, '%DURATION%': Math.floor(r.durationMs),
    '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%': r.upstreamServiceTime, '%REQ(X-FORWARDED-FOR)%': r.xForwardedFor, '%REQ(USER-AGENT)%': r.userAgent,
    '%REQ(X-REQUEST-ID)%': r.requestId, '%REQ(:AUTHORITY)%': r.authority, '%UPSTREAM_HOST%': r.upstreamHost, '%UPSTREAM_CLUSTER_RAW%': r.upstreamCluster,
    '%UPSTREAM_LOCAL_ADDRESS%': r.upstreamLocalAddress, '%DOWNSTREAM_LOCAL_ADDRESS%': r.downstreamLocalAddress,
    '%DOWNSTREAM_REMOTE_ADDRESS%': r.downstreamRemoteAddress, '%REQUESTED_SERVER_NAME%': r.requestedServerName, '%ROUTE_NAME%': r.routeName,
  };
}

/** Renders Istio's text template by substitution: the oracle the formatter must equal. */
function renderTemplate(r: AccessLogRecord): string {
  const ops = operators(r);
  return ISTIO_TEXT_FORMAT.replace(/%[A-Z_]+(\([^)]*\))?%/g, (op) => {
    expect(op in ops, `unknown operator ${op}`).toBe(true);
    const v = ops[op];
    return v === undefined ? '-' : String(v);
  });
}

const http: AccessLogRecord = {
  startMs: Date.UTC(2026, 1, 24, 14, 23, 15, 456),
  method: 'POST',
  path: '/api/orders',
  protocol: 'HTTP/1.1',
  responseCode: 503,
  responseFlags: 'UC',
  responseCodeDetails: 'upstream_reset_before_response_started{connection_termination}',
  bytesReceived: 156,
  bytesSent: 91,
  durationMs: 30004.9,
  userAgent: 'python-requests/2.31.0',
  requestId: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
  authority: 'order-service.production.svc.cluster.local',
  upstreamHost: '10.244.3.12:8080',
  upstreamCluster: 'outbound|8080||order-service.production.svc.cluster.local',
  upstreamLocalAddress: '10.244.1.5:54321',
  downstreamLocalAddress: '10.96.45.67:8080',
  downstreamRemoteAddress: '10.244.1.5:33210',
  routeName: 'default',
};

const tcp: AccessLogRecord = {
  startMs: Date.UTC(2020, 10, 25, 21, 26, 18, 409),
  responseCode: 0,
  bytesReceived: 1234,
  bytesSent: 5678,
  durationMs: 100,
  upstreamHost: '10.0.0.5:3306',
  upstreamCluster: 'outbound|3306||mysql.db.svc.cluster.local',
  upstreamLocalAddress: '10.0.0.2:40000',
  downstreamLocalAddress: '10.96.0.10:3306',
  downstreamRemoteAddress: '10.0.0.2:51000',
};

describe('text format', () => {
  it('HTTP golden line', () => {
    expect(formatText(http)).toBe(
      '[2026-02-24T14:23:15.456Z] "POST /api/orders HTTP/1.1" 503 UC upstream_reset_before_response_started{connection_termination} - "-" 156 91 30004 - "-" "python-requests/2.31.0" "f47ac10b-58cc-4372-a567-0e02b2c3d479" "order-service.production.svc.cluster.local" "10.244.3.12:8080" outbound|8080||order-service.production.svc.cluster.local 10.244.1.5:54321 10.96.45.67:8080 10.244.1.5:33210 - default\n',
    );
  });

  it('TCP golden line: request fields -, response code 0', () => {
    expect(formatText(tcp)).toBe(
      '[2020-11-25T21:26:18.409Z] "- - -" 0 - - - "-" 1234 5678 100 - "-" "-" "-" "-" "10.0.0.5:3306" outbound|3306||mysql.db.svc.cluster.local 10.0.0.2:40000 10.96.0.10:3306 10.0.0.2:51000 - -\n',
    );
  });

  it('equals Istio’s template rendered field by field, for full, sparse and TCP records', () => {
    const full: AccessLogRecord = { ...http, responseCodeDetails: 'via_upstream', connectionTerminationDetails: 'x', upstreamTransportFailureReason: 'TLS_error:_268435581', upstreamServiceTime: '30000', xForwardedFor: '1.2.3.4,10.0.0.1', requestedServerName: 'outbound_.8080_._.order', responseFlags: 'UF,URX' };
    for (const r of [http, full, tcp, { startMs: 0, responseCode: 0, bytesReceived: 0, bytesSent: 0, durationMs: 0 }]) expect(formatText(r)).toBe(renderTemplate(r));
  });

  it('keeps details free of spaces, and an empty header as empty', () => {
    const line = formatText({ ...http, responseCodeDetails: 'rbac access denied', userAgent: '' });
    expect(line).toContain(' rbac_access_denied ');
    expect(line).toContain(' "" "f47ac10b');
  });
});

describe('JSON format', () => {
  it('HTTP golden object: sorted keys, typed values, null for absent', () => {
    expect(formatJson({ ...http, upstreamServiceTime: '30000' })).toBe(
      '{"authority":"order-service.production.svc.cluster.local","bytes_received":156,"bytes_sent":91,"connection_termination_details":null,' +
        '"downstream_local_address":"10.96.45.67:8080","downstream_remote_address":"10.244.1.5:33210","duration":30004,"method":"POST",' +
        '"path":"/api/orders","protocol":"HTTP/1.1","request_id":"f47ac10b-58cc-4372-a567-0e02b2c3d479","requested_server_name":null,' +
        '"response_code":503,"response_code_details":"upstream_reset_before_response_started{connection_termination}","response_flags":"UC",' +
        '"route_name":"default","start_time":"2026-02-24T14:23:15.456Z","upstream_cluster":"outbound|8080||order-service.production.svc.cluster.local",' +
        '"upstream_host":"10.244.3.12:8080","upstream_local_address":"10.244.1.5:54321","upstream_service_time":"30000",' +
        '"upstream_transport_failure_reason":null,"user_agent":"python-requests/2.31.0","x_forwarded_for":null}\n',
    );
  });

  it('has exactly Istio’s keys, each carrying its operator’s value', () => {
    expect(JSON_LOG_KEYS).toEqual(ISTIO_JSON_FORMAT.map(([k]) => k));
    for (const r of [http, tcp]) {
      const line = formatJson(r);
      expect(line.endsWith('}\n')).toBe(true);
      const obj = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(obj)).toEqual(ISTIO_JSON_FORMAT.map(([k]) => k).sort());
      const ops = operators(r);
      for (const [key, op] of ISTIO_JSON_FORMAT) expect(obj[key], key).toEqual(ops[op] ?? null);
    }
  });

  it('TCP object: response_code 0, request fields null', () => {
    const obj = JSON.parse(formatJson(tcp)) as Record<string, unknown>;
    expect(obj).toMatchObject({ response_code: 0, method: null, path: null, protocol: null, response_flags: '-', bytes_received: 1234, duration: 100 });
  });

  it('escapes what JSON must escape', () => {
    const obj = JSON.parse(formatJson({ ...http, userAgent: 'a "quoted"\\agent\n' })) as Record<string, unknown>;
    expect(obj['user_agent']).toBe('a "quoted"\\agent\n');
  });

  it('the formatter is chosen once by encoding', () => {
    expect(accessLogFormatter('TEXT')).toBe(formatText);
    expect(accessLogFormatter('JSON')(tcp)).toBe(formatJson(tcp));
  });
});
