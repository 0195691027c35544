/**
 * Issue 6: the lean HTTP/1.1 path refuses request smuggling and malformed framing at least as
 * strictly as Node's own parser, proven by one suite run against both codecs. Each codec serves a
 * gateway of its own in front of raw upstreams, so every byte either side sends or receives is seen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpCodec } from '../../src/proxy/listeners.js';
import { UpstreamPool } from '../../src/proxy/h1/client.js';
import { MALFORMED, RESPONSES, VALID, type MalformedCase, type ResponseCase, type ValidCase } from './cases.js';
import { RecordingUpstream, ScriptedUpstream, describeOutcome, leanClientRequest, leanExchange, nodeClientRequest, reportsFailure, type ClientOutcome } from './harness.js';
import {
  describeMalformed,
  describeProxied,
  refused,
  requestThroughProxy,
  runMalformed,
  runValid,
  startGateway,
  stopGateway,
  type Gateway,
  type MalformedResult,
  type ProxiedResponse,
  type ValidResult,
} from './run.js';


function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')).join('\n');
}

let scripted: ScriptedUpstream;

beforeAll(async () => {
  scripted = await new ScriptedUpstream().start();
  for (const c of RESPONSES) scripted.scripts.set(c.id, { bytes: c.bytes, close: c.close ?? true });
});

afterAll(async () => {
  await scripted?.stop();
});

/** A gateway per codec for one group of cases, so a failure in one group cannot leak into another. */
function gateways(): { get: (codec: HttpCodec) => Gateway } {
  const open = new Map<HttpCodec, Gateway>();
  beforeAll(async () => {
    for (const codec of ['node', 'lean'] as const) open.set(codec, await startGateway(codec, scripted.port));
  });
  afterAll(async () => {
    for (const gw of open.values()) await stopGateway(gw);
  });
  return {
    get: (codec) => {
      const gw = open.get(codec);
      if (!gw) throw new Error(`no ${codec} gateway`);
      return gw;
    },
  };
}

describe('malformed requests', () => {
  const gw = gateways();
  const results = new Map<string, { node: MalformedResult; lean: MalformedResult }>();

  beforeAll(async () => {
    // Each case has its own connection and its own targets, so they can all run at once.
    await Promise.all(
      MALFORMED.map(async (c) => {
        const [node, lean] = await Promise.all([runMalformed(gw.get('node'), c), runMalformed(gw.get('lean'), c)]);
        results.set(c.id, { node, lean });
      }),
    );
  });

  const report = (): string =>
    table([['case', 'node codec', 'lean codec', 'lean expected'], ...MALFORMED.map((c) => {
      const r = results.get(c.id);
      return [c.id, r ? describeMalformed(r.node) : '-', r ? describeMalformed(r.lean) : '-', c.lean.join(',')];
    })]);

  /** How the lean codec's handling of `c` departs from the table, if it does. */
  function leanDeparture(c: MalformedCase, lean: MalformedResult): string | undefined {
    const answered = lean.statuses.join(',');
    if (answered !== c.lean.join(',')) return `${c.id}: answered ${answered || 'nothing'}, expected ${c.lean.join(',')}`;
    if (!lean.closed) return `${c.id}: connection left open after the refusal`;
    const accepted = c.lean.filter((s) => s < 400).length;
    if (lean.forwarded !== accepted) return `${c.id}: ${lean.forwarded} whole request(s) reached the upstream, expected ${accepted}`;
    if (lean.smuggled > 0) return `${c.id}: the hidden request reached the upstream`;
    return undefined;
  }

  it('the lean codec refuses each one with the expected status and passes no whole request on', () => {
    const departures = MALFORMED.flatMap((c) => {
      const r = results.get(c.id);
      if (!r) return [`${c.id}: not run`];
      const d = leanDeparture(c, r.lean);
      return d ? [d] : [];
    });
    expect(departures, report()).toEqual([]);
  });

  it("whatever Node's codec refuses, the lean codec refuses too", () => {
    const laxer = MALFORMED.flatMap((c) => {
      const r = results.get(c.id);
      if (!r) return [`${c.id}: not run`];
      return refused(r.node) && !refused(r.lean) ? [`${c.id}: node ${describeMalformed(r.node)}; lean ${describeMalformed(r.lean)}`] : [];
    });
    expect(laxer, report()).toEqual([]);
    // The comparison is only worth something if Node does refuse most of these.
    const nodeRefusals = MALFORMED.filter((c) => {
      const r = results.get(c.id);
      return r !== undefined && refused(r.node);
    });
    expect(nodeRefusals.length, report()).toBeGreaterThan(MALFORMED.length / 2);
  });

  it('no request hidden inside another reaches the upstream through the lean codec', () => {
    const hidden = gw
      .get('lean')
      .upstream.requests()
      .map((r) => r.target)
      .filter((t) => t.startsWith('/smuggled/'));
    expect(hidden, report()).toEqual([]);
  });

});

describe('valid requests: both codecs accept them and forward the same bytes', () => {
  const gw = gateways();

  async function both(c: ValidCase): Promise<{ node: ValidResult; lean: ValidResult }> {
    const [node, lean] = await Promise.all([runValid(gw.get('node'), c), runValid(gw.get('lean'), c)]);
    return { node, lean };
  }

  function check(c: ValidCase, node: ValidResult, lean: ValidResult): void {
    const comparison = `${c.id}\nnode: ${JSON.stringify(node)}\nlean: ${JSON.stringify(lean)}`;
    for (const r of [node, lean]) {
      expect(
        {
          statuses: r.responses.map((x) => x.status),
          interim: r.interim,
          upstreamBodies: r.upstream.map((u) => u.body),
          closes: r.closed,
        },
        comparison,
      ).toEqual({ statuses: c.expect.statuses, interim: c.expect.interim ?? [], upstreamBodies: c.expect.upstreamBodies, closes: c.expect.closes });
      expect(r.responses.every((x) => x.complete) && r.upstream.every((u) => u.complete), comparison).toBe(true);
      // Answers come back in request order, each for its own request.
      expect(r.responses.map((x) => x.seen), comparison).toEqual(r.upstream.map((u) => u.target));
    }
    expect(lean, comparison).toEqual(node);
  }

  it.each(VALID.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const { node, lean } = await both(c);
    check(c, node, lean);
  });

});

describe('response framing from the upstream', () => {
  const gw = gateways();
  interface Outcomes {
    node: ClientOutcome;
    lean: ClientOutcome;
    viaLean: ProxiedResponse;
    viaNode: ProxiedResponse;
  }
  const results = new Map<string, Outcomes>();

  beforeAll(async () => {
    await Promise.all(
      RESPONSES.map(async (c) => {
        const method = c.method ?? 'GET';
        const [node, lean, viaLean, viaNode] = await Promise.all([
          nodeClientRequest(scripted.port, method, `/r/${c.id}`),
          leanClientRequest(scripted.port, method, `/r/${c.id}`),
          requestThroughProxy(gw.get('lean'), c),
          requestThroughProxy(gw.get('node'), c),
        ]);
        results.set(c.id, { node, lean, viaLean, viaNode });
      }),
    );
  });

  const report = (): string =>
    table([
      ['response', "Node's http.request", 'UpstreamPool', 'via proxy, lean codec', 'via proxy, node codec'],
      ...RESPONSES.map((c) => {
        const r = results.get(c.id);
        return [c.id, ...(r ? [describeOutcome(r.node), describeOutcome(r.lean), describeProxied(r.viaLean), describeProxied(r.viaNode)] : ['-', '-', '-', '-'])];
      }),
    ]);

  const malformed = RESPONSES.filter((c) => c.valid === undefined);
  const valid = RESPONSES.filter((c): c is ResponseCase & { valid: { status: number; body: string } } => c.valid !== undefined);

  it("whenever Node's client reports an error, UpstreamPool reports a failure too", () => {
    const laxer = RESPONSES.flatMap((c) => {
      const r = results.get(c.id);
      if (!r) return [`${c.id}: not run`];
      return reportsFailure(r.node) && !reportsFailure(r.lean) ? [`${c.id}: node ${describeOutcome(r.node)}; lean ${describeOutcome(r.lean)}`] : [];
    });
    expect(laxer, report()).toEqual([]);
  });

  it('UpstreamPool reports a failure for every malformed response', () => {
    const accepted = malformed.filter((c) => !reportsFailure(results.get(c.id)?.lean ?? { kind: 'timeout', status: undefined })).map((c) => c.id);
    expect(accepted, report()).toEqual([]);
  });

  it('through the proxy, a malformed response never arrives as a whole answer: a 5xx, or a connection closed early', () => {
    const acceptable = (p: ProxiedResponse): boolean => (p.complete && (p.status ?? 0) >= 500) || (p.closed && !p.complete);
    const passedOff = malformed.flatMap((c) => {
      const r = results.get(c.id);
      if (!r) return [`${c.id}: not run`];
      return (['viaLean', 'viaNode'] as const).filter((k) => !acceptable(r[k])).map((k) => `${c.id} ${k}: ${describeProxied(r[k])}`);
    });
    expect(passedOff, report()).toEqual([]);
  });

  it('well-framed responses arrive whole, from either client and through the proxy', () => {
    const wrong = valid
      
      .flatMap((c) => {
        const r = results.get(c.id);
        if (!r) return [`${c.id}: not run`];
        const want: ClientOutcome = { kind: 'response', status: c.valid.status, body: c.valid.body, bodyError: undefined };
        const proxied: ProxiedResponse = { status: c.valid.status, complete: true, body: c.valid.body, closed: false };
        const out: string[] = [];
        for (const k of ['node', 'lean'] as const) if (describeOutcome(r[k]) !== describeOutcome(want)) out.push(`${c.id} ${k}: ${describeOutcome(r[k])}`);
        for (const k of ['viaLean', 'viaNode'] as const) if (describeProxied(r[k]) !== describeProxied(proxied)) out.push(`${c.id} ${k}: ${describeProxied(r[k])}`);
        return out;
      });
    expect(wrong, report()).toEqual([]);
  });

});

describe('UpstreamPool connection reuse', () => {
  let upstream: RecordingUpstream;
  beforeAll(async () => {
    upstream = await new RecordingUpstream().start();
  });
  afterAll(async () => {
    await upstream?.stop();
  });

  // The proxy pauses an upstream body when its caller stops reading; if the body ends meanwhile
  // (it was all in one read), the connection must not go back to the pool paused.
  it('reuses a connection whose last response body was paused', async () => {
    const pool = new UpstreamPool('127.0.0.1', upstream.port);
    try {
      const first = await leanExchange(pool, 'GET', '/pool/1', true);
      const second = await leanExchange(pool, 'GET', '/pool/2');
      expect([describeOutcome(first), describeOutcome(second)]).toEqual(['200 body "ok"', '200 body "ok"']);
    } finally {
      pool.destroy();
    }
  });
});
