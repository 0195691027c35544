/**
 * Envoy's UUID request-id extension: the sampling decision travels in `x-request-id` itself,
 * in character 14 (the UUID version nibble): `9` sampled, `a` forced by the service
 * (`x-envoy-force-trace`), `b` forced by the client (`x-client-trace-id`), `4` (a fresh v4 UUID)
 * not traced. Random sampling keys on the id's first 8 hex digits modulo 10000, so every proxy on
 * the path reaches the same answer for the same request.
 */
import { isHex, type Random } from './ids.js';

export type TraceReason = 'not-traceable' | 'sampling' | 'service-forced' | 'client-forced';

const UUID_LENGTH = 36;
const POS = 14;
const HEX = '0123456789abcdef';

export function traceReasonOf(requestId: string | undefined): TraceReason {
  if (requestId === undefined || requestId.length !== UUID_LENGTH) return 'not-traceable';
  switch (requestId[POS]) {
    case '9':
      return 'sampling';
    case 'a':
      return 'service-forced';
    case 'b':
      return 'client-forced';
    default:
      return 'not-traceable';
  }
}

const REASON_CHAR: Record<TraceReason, string> = { 'not-traceable': '4', sampling: '9', 'service-forced': 'a', 'client-forced': 'b' };

/** The id with the reason written in; ids that are not 36 characters are left alone, as Envoy does. */
export function withTraceReason(requestId: string, reason: TraceReason): string {
  if (requestId.length !== UUID_LENGTH) return requestId;
  return requestId.slice(0, POS) + REASON_CHAR[reason] + requestId.slice(POS + 1);
}

/** The first 8 hex digits as an integer; undefined when shorter or not hex. */
export function requestIdInteger(requestId: string | undefined): number | undefined {
  if (requestId === undefined || requestId.length < 8) return undefined;
  const head = requestId.slice(0, 8);
  return isHex(head, 8) ? parseInt(head, 16) : undefined;
}

/** A version-4 UUID, as Envoy generates for requests without one. */
export function newRequestId(random: Random): string {
  let s = '';
  for (let i = 0; i < 32; i++) {
    let nibble = Math.floor(random() * 16) & 0xf;
    if (i === 12) nibble = 4;
    if (i === 16) nibble = 8 | (nibble & 3);
    s += HEX[nibble];
    if (i === 7 || i === 11 || i === 15 || i === 19) s += '-';
  }
  return s;
}

/**
 * The id a request proceeds with: kept when present, generated when absent, and replaced at the
 * edge unless external ids are preserved (a kept external id loses any trace reason it claims).
 */
export function prepareRequestId(current: string | undefined, edge: boolean, preserveExternal: boolean, random: Random): string {
  if (current === undefined || current === '') return newRequestId(random);
  if (!edge) return current;
  if (!preserveExternal) return newRequestId(random);
  return withTraceReason(current, 'not-traceable');
}

/** Percent (0–100, 0.01 steps) as Envoy's integer numerator over `denominator`. */
function numerator(percent: number, denominator: number): number {
  return Math.round((denominator / 100) * percent);
}

export interface SamplingSettings {
  randomSamplingPercent: number;
  clientSamplingPercent: number;
  overallSamplingPercent: number;
  useRequestIdForTraceSampling: boolean;
}

export interface SamplingInput {
  requestId: string | undefined;
  clientTraceId: boolean;
  forceTrace: boolean;
}

export interface SamplingDecision {
  reason: TraceReason;
  traced: boolean;
  /** The id to forward: the reason is written into it. Undefined when there was none. */
  requestId: string | undefined;
}

/**
 * Envoy's `mutateTracingRequestHeader`: a reason already in the id stands; otherwise
 * client-forced (with client sampling), then service-forced, then random sampling at
 * `random%` of `id % 10000`; overall sampling then caps everything but forced traces' reasons.
 * Without request-id sampling the draw comes from `random` instead and the id is not touched.
 */
export function decideSampling(settings: SamplingSettings, input: SamplingInput, random: Random): SamplingDecision {
  if (!settings.useRequestIdForTraceSampling) {
    const draw = Math.floor(random() * 10000);
    const traced = draw < numerator(settings.randomSamplingPercent, 10000) && draw % 100 < numerator(settings.overallSamplingPercent, 100);
    return { reason: traced ? 'sampling' : 'not-traceable', traced, requestId: input.requestId };
  }
  const asInt = requestIdInteger(input.requestId);
  if (asInt === undefined || input.requestId === undefined) return { reason: 'not-traceable', traced: false, requestId: input.requestId };
  const result = asInt % 10000;
  let reason = traceReasonOf(input.requestId);
  if (reason === 'not-traceable') {
    if (input.clientTraceId && Math.floor(random() * 100) < numerator(settings.clientSamplingPercent, 100)) reason = 'client-forced';
    else if (input.forceTrace) reason = 'service-forced';
    else if (result < numerator(settings.randomSamplingPercent, 10000)) reason = 'sampling';
  }
  if (reason !== 'not-traceable' && result % 100 >= numerator(settings.overallSamplingPercent, 100)) reason = 'not-traceable';
  const original = traceReasonOf(input.requestId);
  const requestId = reason === original ? input.requestId : withTraceReason(input.requestId, reason);
  return { reason, traced: reason !== 'not-traceable', requestId };
}
