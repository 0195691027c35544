/** decideFault with a fixed source of chance: exact outcomes per configuration. */
import { describe, it, expect } from 'vitest';
import type { FaultConfig } from '../../../compile/config.js';
import { systemClock, type Clock } from '../../clock.js';
import { decideFault, faultSettings, type FaultDecision } from './settings.js';

/** A clock whose random() returns the given draws in turn, and counts them. */
function chance(...draws: number[]): Clock & { used: () => number } {
  let i = 0;
  return {
    ...systemClock,
    now: () => 0,
    random: () => {
      const v = draws[i];
      i++;
      if (v === undefined) throw new Error('more random draws than expected');
      return v;
    },
    used: () => i,
  };
}

const ABORT_503 = { status: 503, body: 'fault filter abort', flag: 'FI' } as const;

describe('decideFault', () => {
  const cases: { name: string; fault: FaultConfig | undefined; draws: number[]; want: FaultDecision | undefined; drawsUsed: number }[] = [
    { name: 'no fault configured', fault: undefined, draws: [], want: undefined, drawsUsed: 0 },
    { name: 'delay 100%: no draw needed', fault: { delay: { ms: 7000, percent: 100 } }, draws: [], want: { delayMs: 7000 }, drawsUsed: 0 },
    { name: 'delay 0%: never, no draw', fault: { delay: { ms: 7000, percent: 0 } }, draws: [], want: undefined, drawsUsed: 0 },
    { name: 'delay 50%, draw 0.49 → delayed', fault: { delay: { ms: 100, percent: 50 } }, draws: [0.49], want: { delayMs: 100 }, drawsUsed: 1 },
    { name: 'delay 50%, draw 0.5 → not delayed (strictly below)', fault: { delay: { ms: 100, percent: 50 } }, draws: [0.5], want: undefined, drawsUsed: 1 },
    { name: 'delay 0.1%, draw 0.0009 → delayed', fault: { delay: { ms: 5, percent: 0.1 } }, draws: [0.0009], want: { delayMs: 5 }, drawsUsed: 1 },
    { name: 'delay 0.1%, draw 0.001 → not delayed', fault: { delay: { ms: 5, percent: 0.1 } }, draws: [0.001], want: undefined, drawsUsed: 1 },
    { name: 'abort 100% httpStatus 500', fault: { abort: { httpStatus: 500, percent: 100 } }, draws: [], want: { abort: { status: 500, body: 'fault filter abort', flag: 'FI' } }, drawsUsed: 0 },
    { name: 'abort 0%', fault: { abort: { httpStatus: 500, percent: 0 } }, draws: [], want: undefined, drawsUsed: 0 },
    { name: 'abort 10%, draw 0.05 → aborted', fault: { abort: { httpStatus: 418, percent: 10 } }, draws: [0.05], want: { abort: { status: 418, body: 'fault filter abort', flag: 'FI' } }, drawsUsed: 1 },
    { name: 'abort 10%, draw 0.1 → forwarded', fault: { abort: { httpStatus: 418, percent: 10 } }, draws: [0.1], want: undefined, drawsUsed: 1 },
    { name: 'abort without a status: 503', fault: { abort: { percent: 100 } }, draws: [], want: { abort: ABORT_503 }, drawsUsed: 0 },
    {
      name: 'grpcStatus abort: HTTP 200 with grpc-status',
      fault: { abort: { grpcStatus: 14, percent: 100 } },
      draws: [],
      want: { abort: { status: 200, body: '', flag: 'FI', headers: { 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': 'fault filter abort' } } },
      drawsUsed: 0,
    },
    {
      name: 'grpcStatus 0 (OK) is still a gRPC abort',
      fault: { abort: { grpcStatus: 0, percent: 100 } },
      draws: [],
      want: { abort: { status: 200, body: '', flag: 'FI', headers: { 'content-type': 'application/grpc', 'grpc-status': '0', 'grpc-message': 'fault filter abort' } } },
      drawsUsed: 0,
    },
    { name: 'delay and abort both 100%: both', fault: { delay: { ms: 2000, percent: 100 }, abort: { httpStatus: 503, percent: 100 } }, draws: [], want: { delayMs: 2000, abort: ABORT_503 }, drawsUsed: 0 },
    { name: 'delay and abort 50%: independent draws, delay first (hit, miss)', fault: { delay: { ms: 1, percent: 50 }, abort: { httpStatus: 503, percent: 50 } }, draws: [0.2, 0.8], want: { delayMs: 1 }, drawsUsed: 2 },
    { name: 'delay and abort 50%: (miss, hit)', fault: { delay: { ms: 1, percent: 50 }, abort: { httpStatus: 503, percent: 50 } }, draws: [0.8, 0.2], want: { abort: ABORT_503 }, drawsUsed: 2 },
    { name: 'delay and abort 50%: (hit, hit)', fault: { delay: { ms: 1, percent: 50 }, abort: { httpStatus: 503, percent: 50 } }, draws: [0.1, 0.1], want: { delayMs: 1, abort: ABORT_503 }, drawsUsed: 2 },
    { name: 'delay and abort 50%: (miss, miss)', fault: { delay: { ms: 1, percent: 50 }, abort: { httpStatus: 503, percent: 50 } }, draws: [0.9, 0.9], want: undefined, drawsUsed: 2 },
    { name: 'empty fault: nothing', fault: {}, draws: [], want: undefined, drawsUsed: 0 },
  ];

  it.each(cases)('$name', ({ fault, draws, want, drawsUsed }) => {
    const clock = chance(...draws);
    expect(decideFault(fault ? faultSettings(fault) : undefined, clock)).toEqual(want);
    expect(clock.used()).toBe(drawsUsed);
  });

  it('a partial percentage affects about that share of requests over many draws', () => {
    let x = 0;
    // An even spread of draws over [0, 1): exactly 25 of 100 fall below 0.25.
    const clock: Clock = { ...systemClock, now: () => 0, random: () => (x++ % 100) / 100 };
    let aborted = 0;
    for (let i = 0; i < 100; i++) if (decideFault(faultSettings({ abort: { httpStatus: 503, percent: 25 } }), clock)?.abort) aborted++;
    expect(aborted).toBe(25);
  });
});
