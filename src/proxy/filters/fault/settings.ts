/**
 * Istio's fault injection (Envoy's fault filter): abort with a status, or hold the request for a
 * fixed delay, each for a percentage of requests decided per request.
 */
import type { FaultConfig } from '../../../compile/config.js';
import type { LocalReply } from '../../http/local-reply.js';
import type { Clock } from '../../clock.js';

/** A route's fault settings: the abort's reply is built once, not per request. */
export interface FaultSettings {
  delay?: { ms: number; percent: number };
  abort?: { percent: number; reply: LocalReply };
}

export function faultSettings(config: FaultConfig): FaultSettings {
  const out: FaultSettings = {};
  if (config.delay) out.delay = config.delay;
  const abort = config.abort;
  if (abort) {
    const reply: LocalReply =
      abort.grpcStatus !== undefined
        ? { status: 200, body: '', flag: 'FI', headers: { 'content-type': 'application/grpc', 'grpc-status': String(abort.grpcStatus), 'grpc-message': 'fault filter abort' } }
        : { status: abort.httpStatus ?? 503, body: 'fault filter abort', flag: 'FI' };
    out.abort = { percent: abort.percent, reply };
  }
  return out;
}

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

export function decideFault(settings: FaultSettings | undefined, clock: Clock): FaultDecision | undefined {
  if (!settings) return undefined;
  const out: FaultDecision = {};
  if (settings.delay && hit(settings.delay.percent, clock)) out.delayMs = settings.delay.ms;
  if (settings.abort && hit(settings.abort.percent, clock)) out.abort = settings.abort.reply;
  return out.delayMs !== undefined || out.abort ? out : undefined;
}
