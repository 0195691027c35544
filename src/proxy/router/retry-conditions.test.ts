/** Which attempt outcomes each retryOn condition retries, as Envoy's router decides. */
import { describe, it, expect } from 'vitest';
import { retriable } from './forward.js';
import type { AttemptOutcome } from './upstream-attempt.js';
import type { RetryPolicyConfig } from '../../compile/config.js';

const policy = (retryOn: string[], codes: number[] = []): RetryPolicyConfig => ({ attempts: 2, retryOn, retriableStatusCodes: codes, retryOtherHosts: true });
const noBody = { start: () => undefined, pause: () => undefined, resume: () => undefined };
const response = (status: number, headers: Record<string, string> = {}): AttemptOutcome => ({ kind: 'response', response: { statusCode: status, statusMessage: '', headers, keepAlive: true, body: noBody, destroy: () => undefined } });

describe('retryOn conditions', () => {
  it.each([
    ['5xx', response(500), true],
    ['5xx', response(404), false],
    ['gateway-error', response(503), true],
    ['gateway-error', response(500), false],
    ['retriable-4xx', response(409), true],
    ['connect-failure', { kind: 'connect-failure', error: new Error('x') } as AttemptOutcome, true],
    ['connect-failure', response(503), false],
    ['reset', { kind: 'reset', error: new Error('x') } as AttemptOutcome, true],
    ['unavailable', response(200, { 'grpc-status': '14' }), true],
    ['cancelled', response(200, { 'grpc-status': '1' }), true],
    ['resource-exhausted', response(200, { 'grpc-status': '14' }), false],
  ] as const)('%s on %o → %s', (condition, outcome, expected) => {
    expect(retriable(outcome, policy([condition]))).toBe(expected);
  });

  it('retries listed status codes only under retriable-status-codes', () => {
    expect(retriable(response(503), policy(['retriable-status-codes'], [503]))).toBe(true);
    expect(retriable(response(502), policy(['retriable-status-codes'], [503]))).toBe(false);
  });

  it('retries a response carrying a header the caller named, under retriable-headers', () => {
    expect(retriable(response(200, { 'x-retry-me': '1' }), policy(['retriable-headers']), ['x-retry-me'])).toBe(true);
    expect(retriable(response(200, {}), policy(['retriable-headers']), ['x-retry-me'])).toBe(false);
  });

  it('never retries a cancelled attempt', () => {
    expect(retriable({ kind: 'cancelled' }, policy(['5xx', 'reset', 'connect-failure']))).toBe(false);
  });
});
