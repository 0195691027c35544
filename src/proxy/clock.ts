/**
 * The one source of time, timers and chance in the proxy, so tests can fix all three. Nothing in
 * src/proxy reads `Date.now`, `Math.random` or the timer globals directly (a lint rule keeps it so).
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** A uniform draw in [0, 1). */
  random(): number;
  /** Calls `callback` once after `ms`. Proxy timers never keep the process alive on their own. */
  setTimeout(callback: () => void, ms: number): Timer;
  /** Calls `callback` every `ms` until cancelled. */
  setInterval(callback: () => void, ms: number): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  random: () => Math.random(),
  setTimeout(callback, ms) {
    const t = setTimeout(callback, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(callback, ms) {
    const t = setInterval(callback, ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};

interface Scheduled {
  at: number;
  seq: number;
  every: number | undefined;
  callback: () => void;
  cancelled: boolean;
}

/**
 * A clock for tests: time moves only when `advance` is called, firing due timers in order, and
 * draws come from a list (then from a fixed sequence).
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers: Scheduled[] = [];
  private readonly draws: number[];

  constructor(start = 1_700_000_000_000, draws: readonly number[] = []) {
    this.time = start;
    this.draws = [...draws];
  }

  now(): number {
    return this.time;
  }

  random(): number {
    return this.draws.shift() ?? 0.5;
  }

  /** Queues draws for the next `random()` calls. */
  queueDraws(...draws: number[]): void {
    this.draws.push(...draws);
  }

  setTimeout(callback: () => void, ms: number): Timer {
    return this.schedule(callback, ms, undefined);
  }

  setInterval(callback: () => void, ms: number): Timer {
    return this.schedule(callback, ms, Math.max(1, ms));
  }

  /** Timers not yet fired or cancelled. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, each at its own time. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.time = due.at;
      if (due.every !== undefined) due.at += due.every;
      else due.cancelled = true;
      due.callback();
    }
    this.time = end;
    for (let i = this.timers.length - 1; i >= 0; i--) if (this.timers[i]?.cancelled) this.timers.splice(i, 1);
  }

  private schedule(callback: () => void, ms: number, every: number | undefined): Timer {
    const t: Scheduled = { at: this.time + Math.max(0, ms), seq: this.seq++, every, callback, cancelled: false };
    this.timers.push(t);
    return { cancel: () => (t.cancelled = true) };
  }
}
