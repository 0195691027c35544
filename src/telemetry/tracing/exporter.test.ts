import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, expect } from 'vitest';
import { exporterFor, SpanExporter, type SendFn } from './exporter.js';
import type { SpanData } from './span.js';
import { FakeTimers, sampleSpan } from './test-support.js';

const spans = (n: number) => Array.from({ length: n }, (_, i) => sampleSpan({ spanId: (i + 1).toString(16).padStart(16, '0') }));
const countEncode = (s: readonly SpanData[]) => JSON.stringify(s.map((x) => x.spanId));

function recorder() {
  const bodies: string[] = [];
  const send: SendFn = async (_url, body) => {
    bodies.push(body);
  };
  return { bodies, send };
}

describe('SpanExporter', () => {
  it('flushes when a batch is full, without waiting for the timer', async () => {
    const clock = new FakeTimers();
    const { bodies, send } = recorder();
    const ex = new SpanExporter({ url: 'u', encode: countEncode, send, clock, maxBatch: 3, flushIntervalMs: 1000, maxQueue: 100 });
    for (const s of spans(3)) ex.add(s);
    await ex.flush();
    expect(bodies.map((b) => JSON.parse(b) as string[]).map((b) => b.length)).toEqual([3]);
    expect(ex.stats()).toMatchObject({ sent: 3, batches: 1, queued: 0 });
  });

  it('flushes a partial batch when the interval passes, and not before', async () => {
    const clock = new FakeTimers();
    const { bodies, send } = recorder();
    const ex = new SpanExporter({ url: 'u', encode: countEncode, send, clock, maxBatch: 5, flushIntervalMs: 1000, maxQueue: 100 });
    for (const s of spans(2)) ex.add(s);
    clock.advance(999);
    await Promise.resolve();
    expect(bodies).toHaveLength(0);
    clock.advance(1);
    await ex.flush();
    expect(bodies).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  it('bounds the queue while the collector is slow, counting drops', async () => {
    const clock = new FakeTimers();
    let release: () => void = () => {};
    const bodies: string[] = [];
    const send: SendFn = (_u, body) => new Promise<void>((r) => { bodies.push(body); release = r; });
    const ex = new SpanExporter({ url: 'u', encode: countEncode, send, clock, maxBatch: 2, flushIntervalMs: 1000, maxQueue: 4 });
    for (const s of spans(10)) ex.add(s);
    // One batch of 2 is in flight; the queue took 4 more; 4 were dropped.
    expect(ex.stats()).toMatchObject({ dropped: 4, queued: 4 });
    expect(bodies).toHaveLength(1);
    // Let the collector answer each POST in turn; the rest of the queue follows batch by batch.
    for (let i = 0; i < 10; i++) {
      release();
      await new Promise((r) => setImmediate(r));
    }
    await ex.flush();
    expect(ex.stats()).toMatchObject({ sent: 6, dropped: 4, batches: 3, queued: 0 });
  });

  it('a failing collector never throws into the caller; its batches are counted as failed', async () => {
    const clock = new FakeTimers();
    const ex = new SpanExporter({ url: 'u', encode: countEncode, send: () => Promise.reject(new Error('refused')), clock, maxBatch: 2, flushIntervalMs: 10, maxQueue: 10 });
    expect(() => { for (const s of spans(3)) ex.add(s); }).not.toThrow();
    await ex.flush();
    expect(ex.stats()).toMatchObject({ failed: 3, sent: 0 });
    const sync = new SpanExporter({ url: 'u', encode: () => { throw new Error('boom'); }, send: async () => {}, clock, maxBatch: 1, flushIntervalMs: 10, maxQueue: 10 });
    expect(() => sync.add(sampleSpan())).not.toThrow();
    await sync.flush();
    expect(sync.stats().failed).toBe(1);
  });

  it('close sends what is queued and refuses more', async () => {
    const clock = new FakeTimers();
    const { bodies, send } = recorder();
    const ex = new SpanExporter({ url: 'u', encode: countEncode, send, clock, maxBatch: 10, flushIntervalMs: 1000, maxQueue: 100 });
    ex.add(sampleSpan());
    await ex.close();
    ex.add(sampleSpan());
    expect(bodies).toHaveLength(1);
    expect(ex.stats()).toMatchObject({ sent: 1, dropped: 1 });
    expect(clock.pending()).toBe(0);
  });

  it('delivers one Zipkin batch to a real HTTP receiver', async () => {
    const received: { method?: string; url?: string; type?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const send: SendFn = (url, body) =>
      new Promise<void>((resolve, reject) => {
        const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const ex = exporterFor({ format: 'zipkin', url: `http://127.0.0.1:${port}/api/v2/spans`, maxBatch: 2, flushIntervalMs: 5000, maxQueue: 10 }, send, new FakeTimers());
      for (const s of spans(2)) ex.add(s);
      await ex.flush();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ method: 'POST', url: '/api/v2/spans', type: 'application/json' });
      const batch = JSON.parse(received[0]!.body) as { id: string }[];
      expect(batch.map((s) => s.id)).toEqual(['0000000000000001', '0000000000000002']);
      expect(ex.stats()).toMatchObject({ sent: 2, batches: 1 });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
