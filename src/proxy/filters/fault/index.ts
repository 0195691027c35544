/**
 * Istio's fault injection (Envoy's fault filter): abort with a status, or hold the request for a
 * fixed delay, each for a percentage of requests decided per request.
 */
import type { FaultConfig } from '../../../compile/config.js';
import type { LocalReply } from '../../http/local-reply.js';
import type { Clock } from '../../clock.js';

export interface FaultDecision {
  /** Hold the request this long before going on (flag DI). */
  delayMs?: number;
  /** Answer with this instead of forwarding (flag FI). */
  abort?: LocalReply;
}

function hit(percent: number, clock: Clock): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  return clock.random() * 100 < percent;
}

export function decideFault(fault: FaultConfig | undefined, clock: Clock): FaultDecision | undefined {
  if (!fault) return undefined;
  const out: FaultDecision = {};
  if (fault.delay && hit(fault.delay.percent, clock)) out.delayMs = fault.delay.ms;
  if (fault.abort && hit(fault.abort.percent, clock)) {
    if (fault.abort.grpcStatus !== undefined) {
      out.abort = { status: 200, body: '', flag: 'FI', headers: { 'content-type': 'application/grpc', 'grpc-status': String(fault.abort.grpcStatus), 'grpc-message': 'fault filter abort' } };
    } else {
      out.abort = { status: fault.abort.httpStatus ?? 503, body: 'fault filter abort', flag: 'FI' };
    }
  }
  return out.delayMs !== undefined || out.abort ? out : undefined;
}
