import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { BodySink, BodySource } from './downstream.js';
import { ReplayBody } from './replay-body.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A downstream body whose chunks the test hands over one by one; it records what flow control asked of it. */
class FakeSource implements BodySource {
  starts = 0;
  paused = false;
  private sink: BodySink | undefined;

  constructor(
    /** Chunks that arrived before the reader started, handed over in `start` (as IncomingBody does). */
    private readonly unread: Buffer[] = [],
    /** Resume at the end of `start` whatever was asked meanwhile, as IncomingBody does. */
    private readonly resumesOnStart = false,
  ) {}

  start(sink: BodySink): void {
    this.starts++;
    this.sink = sink;
    for (const c of this.unread.splice(0)) sink.data(c);
    if (this.resumesOnStart) this.paused = false;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  send(chunk: Buffer): void {
    this.started().data(chunk);
  }

  end(): void {
    this.started().end();
  }

  fail(err: Error): void {
    this.started().error(err);
  }

  private started(): BodySink {
    if (!this.sink) throw new Error('source not started');
    return this.sink;
  }
}

/** An attempt's consumer (the upstream writer): keeps what it got, and can pause its body. */
class Recorder implements BodySink {
  readonly chunks: Buffer[] = [];
  bytes = 0;
  ends = 0;
  readonly errors: Error[] = [];
  /** Pauses the body once this many bytes have been received. */
  pauseAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly body: BodySource,
    private readonly keep = true,
  ) {}

  data(chunk: Buffer): void {
    // Anything after end or error means a detached or finished body kept talking.
    expect(this.ends + this.errors.length).toBe(0);
    if (this.keep) this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes >= this.pauseAt) {
      this.pauseAt = Number.POSITIVE_INFINITY;
      this.body.pause();
    }
  }

  end(): void {
    this.ends++;
  }

  error(err: Error): void {
    this.errors.push(err);
  }

  get received(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function attemptOf(replay: ReplayBody, keep = true): Recorder {
  const body = replay.attempt();
  if (!body) throw new Error('no attempt');
  const rec = new Recorder(body, keep);
  body.start(rec);
  return rec;
}

/** Splits a body into chunks of varied sizes, so a reordering or a dropped chunk shows in the bytes. */
function chunksOf(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0, n = 0; off < body.length; n++) {
    const size = 1000 + ((n * 7919) % 9000);
    out.push(body.subarray(off, off + size));
    off += size;
  }
  return out;
}

function isGc(v: unknown): v is () => void {
  return typeof v === 'function';
}

/** A full collection, so the test can see which chunks something still holds. */
async function collect(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (!isGc(gc)) throw new Error('gc not exposed');
  // WeakRef targets touched in this job stay alive until it ends: let it end first.
  await new Promise((r) => setImmediate(r));
  gc();
}

describe('ReplayBody', () => {
  it('streams a 3 MiB body through one attempt and releases what it kept once past the limit', async () => {
    const source = new FakeSource();
    const replay = new ReplayBody(source, MiB);
    const completions: (Buffer | undefined)[] = [];
    replay.onComplete((b) => completions.push(b));
    // The consumer keeps nothing, so only the ReplayBody could hold a chunk alive.
    const rec = attemptOf(replay, false);
    const refs: WeakRef<Buffer>[] = [];
    const sendChunks = (n: number): void => {
      for (let i = 0; i < n; i++) {
        const chunk = Buffer.alloc(64 * KiB, i);
        refs.push(new WeakRef(chunk));
        source.send(chunk);
      }
    };

    sendChunks(8); // 512 KiB: within the limit, so kept for a replay
    await collect();
    // The control: the collector does see chunks the ReplayBody still holds.
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(8);
    expect(replay.overflowed).toBe(false);

    sendChunks(40); // 3 MiB in all
    await collect();
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    expect(replay.overflowed).toBe(true);
    expect(replay.attempt()).toBeUndefined();
    expect(completions).toEqual([undefined]);

    source.end();
    expect(rec.bytes).toBe(3 * MiB);
    expect(rec.ends).toBe(1);
    expect(replay.whole()).toBeUndefined();
    expect(completions).toEqual([undefined]);
    expect(source.starts).toBe(1);
  });

  it('keeps backpressure after overflow: the source runs only as the live attempt reads', () => {
    const source = new FakeSource();
    const replay = new ReplayBody(source, MiB);
    const rec = attemptOf(replay, false);
    let sent = 0;
    // Deliver 3 MiB, as a socket would: only while not paused; the consumer pauses after every 256 KiB.
    while (sent < 3 * MiB) {
      rec.pauseAt = rec.bytes + 256 * KiB;
      while (!source.paused && sent < 3 * MiB) {
        source.send(Buffer.alloc(32 * KiB));
        sent += 32 * KiB;
      }
      // Paused by the consumer: nothing beyond what it accepted was asked for.
      expect(sent).toBe(rec.bytes);
      if (sent < 3 * MiB) expect(source.paused).toBe(true);
      rec.body.resume();
    }
    source.end();
    expect(rec.bytes).toBe(3 * MiB);
    expect(rec.ends).toBe(1);
    expect(replay.overflowed).toBe(true);
  });

  it('replays a 100 KiB body in full to a second attempt after the first read half of it', () => {
    const body = randomBytes(100 * KiB);
    const chunks = chunksOf(body);
    const source = new FakeSource();
    const replay = new ReplayBody(source, MiB);
    const first = attemptOf(replay);
    first.pauseAt = 50 * KiB;
    let next = 0;
    while (!source.paused && next < chunks.length) source.send(chunks[next++] as Buffer);
    expect(first.bytes).toBeGreaterThanOrEqual(50 * KiB);
    expect(first.bytes).toBeLessThan(100 * KiB);
    const firstBytes = first.bytes;

    // The first attempt failed while paused (its socket never drained); the retry must not inherit the pause.
    const second = attemptOf(replay);
    expect(second.received).toEqual(body.subarray(0, firstBytes));
    expect(source.paused).toBe(false);
    while (!source.paused && next < chunks.length) source.send(chunks[next++] as Buffer);
    source.end();

    expect(second.received).toEqual(body);
    expect(second.ends).toBe(1);
    expect(first.bytes).toBe(firstBytes);
    expect(first.ends).toBe(0);
    expect(replay.whole()).toEqual(body);
    expect(source.starts).toBe(1);
  });

  it('retries while the body is still arriving: the kept part first, then live chunks, then the end', () => {
    const body = randomBytes(50 * KiB);
    const chunks = chunksOf(body);
    const source = new FakeSource();
    const replay = new ReplayBody(source, MiB);
    const first = attemptOf(replay);
    const half = Math.floor(chunks.length / 2);
    for (const c of chunks.slice(0, half)) source.send(c);
    const kept = first.bytes;

    const second = attemptOf(replay);
    expect(second.bytes).toBe(kept);
    expect(second.ends).toBe(0);
    for (const c of chunks.slice(half)) source.send(c);
    expect(second.ends).toBe(0);
    source.end();

    expect(second.received).toEqual(body);
    expect(second.ends).toBe(1);
    // Detached: the first attempt's sink got nothing after the retry began.
    expect(first.bytes).toBe(kept);
    expect(first.ends).toBe(0);
    // A third attempt after the end replays everything.
    const third = attemptOf(replay);
    expect(third.received).toEqual(body);
    expect(third.ends).toBe(1);
  });

  it('propagates pause and resume: a paused attempt stops the source, mid-replay too', () => {
    const body = randomBytes(40 * KiB);
    const chunks = chunksOf(body);
    const source = new FakeSource();
    const replay = new ReplayBody(source, MiB);
    const first = attemptOf(replay);
    for (const c of chunks.slice(0, 4)) source.send(c);
    first.body.pause();
    expect(source.paused).toBe(true);
    first.body.resume();
    expect(source.paused).toBe(false);

    // The retry's consumer pauses partway through the replay: the source must stop.
    const retry = replay.attempt();
    if (!retry) throw new Error('no attempt');
    const second = new Recorder(retry);
    second.pauseAt = 1;
    retry.start(second);
    expect(second.chunks).toHaveLength(1);
    expect(source.paused).toBe(true);
    // The detached first attempt's late resume (a 'drain') must not restart the source.
    first.body.resume();
    expect(source.paused).toBe(true);

    // Chunks the source had already read still arrive; they queue behind the replay.
    source.send(chunks[4] as Buffer);
    expect(second.chunks).toHaveLength(1);
    retry.resume();
    expect(source.paused).toBe(false);
    for (const c of chunks.slice(5)) source.send(c);
    source.end();
    expect(second.received).toEqual(body);
    expect(second.ends).toBe(1);
  });

  it('holds the source while the next attempt has not started (during a backoff), then replays and goes live', () => {
    const body = randomBytes(20 * KiB);
    const chunks = chunksOf(body);
    const source = new FakeSource();
    const replay = new ReplayBody(source, MiB);
    const first = attemptOf(replay);
    source.send(chunks[0] as Buffer);
    expect(source.paused).toBe(false);
    const retry = replay.attempt();
    if (!retry) throw new Error('no attempt');
    // Nobody reads until the retry starts: the source must not keep filling the replay buffer.
    expect(source.paused).toBe(true);
    // A chunk the source had already read still arrives, and is kept for the retry.
    source.send(chunks[1] as Buffer);
    expect(first.chunks).toHaveLength(1);
    const second = new Recorder(retry);
    retry.start(second);
    expect(source.paused).toBe(false);
    for (const c of chunks.slice(2)) source.send(c);
    source.end();
    expect(second.received).toEqual(body);
    expect(second.ends).toBe(1);
  });

  it('re-asserts a pause the consumer asked for while a self-resuming source started', () => {
    const unread = [randomBytes(8 * KiB), randomBytes(8 * KiB)];
    const source = new FakeSource([...unread], true);
    const replay = new ReplayBody(source, MiB);
    const body = replay.attempt();
    if (!body) throw new Error('no attempt');
    const rec = new Recorder(body);
    rec.pauseAt = 1;
    body.start(rec);
    // The second held chunk waits for the consumer's resume, and the source stays paused.
    expect(rec.received).toEqual(unread[0]);
    expect(source.paused).toBe(true);
    body.resume();
    expect(rec.received).toEqual(Buffer.concat(unread));
    expect(source.paused).toBe(false);
  });

  it('keeps an attempt paused mid-replay whole when the body overflows meanwhile', () => {
    const body = randomBytes(30 * KiB);
    const chunks = chunksOf(body);
    const source = new FakeSource();
    const replay = new ReplayBody(source, 20 * KiB);
    attemptOf(replay);
    // Send what fits within the limit to the first attempt.
    let next = 0;
    let kept = 0;
    while (kept + (chunks[next] as Buffer).length <= 20 * KiB) kept += (chunks[next++] as Buffer).length;
    for (const c of chunks.slice(0, next)) source.send(c);
    expect(replay.overflowed).toBe(false);
    const retry = replay.attempt();
    if (!retry) throw new Error('no attempt');
    const rec = new Recorder(retry);
    rec.pauseAt = 1;
    retry.start(rec);
    // Overflow while the retry still owes most of the replay: it must still get every byte, in order.
    while (next < chunks.length) source.send(chunks[next++] as Buffer);
    expect(replay.overflowed).toBe(true);
    expect(replay.attempt()).toBeUndefined();
    source.end();
    expect(rec.ends).toBe(0);
    retry.resume();
    expect(rec.received).toEqual(body);
    expect(rec.ends).toBe(1);
  });

  it('passes a source error to the live attempt only, and allows no further attempt', () => {
    const source = new FakeSource();
    const replay = new ReplayBody(source, MiB);
    const completions: (Buffer | undefined)[] = [];
    replay.onComplete((b) => completions.push(b));
    const first = attemptOf(replay);
    source.send(randomBytes(KiB));
    const second = attemptOf(replay);
    const err = new Error('downstream reset');
    source.fail(err);
    expect(second.errors).toEqual([err]);
    expect(second.ends).toBe(0);
    expect(first.errors).toEqual([]);
    expect(replay.attempt()).toBeUndefined();
    expect(replay.whole()).toBeUndefined();
    expect(completions).toEqual([undefined]);
  });

  it('fails an attempt taken before the source failed as soon as it starts', () => {
    const source = new FakeSource();
    const replay = new ReplayBody(source, MiB);
    attemptOf(replay);
    source.send(randomBytes(KiB));
    const retry = replay.attempt();
    if (!retry) throw new Error('no attempt');
    const err = new Error('downstream reset');
    source.fail(err);
    const rec = new Recorder(retry);
    retry.start(rec);
    expect(rec.errors).toEqual([err]);
    expect(rec.bytes).toBe(0);
  });

  it('still replays a body of exactly `limit` bytes, and not one of a byte more', () => {
    const limit = 10 * KiB;
    for (const size of [limit, limit + 1]) {
      const body = randomBytes(size);
      const source = new FakeSource();
      const replay = new ReplayBody(source, limit);
      const first = attemptOf(replay);
      for (const c of chunksOf(body)) source.send(c);
      source.end();
      expect(first.received).toEqual(body);
      if (size === limit) {
        expect(replay.overflowed).toBe(false);
        expect(replay.whole()).toEqual(body);
        const second = attemptOf(replay);
        expect(second.received).toEqual(body);
        expect(second.ends).toBe(1);
      } else {
        expect(replay.overflowed).toBe(true);
        expect(replay.whole()).toBeUndefined();
        expect(replay.attempt()).toBeUndefined();
      }
    }
  });

  it('handles an empty body: end only, replayable, whole is an empty buffer', () => {
    const source = new FakeSource();
    const replay = new ReplayBody(source, MiB);
    const first = attemptOf(replay);
    source.end();
    expect(first.ends).toBe(1);
    expect(first.chunks).toHaveLength(0);
    expect(replay.whole()).toEqual(Buffer.alloc(0));
    const completions: (Buffer | undefined)[] = [];
    replay.onComplete((b) => completions.push(b));
    expect(completions).toEqual([Buffer.alloc(0)]);
    const second = attemptOf(replay);
    expect(second.ends).toBe(1);
    expect(second.chunks).toHaveLength(0);
    expect(source.starts).toBe(1);
  });

  it('starts the source once, on the first attempt that starts; a detached attempt that starts late gets nothing', () => {
    const source = new FakeSource();
    const replay = new ReplayBody(source, MiB);
    const never = replay.attempt();
    expect(source.starts).toBe(0);
    const live = attemptOf(replay);
    expect(source.starts).toBe(1);
    source.send(Buffer.from('abc'));
    const late = new Recorder(never as BodySource);
    never?.start(late);
    source.end();
    expect(late.bytes).toBe(0);
    expect(late.ends).toBe(0);
    expect(live.received.toString()).toBe('abc');
    expect(source.starts).toBe(1);
  });
});
