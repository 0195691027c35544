/**
 * Forwarding with Envoy's router semantics: pick a host the outlier detector has not ejected, pass
 * the cluster's circuit breakers, try, classify the outcome, retry by the route's policy (preferring
 * another host, within maxRetries), bound everything by the route timeout, copy the request to
 * mirrors, then stream the response back with the headers Envoy adds.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { RetryPolicyConfig } from '../../compile/config.js';
import type { HashInputs, RuntimeCluster } from '../runtime/cluster.js';
import type { UpstreamHost } from '../runtime/upstream.js';
import type { Admission } from '../runtime/circuit-breaker.js';
import type { Outcome } from '../runtime/outlier.js';
import type { Clock } from '../clock.js';
import { Cancellation } from '../cancellation.js';
import { attempt, type AttemptOutcome } from './upstream-attempt.js';
import { forwardableResponseHeaders } from '../http/headers.js';
import { REPLIES, type LocalReply } from '../http/local-reply.js';
import type { BodySource } from '../http/downstream.js';
import { ReplayBody } from '../http/replay-body.js';
import type { Exchange } from '../http/exchange.js';
import type { UpstreamResponse } from '../h1/client.js';

export interface MirrorTarget {
  cluster: RuntimeCluster;
  percent: number;
}

export interface ForwardPlan {
  cluster: RuntimeCluster;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  retries: RetryPolicyConfig;
  timeoutMs: number | undefined;
  hashInputs: HashInputs | undefined;
  mirrors?: MirrorTarget[];
}

const socketBorn = new WeakMap<Socket, number>();
/** Sockets carrying an idle timer from `retireSocket`, to clear when reused. */
const idleTimed = new WeakSet<Socket>();

/** Connection-level settings of the cluster's pool, applied when a socket is first used or reused. */
function tuneSocket(s: Socket, pool: NonNullable<RuntimeCluster['config']['connectionPool']> | undefined, clock: Clock): void {
  // A reused socket was idle: its idle timer no longer applies.
  if (idleTimed.delete(s)) s.setTimeout(0);
  if (!pool || socketBorn.has(s)) return;
  socketBorn.set(s, clock.now());
  if (pool.tcpKeepaliveMs !== undefined) s.setKeepAlive(true, pool.tcpKeepaliveMs);
}

/** After an exchange: an idle connection closes after idleTimeout, an old one right away. */
function retireSocket(s: Socket | undefined, pool: NonNullable<RuntimeCluster['config']['connectionPool']> | undefined, clock: Clock): void {
  if (!s || s.destroyed || !pool) return;
  const born = socketBorn.get(s);
  if (pool.maxConnectionDurationMs !== undefined && born !== undefined && clock.now() - born >= pool.maxConnectionDurationMs) {
    s.destroy();
    return;
  }
  if (pool.idleTimeoutMs !== undefined) {
    idleTimed.add(s);
    s.setTimeout(pool.idleTimeoutMs, () => s.destroy());
  }
}

/** Request body bytes kept so a retry or a mirror can resend them (Envoy's per-request buffer limit is similar). */
const MAX_RETRY_BODY = 1024 * 1024;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const MIRROR_TIMEOUT_MS = 30_000;
const GRPC_RETRY_STATUS: Record<string, string> = { '1': 'cancelled', '4': 'deadline-exceeded', '8': 'resource-exhausted', '13': 'internal', '14': 'unavailable' };

/** Should this outcome be retried under the policy? `retriableHeaders` are the names the caller listed in x-envoy-retriable-header-names. */
export function retriable(outcome: AttemptOutcome, policy: RetryPolicyConfig, retriableHeaders: readonly string[] = []): boolean {
  const on = policy.retryOn;
  switch (outcome.kind) {
    case 'connect-failure':
      return on.includes('connect-failure') || on.includes('5xx') || on.includes('gateway-error') || on.includes('reset');
    case 'reset':
      return on.includes('reset') || on.includes('5xx');
    case 'timeout':
      return on.includes('5xx') || on.includes('gateway-error') || on.includes('reset');
    case 'cancelled':
      return false;
    case 'response': {
      const status = outcome.response.statusCode;
      if (on.includes('5xx') && status >= 500) return true;
      if (on.includes('gateway-error') && (status === 502 || status === 503 || status === 504)) return true;
      if (on.includes('retriable-4xx') && status === 409) return true;
      if (on.includes('retriable-status-codes') && policy.retriableStatusCodes.includes(status)) return true;
      if (on.includes('retriable-headers') && retriableHeaders.some((h) => outcome.response.headers[h] !== undefined)) return true;
      const grpc = outcome.response.headers['grpc-status'];
      const grpcCondition = typeof grpc === 'string' ? GRPC_RETRY_STATUS[grpc] : undefined;
      return grpcCondition !== undefined && on.includes(grpcCondition);
    }
  }
}

function retriableHeaderNames(headers: OutgoingHttpHeaders): string[] {
  const v = headers['x-envoy-retriable-header-names'];
  if (v === undefined) return [];
  return String(v).split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
}

function backoff(attemptNumber: number, baseMs: number, clock: Clock): Promise<void> {
  // Envoy: fully jittered exponential backoff, base 25 ms, capped at 10× base.
  const ceiling = Math.min(baseMs * 2 ** (attemptNumber - 1), baseMs * 10);
  return new Promise((r) => clock.setTimeout(r, clock.random() * ceiling));
}

function failureReply(outcome: AttemptOutcome, retried: boolean): LocalReply {
  switch (outcome.kind) {
    case 'connect-failure':
      return retried ? { ...REPLIES.connectFailure, flag: 'URX' } : REPLIES.connectFailure;
    case 'timeout':
      return REPLIES.upstreamTimeout;
    default:
      return retried ? { ...REPLIES.upstreamReset, flag: 'URX' } : REPLIES.upstreamReset;
  }
}

function outlierOutcome(o: AttemptOutcome): Outcome | undefined {
  if (o.kind === 'response') return { kind: 'response', status: o.response.statusCode };
  if (o.kind === 'cancelled') return undefined;
  return { kind: 'local-failure' };
}

export function forward(ex: Exchange, plan: ForwardPlan): void {
  run(ex, plan).catch(() => ex.sendLocalReply(REPLIES.upstreamReset));
}

/** Fire-and-forget copies; whatever happens to them never touches the caller's response. */
function mirror(plan: ForwardPlan, body: Buffer | undefined, clock: Clock): void {
  for (const m of plan.mirrors ?? []) {
    if (m.percent < 100 && clock.random() * 100 >= m.percent) continue;
    const endpoint = m.cluster.pick(plan.hashInputs);
    if (!endpoint) continue;
    const host = String(plan.headers.host ?? '');
    const colon = host.lastIndexOf(':');
    const shadowHost = colon > 0 && !host.endsWith(']') ? `${host.slice(0, colon)}-shadow${host.slice(colon)}` : `${host}-shadow`;
    try {
      const exchange = endpoint.host.pool.request(
        { method: plan.method, path: plan.path, headers: { ...plan.headers, host: shadowHost }, body, connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS },
        {
          socket: () => undefined,
          // The copy's whole exchange, body included, is bounded by the mirror timeout.
          response: (r) => r.body.start({ data: () => undefined, end: () => timer.cancel(), error: () => timer.cancel() }),
          failure: () => timer.cancel(),
        },
      );
      const timer = clock.setTimeout(() => exchange.abort(), MIRROR_TIMEOUT_MS);
    } catch {
      // A copy that cannot even be written is dropped, as Envoy drops a failed shadow.
    }
  }
}

async function run(ex: Exchange, plan: ForwardPlan): Promise<void> {
  const { req, res, log: entry, clock } = ex;
  const abort = new Cancellation();
  let downstreamGone = false;
  res.onClose(() => {
    if (!res.finished) {
      downstreamGone = true;
      abort.cancel();
    }
  });
  const deadline = plan.timeoutMs !== undefined ? clock.now() + plan.timeoutMs : undefined;
  const canRetry = plan.retries.attempts > 0;
  const mirrors = (plan.mirrors?.length ?? 0) > 0;

  // With retries or mirrors the body is kept as it streams, up to Envoy-like buffer limits; a body
  // past the limit still streams to the first attempt, which then cannot be retried.
  let replay: ReplayBody | undefined;
  let body: BodySource | undefined;
  if (req.hasBody) {
    if (canRetry || mirrors) {
      replay = new ReplayBody(req.body, MAX_RETRY_BODY);
      if (mirrors) replay.onComplete((whole) => whole && mirror(plan, whole, clock));
      body = replay.attempt();
    } else {
      body = req.body;
    }
  } else {
    req.discard();
    if (mirrors) mirror(plan, undefined, clock);
  }

  const state = plan.cluster.state;
  const breaker = state?.breaker;
  const outlier = state?.outlier;
  const clusterHostKeys = outlier ? plan.cluster.endpoints.map((e) => e.host.key) : [];
  const tried = new Set<UpstreamHost>();
  const maxAttempts = 1 + (canRetry ? plan.retries.attempts : 0);
  let last: AttemptOutcome | undefined;
  for (let n = 1; n <= maxAttempts; n++) {
    // retryRemoteLocalities: a retry may leave the nearest locality.
    // Istio keeps a consistent-hash route's retries on the hashed host rather than moving the key.
    const avoidTried = plan.retries.retryOtherHosts && plan.cluster.config.consistentHash === undefined;
    const endpoint = plan.cluster.pick(plan.hashInputs, avoidTried ? tried : undefined, n > 1 && plan.retries.retryRemoteLocalities === true);
    if (!endpoint) {
      ex.sendLocalReply(REPLIES.noHealthyUpstream);
      return;
    }
    const host = endpoint.host;
    tried.add(host);
    entry.attempts = n;
    entry.upstream = host.key;
    const remaining = deadline !== undefined ? deadline - clock.now() : undefined;
    if (remaining !== undefined && remaining <= 0) {
      last = { kind: 'timeout' };
      break;
    }
    let admission: Admission | undefined;
    if (breaker) {
      const offered = breaker.admit(host.key, abort);
      const admitted = offered instanceof Promise ? await offered : offered;
      if (downstreamGone) {
        if (admitted !== 'overflow') admitted.release(undefined, false);
        entry.setFlag('DC');
        return;
      }
      if (admitted === 'overflow') {
        ex.sendLocalReply(REPLIES.overflow);
        return;
      }
      admission = admitted;
    }
    const perTry = plan.retries.perTryTimeoutMs;
    const timeoutMs = perTry !== undefined && (remaining === undefined || perTry < remaining) ? perTry : remaining;
    plan.headers['x-envoy-attempt-count'] = String(n);
    const started = clock.now();
    let socket: Socket | undefined;
    host.active++;
    const outcome = await attempt({
      host,
      method: plan.method,
      path: plan.path,
      headers: plan.headers,
      body,
      timeoutMs,
      signal: abort,
      clock,
      connectTimeoutMs: plan.cluster.config.connectionPool?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      onSocket: (s) => {
        socket = s;
        tuneSocket(s, plan.cluster.config.connectionPool, clock);
        admission?.onSocket(s);
      },
    });
    last = outcome;
    const observed = outlierOutcome(outcome);
    if (outlier && observed) outlier.observe(host.key, observed, clusterHostKeys);
    const finishAttempt = (keepAlive: boolean): void => {
      host.active--;
      admission?.release(socket, keepAlive);
      if (keepAlive) retireSocket(socket, plan.cluster.config.connectionPool, clock);
      if (n > 1) breaker?.retryDone();
    };
    if (outcome.kind === 'cancelled' || downstreamGone) {
      if (outcome.kind === 'response') outcome.response.destroy();
      finishAttempt(false);
      entry.setFlag('DC');
      return;
    }
    const isLast = n === maxAttempts || (deadline !== undefined && clock.now() >= deadline);
    // A body that outgrew the retry buffer cannot be sent twice; a retry beyond maxRetries does not start.
    const replayable = body === undefined || (replay !== undefined && !replay.overflowed);
    const retry = !isLast && replayable && retriable(outcome, plan.retries, retriableHeaderNames(plan.headers)) && (breaker === undefined || breaker.tryRetry());
    if (retry) {
      if (outcome.kind === 'response') outcome.response.destroy();
      finishAttempt(false);
      if (replay) {
        // Taken before the backoff, so the caller's body is held (not buffered past the limit) meanwhile.
        body = replay.attempt();
        if (body === undefined) {
          // The caller's body failed: there is nothing to resend, and no further attempt to count.
          breaker?.retryDone();
          entry.setFlag('DC');
          res.destroy();
          return;
        }
      }
      await backoff(n, plan.retries.backoffMs ?? 25, clock);
      continue;
    }
    if (outcome.kind === 'response') {
      entry.setFlag('-');
      relay(ex, outcome.response, clock.now() - started, finishAttempt);
      return;
    }
    finishAttempt(false);
    break;
  }
  ex.sendLocalReply(last ? failureReply(last, entry.attempts > 1) : REPLIES.upstreamReset);
}

function relay(ex: Exchange, upstream: UpstreamResponse, serviceTimeMs: number, done: (keepAlive: boolean) => void): void {
  const res = ex.res;
  const headers = forwardableResponseHeaders(upstream.headers);
  headers['x-envoy-upstream-service-time'] = String(serviceTimeMs);
  if (ex.listener.direction !== 'outbound') headers.server = 'istio-envoy';
  let finished = false;
  const finish = (keepAlive: boolean): void => {
    if (finished) return;
    finished = true;
    done(keepAlive);
  };
  try {
    ex.sendHead(upstream.statusCode, upstream.statusMessage, headers, false);
  } catch {
    upstream.destroy();
    res.destroy();
    finish(false);
    return;
  }
  // The caller leaving mid-body ends the upstream exchange too.
  res.onClose(() => {
    if (finished) return;
    upstream.destroy();
    finish(false);
  });
  const body = upstream.body;
  let waiting = false;
  body.start({
    data: (chunk) => {
      // Chunks already read keep coming after a pause; one wait for 'drain' covers them all.
      if (!res.write(chunk) && !waiting) {
        waiting = true;
        body.pause();
        res.onDrain(() => {
          waiting = false;
          body.resume();
        });
      }
    },
    end: () => {
      finish(upstream.keepAlive);
      res.end();
    },
    error: () => {
      res.destroy();
      finish(false);
    },
  });
}
