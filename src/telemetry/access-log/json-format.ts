/**
 * Istio's JSON format (`EnvoyJSONLogFormatIstio`, `accessLogEncoding: JSON`). Envoy prints the
 * keys sorted and the values typed: counts, durations and the response code as numbers, header
 * and address values as strings, anything absent as `null`; one object per line.
 */
import { details, duration, responseFlags, startTime } from './fields.js';
import type { AccessLogRecord } from './record.js';

type Value = string | number | undefined;

/** Key → value, in the order of Istio's format definition; sorted once below. */
const FIELDS: [string, (r: AccessLogRecord) => Value][] = [
  ['start_time', startTime],
  ['route_name', (r) => r.routeName],
  ['method', (r) => r.method],
  ['path', (r) => r.path],
  ['protocol', (r) => r.protocol],
  ['response_code', (r) => r.responseCode],
  ['response_flags', responseFlags],
  ['response_code_details', (r) => details(r.responseCodeDetails)],
  ['connection_termination_details', (r) => details(r.connectionTerminationDetails)],
  ['bytes_received', (r) => r.bytesReceived],
  ['bytes_sent', (r) => r.bytesSent],
  ['duration', duration],
  ['upstream_service_time', (r) => r.upstreamServiceTime],
  ['x_forwarded_for', (r) => r.xForwardedFor],
  ['user_agent', (r) => r.userAgent],
  ['request_id', (r) => r.requestId],
  ['authority', (r) => r.authority],
  ['upstream_host', (r) => r.upstreamHost],
  ['upstream_cluster', (r) => r.upstreamCluster],
  ['upstream_local_address', (r) => r.upstreamLocalAddress],
  ['downstream_local_address', (r) => r.downstreamLocalAddress],
  ['downstream_remote_address', (r) => r.downstreamRemoteAddress],
  ['requested_server_name', (r) => r.requestedServerName],
  ['upstream_transport_failure_reason', (r) => r.upstreamTransportFailureReason],
];

/** The key names of Istio's JSON format, in the order Istio defines them. */
export const JSON_LOG_KEYS: readonly string[] = FIELDS.map(([k]) => k);

const SORTED = [...FIELDS].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
/** `{"key":` and `,"key":` written once, at load. */
const PREFIXES = SORTED.map(([k], i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
const GETTERS = SORTED.map(([, get]) => get);

function encode(v: Value): string {
  if (v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  return JSON.stringify(v);
}

export function formatJson(r: AccessLogRecord): string {
  let out = '';
  for (let i = 0; i < GETTERS.length; i++) out += PREFIXES[i] + encode(GETTERS[i]!(r));
  return `${out}}\n`;
}
