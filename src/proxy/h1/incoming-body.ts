/**
 * A message body as the parser delivers it, for a reader that may start late: chunks that arrive
 * before `start` are held (pausing the connection past a limit), then handed over in order, followed
 * by the end or the error that came meanwhile.
 */
import type { BodySink, BodySource } from '../http/downstream.js';

/** The connection under the body: pausing it stops further chunks. */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

export class IncomingBody implements BodySource {
  complete = false;
  private sink: BodySink | undefined;
  private unread: Buffer[] | undefined;
  private unreadBytes = 0;
  private discarded = false;
  private failed: Error | undefined;

  constructor(
    private readonly flow: FlowControl,
    /** Bytes held for a reader that has not started, before the connection is paused. */
    private readonly maxUnread = Number.POSITIVE_INFINITY,
  ) {}

  start(sink: BodySink): void {
    this.sink = sink;
    const unread = this.unread;
    this.unread = undefined;
    if (unread) for (const c of unread) sink.data(c);
    if (this.failed) sink.error(this.failed);
    else if (this.complete) sink.end();
    this.flow.resume();
  }

  pause(): void {
    this.flow.pause();
  }

  resume(): void {
    this.flow.resume();
  }

  /** Nobody wants the rest: it is read and dropped, and a reader already started gets no more. */
  discard(): void {
    this.discarded = true;
    this.sink = undefined;
    this.unread = undefined;
    this.flow.resume();
  }

  deliver(chunk: Buffer): void {
    if (this.sink) this.sink.data(chunk);
    else if (!this.discarded) {
      (this.unread ??= []).push(chunk);
      this.unreadBytes += chunk.length;
      if (this.unreadBytes > this.maxUnread) this.flow.pause();
    }
  }

  finish(): void {
    this.complete = true;
    this.sink?.end();
  }

  fail(err: Error): void {
    if (this.complete || this.failed) return;
    this.failed = err;
    this.sink?.error(err);
  }
}
