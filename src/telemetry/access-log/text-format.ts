/**
 * Istio's default text format (`EnvoyTextLogFormat`), field for field; the same line serves HTTP
 * and TCP, where the request fields print `-` and the response code `0`:
 *
 * [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
 * %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
 * "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
 * %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
 * "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW%
 * %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
 * %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n
 */
import { details, duration, responseFlags, startTime } from './fields.js';
import type { AccessLogRecord } from './record.js';

const d = (v: string | undefined): string => (v === undefined ? '-' : v);

export function formatText(r: AccessLogRecord): string {
  return (
    `[${startTime(r)}] "${d(r.method)} ${d(r.path)} ${d(r.protocol)}" ${r.responseCode} ${responseFlags(r)} ` +
    `${d(details(r.responseCodeDetails))} ${d(details(r.connectionTerminationDetails))} "${d(r.upstreamTransportFailureReason)}" ` +
    `${r.bytesReceived} ${r.bytesSent} ${duration(r)} ${d(r.upstreamServiceTime)} "${d(r.xForwardedFor)}" "${d(r.userAgent)}" ` +
    `"${d(r.requestId)}" "${d(r.authority)}" "${d(r.upstreamHost)}" ${d(r.upstreamCluster)} ${d(r.upstreamLocalAddress)} ` +
    `${d(r.downstreamLocalAddress)} ${d(r.downstreamRemoteAddress)} ${d(r.requestedServerName)} ${d(r.routeName)}\n`
  );
}
