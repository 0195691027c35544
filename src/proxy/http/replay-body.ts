/**
 * A request body that can be sent again, as Envoy's router keeps one for retries and shadows: the
 * downstream body streams to the current attempt as it arrives, and up to `limit` bytes are kept so
 * a later attempt can replay them before continuing live. Once more than `limit` bytes have arrived
 * the kept bytes are dropped and the request can no longer be retried or mirrored, but the attempt
 * in flight keeps streaming to the end (Envoy's "retry or shadow abandoned"), so a large body costs
 * a retry rather than a 413.
 *
 * Flow control follows the current attempt only: the source runs while that attempt has started,
 * is not paused by its consumer and has caught up with what was kept; otherwise it is paused. So
 * memory stays at `limit` plus what the source hands over after a pause, and after overflow only
 * the chunks the current attempt has not read yet are held.
 */
import type { BodySink, BodySource } from './downstream.js';

/** One attempt's view of the body: where it is in the kept chunks and what its consumer asked. */
interface Lane {
  sink: BodySink | undefined;
  /** The consumer paused it (its upstream socket is full). */
  paused: boolean;
  /** Index of the next kept chunk to hand over; unused after overflow, when the queue is drained from the front. */
  cursor: number;
  /** End or error was delivered: nothing more goes to the sink. */
  done: boolean;
  /** A delivery loop is running for this lane; a re-entrant call leaves the work to it. */
  pumping: boolean;
}

export class ReplayBody {
  /**
   * Before overflow: every chunk received, kept for replays (attempts read them by cursor). After
   * overflow: only the current attempt's unread backlog, handed over and dropped from the front.
   */
  private chunks: Buffer[] = [];
  private received = 0;
  private started = false;
  private ended = false;
  private failure: Error | undefined;
  private over = false;
  private current: Lane | undefined;
  /** What the source was last told, so it gets one pause per resume, not a call per chunk. */
  private sourcePaused = false;
  private completed = false;
  private completion: Buffer | undefined;
  private waiters: ((body: Buffer | undefined) => void)[] = [];
  private wholeBody: Buffer | undefined;

  constructor(
    private readonly source: BodySource,
    /** Bytes kept for replays; a body of exactly this many bytes is still replayable. */
    private readonly limit: number,
  ) {}

  /** True once more than `limit` bytes arrived: no further attempt or mirror can have this body. */
  get overflowed(): boolean {
    return this.over;
  }

  /**
   * A body for the next attempt: the kept chunks, then live ones, then the end. The previous
   * attempt's body is detached: its sink gets nothing more, and its pause no longer holds the source.
   * Undefined once the body overflowed (or the source failed: a resend could only fail the same way).
   */
  attempt(): BodySource | undefined {
    if (this.over || this.failure) return undefined;
    const lane: Lane = { sink: undefined, paused: false, cursor: 0, done: false, pumping: false };
    this.current = lane;
    // The detached attempt may have held the source paused; from now on only this one counts.
    this.updateFlow();
    return {
      start: (sink) => this.startLane(lane, sink),
      pause: () => {
        // A detached attempt's consumer (a late 'drain' or pause) must not steer the live one's source.
        if (lane !== this.current) return;
        lane.paused = true;
        this.updateFlow();
      },
      resume: () => {
        if (lane !== this.current) return;
        lane.paused = false;
        this.pump(lane);
        this.updateFlow();
      },
    };
  }

  /** The whole body once it ended within the limit (for mirrors); undefined before then, or if it overflowed or failed. */
  whole(): Buffer | undefined {
    if (!this.ended || this.over || this.failure) return undefined;
    return (this.wholeBody ??= Buffer.concat(this.chunks, this.received));
  }

  /** Calls `cb` once: with the whole body when it ends within the limit, with undefined when it overflows or fails. Called at once if that already happened. */
  onComplete(cb: (body: Buffer | undefined) => void): void {
    if (this.completed) cb(this.completion);
    else this.waiters.push(cb);
  }

  private startLane(lane: Lane, sink: BodySink): void {
    // A detached attempt that starts late gets nothing; a second start of the same body is ignored.
    if (lane !== this.current || lane.sink) return;
    lane.sink = sink;
    if (!this.started) {
      this.started = true;
      this.source.start({ data: (c) => this.onData(c), end: () => this.onEnd(), error: (e) => this.onError(e) });
      // A source may resume itself when it starts (IncomingBody does, after handing over what it
      // held), undoing a pause the consumer asked for meanwhile: take it as running and re-assert.
      this.sourcePaused = false;
    }
    this.pump(lane);
    this.updateFlow();
  }

  private onData(chunk: Buffer): void {
    if (this.ended || this.failure) return;
    this.received += chunk.length;
    if (!this.over && this.received > this.limit) this.overflow();
    this.chunks.push(chunk);
    if (this.current) this.pump(this.current);
    this.updateFlow();
  }

  /** Gives up on replays: drops the chunks the current attempt already read and keeps only its backlog. */
  private overflow(): void {
    this.over = true;
    const lane = this.current;
    this.chunks = this.chunks.slice(lane?.cursor ?? this.chunks.length);
    if (lane) lane.cursor = 0;
    this.complete(undefined);
  }

  private onEnd(): void {
    if (this.ended || this.failure) return;
    this.ended = true;
    this.complete(this.whole());
    if (this.current) this.pump(this.current);
  }

  private onError(err: Error): void {
    if (this.ended || this.failure) return;
    this.failure = err;
    // A broken body is replayed to no one: release what was kept.
    this.chunks = [];
    this.complete(undefined);
    const lane = this.current;
    if (lane?.sink && !lane.done) {
      // Errors do not wait for flow control: the attempt is failing either way.
      lane.done = true;
      lane.sink.error(err);
    }
  }

  private complete(body: Buffer | undefined): void {
    if (this.completed) return;
    this.completed = true;
    this.completion = body;
    const waiters = this.waiters;
    this.waiters = [];
    for (const cb of waiters) cb(body);
  }

  private caughtUp(lane: Lane): boolean {
    return this.over ? this.chunks.length === 0 : lane.cursor >= this.chunks.length;
  }

  /** Hands the lane what it has not read yet while its consumer lets it, then the end or error. */
  private pump(lane: Lane): void {
    const sink = lane.sink;
    if (lane !== this.current || !sink || lane.done || lane.pumping) return;
    lane.pumping = true;
    try {
      // Re-checked every chunk: the consumer may pause, or the lead start another attempt, from inside data().
      while (!lane.paused && lane === this.current) {
        let chunk: Buffer | undefined;
        if (this.over) chunk = this.chunks.shift();
        else if (lane.cursor < this.chunks.length) chunk = this.chunks[lane.cursor++];
        if (chunk === undefined) break;
        sink.data(chunk);
      }
      if (lane !== this.current || lane.done) return;
      if (this.failure) {
        lane.done = true;
        sink.error(this.failure);
      } else if (this.ended && this.caughtUp(lane)) {
        // Nothing left to hand over, so the end needs no resume even if the consumer is paused.
        lane.done = true;
        sink.end();
      }
    } finally {
      lane.pumping = false;
    }
  }

  /** The source runs only while the current attempt has started, is not paused and has read all it was owed. */
  private updateFlow(): void {
    if (!this.started || this.ended || this.failure) return;
    const lane = this.current;
    const run = lane !== undefined && lane.sink !== undefined && !lane.paused && this.caughtUp(lane);
    if (run && this.sourcePaused) {
      this.sourcePaused = false;
      this.source.resume();
    } else if (!run && !this.sourcePaused) {
      this.sourcePaused = true;
      this.source.pause();
    }
  }
}
