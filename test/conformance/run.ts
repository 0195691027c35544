/** Running the conformance cases against one proxy and reducing each run to what the suite compares. */
import { createProxyCore, type ProxyCore } from '../../src/proxy/index.js';
import type { HttpCodec } from '../../src/proxy/listeners.js';
import { RawClient, RecordingUpstream, gatewayConfig, type SeenRequest } from './harness.js';
import { freePort } from '../support/ports.js';
import type { MalformedCase, ResponseCase, ValidCase } from './cases.js';

export interface Gateway {
  codec: HttpCodec;
  core: ProxyCore;
  port: number;
  /** This gateway's own upstream, so what reached it can be traced to this codec. */
  upstream: RecordingUpstream;
}

export async function startGateway(codec: HttpCodec, scriptedPort: number): Promise<Gateway> {
  const upstream = await new RecordingUpstream().start();
  const core = createProxyCore({ httpCodec: codec, log: () => undefined });
  try {
    const port = await freePort();
    await core.apply(gatewayConfig(port, upstream.port, scriptedPort));
    return { codec, core, port, upstream };
  } catch (err) {
    await core.stop();
    await upstream.stop();
    throw err;
  }
}

export async function stopGateway(gw: Gateway | undefined): Promise<void> {
  if (!gw) return;
  await gw.core.stop();
  await gw.upstream.stop();
}

function belongsTo(target: string, base: string): boolean {
  return target === base || target.startsWith(`${base}/`) || target.startsWith(`${base}?`);
}

export interface MalformedResult {
  /** Final responses the client received: status, or `status…` when cut short. */
  statuses: string[];
  /** The proxy closed (or finished its side of) the connection. */
  closed: boolean;
  /** Requests of this case the upstream received in full, and in part. */
  forwarded: number;
  forwardedPartly: number;
  /** Requests hidden in this case's bytes that the upstream saw as requests of their own. */
  smuggled: number;
}

export async function runMalformed(gw: Gateway, c: MalformedCase): Promise<MalformedResult> {
  const client = await RawClient.connect(gw.port, { allowHalfOpen: c.allowHalfOpen ?? false });
  try {
    if (c.run) await c.run(client);
    else {
      await client.write(c.bytes);
      await client.closeIn();
    }
    const mine = gw.upstream.requests().filter((r) => belongsTo(r.target, `/m/${c.id}`));
    return {
      statuses: client.responses.map((r) => (r.complete ? String(r.status) : `${r.status}…`)),
      closed: client.closed || client.peerEnded,
      forwarded: mine.filter((r) => r.complete).length,
      forwardedPartly: mine.filter((r) => !r.complete).length,
      smuggled: gw.upstream.requests().filter((r) => belongsTo(r.target, `/smuggled/${c.id}`)).length,
    };
  } finally {
    client.close();
  }
}

export function describeMalformed(r: MalformedResult): string {
  const answer = r.statuses.length > 0 ? r.statuses.join(',') : 'no response';
  const end = r.closed ? 'closed' : 'left open';
  const upstream = r.forwarded + r.forwardedPartly === 0 ? 'nothing forwarded' : `forwarded ${r.forwarded}${r.forwardedPartly > 0 ? ` (+${r.forwardedPartly} cut short)` : ''}`;
  return `${answer}, ${end}, ${upstream}${r.smuggled > 0 ? `, ${r.smuggled} SMUGGLED` : ''}`;
}

/**
 * The proxy refused the case: it answered with an error of its own (the upstream only ever answers
 * 200), or closed without an answer and without passing a whole request on.
 */
export function refused(r: MalformedResult): boolean {
  if (r.statuses.some((s) => Number.parseInt(s, 10) >= 400)) return true;
  return r.statuses.length === 0 && r.closed && r.forwarded === 0;
}

export interface ValidResult {
  interim: number[];
  responses: { status: number; complete: boolean; seen: string | undefined; contentLength: string | undefined; body: string }[];
  closed: boolean;
  upstream: { method: string; target: string; complete: boolean; body: string; header?: string | undefined }[];
}

function headerOf(headers: readonly [string, string][], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

export async function runValid(gw: Gateway, c: ValidCase): Promise<ValidResult> {
  const client = await RawClient.connect(gw.port, { headRequests: new Set(c.headRequests ?? []) });
  try {
    await c.run(client);
    const upstream = gw.upstream
      .requests()
      .filter((r) => belongsTo(r.target, `/v/${c.id}`))
      .sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0))
      .map((r: SeenRequest) => ({ method: r.method, target: r.target, complete: r.complete, body: r.body.toString('latin1'), ...(c.upstreamHeader ? { header: headerOf(r.headers, c.upstreamHeader) } : {}) }));
    return {
      interim: client.interim,
      responses: client.responses.map((r) => ({ status: r.status, complete: r.complete, seen: headerOf(r.headers, 'x-seen'), contentLength: headerOf(r.headers, 'content-length'), body: r.body })),
      closed: client.closed,
      upstream,
    };
  } finally {
    client.close();
  }
}

export interface ProxiedResponse {
  status: number | undefined;
  complete: boolean;
  body: string;
  closed: boolean;
}

export async function requestThroughProxy(gw: Gateway, c: ResponseCase): Promise<ProxiedResponse> {
  const method = c.method ?? 'GET';
  const client = await RawClient.connect(gw.port, { headRequests: new Set(method === 'HEAD' ? [0] : []) });
  try {
    await client.write(`${method} /r/${c.id} HTTP/1.1\r\nHost: conformance.test\r\n\r\n`);
    await client.responsesIn(1);
    const r = client.responses[0];
    return { status: r?.status, complete: r?.complete ?? false, body: r?.body ?? '', closed: client.closed || client.peerEnded };
  } finally {
    client.close();
  }
}

export function describeProxied(r: ProxiedResponse): string {
  if (r.status === undefined) return r.closed ? 'closed without a response' : 'no response (timed out)';
  return `${r.status} ${r.complete ? `body ${JSON.stringify(r.body)}` : `cut short after ${JSON.stringify(r.body)}`}`;
}
