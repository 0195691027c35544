/**
 * How each Envoy command operator in Istio's formats reads a record. Shared by the text and JSON
 * formatters so the two can never disagree on a value.
 */
import type { AccessLogRecord } from './record.js';

/** `%START_TIME%` by default: UTC, milliseconds, `Z` (`%Y-%m-%dT%H:%M:%E3SZ`). */
export function startTime(r: AccessLogRecord): string {
  return new Date(Math.floor(r.startMs)).toISOString();
}

/** Envoy keeps details free of whitespace so the text line stays splittable. */
export function details(v: string | undefined): string | undefined {
  if (v === undefined || v === '') return undefined;
  return /\s/.test(v) ? v.replace(/\s/g, '_') : v;
}

export const responseFlags = (r: AccessLogRecord): string => (r.responseFlags ? r.responseFlags : '-');

export const duration = (r: AccessLogRecord): number => Math.max(0, Math.floor(r.durationMs));
