/**
 * Forwarding with Envoy's router semantics: pick a host, try, classify the outcome, retry by the
 * route's policy (preferring another host), bound everything by the route timeout, then stream the
 * response back with the headers Envoy adds.
 */
import type { IncomingMessage, ServerResponse, OutgoingHttpHeaders } from 'node:http';
import type { HeaderOpsConfig, RetryPolicyConfig } from '../../compile/config.js';
import type { HashInputs, RuntimeCluster } from '../runtime/cluster.js';
import type { UpstreamHost } from '../runtime/upstream.js';
import { attempt, type AttemptOutcome } from './upstream-attempt.js';
import { applyResponseOps, forwardableResponseHeaders } from './headers.js';
import { REPLIES, sendLocalReply, type LocalReply } from './local-reply.js';
import type { ListenerContext, RequestLogEntry } from './request-context.js';

export interface ForwardPlan {
  cluster: RuntimeCluster;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  retries: RetryPolicyConfig;
  timeoutMs: number | undefined;
  responseOps: readonly (HeaderOpsConfig | undefined)[];
  hashInputs: HashInputs | undefined;
}

/** Bodies up to this size are kept so a retry can resend them (Envoy's buffer limit is similar). */
const MAX_RETRY_BODY = 1024 * 1024;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const GRPC_RETRY_STATUS: Record<string, string> = { '1': 'cancelled', '4': 'deadline-exceeded', '8': 'resource-exhausted', '13': 'internal', '14': 'unavailable' };

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return len !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

/** Should this outcome be retried under the policy? */
export function retriable(outcome: AttemptOutcome, policy: RetryPolicyConfig): boolean {
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
      const status = outcome.response.statusCode ?? 0;
      if (on.includes('5xx') && status >= 500) return true;
      if (on.includes('gateway-error') && (status === 502 || status === 503 || status === 504)) return true;
      if (on.includes('retriable-4xx') && status === 409) return true;
      if (on.includes('retriable-status-codes') && policy.retriableStatusCodes.includes(status)) return true;
      const grpc = outcome.response.headers['grpc-status'];
      const grpcCondition = typeof grpc === 'string' ? GRPC_RETRY_STATUS[grpc] : undefined;
      return grpcCondition !== undefined && on.includes(grpcCondition);
    }
  }
}

function backoff(attemptNumber: number, baseMs: number): Promise<void> {
  // Envoy: fully jittered exponential backoff, base 25 ms, capped at 10× base.
  const ceiling = Math.min(baseMs * 2 ** (attemptNumber - 1), baseMs * 10);
  return new Promise((r) => setTimeout(r, Math.random() * ceiling));
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

export function forward(ctx: ListenerContext, req: IncomingMessage, res: ServerResponse, plan: ForwardPlan, entry: RequestLogEntry): void {
  run(ctx, req, res, plan, entry).catch(() => {
    if (!res.headersSent) sendLocalReply(res, REPLIES.upstreamReset);
    else res.destroy();
  });
}

async function run(ctx: ListenerContext, req: IncomingMessage, res: ServerResponse, plan: ForwardPlan, entry: RequestLogEntry): Promise<void> {
  const abort = new AbortController();
  let downstreamGone = false;
  const onClose = (): void => {
    if (!res.writableFinished) {
      downstreamGone = true;
      abort.abort();
    }
  };
  res.once('close', onClose);
  const deadline = plan.timeoutMs !== undefined ? Date.now() + plan.timeoutMs : undefined;

  let body: Buffer | NodeJS.ReadableStream | undefined;
  const canRetry = plan.retries.attempts > 0;
  if (hasBody(req)) {
    if (canRetry) {
      const buffered = await readBody(req, MAX_RETRY_BODY);
      if (buffered === undefined) {
        sendLocalReply(res, { status: 413, body: 'request body too large to retry', flag: '-' });
        return;
      }
      body = buffered;
    } else {
      body = req;
    }
  } else {
    req.resume();
  }

  const tried = new Set<UpstreamHost>();
  const maxAttempts = 1 + (canRetry ? plan.retries.attempts : 0);
  let last: AttemptOutcome | undefined;
  for (let n = 1; n <= maxAttempts; n++) {
    const endpoint = plan.cluster.pick(plan.hashInputs, plan.retries.retryOtherHosts ? tried : undefined);
    if (!endpoint) {
      entry.flags = REPLIES.noHealthyUpstream.flag;
      sendLocalReply(res, REPLIES.noHealthyUpstream);
      return;
    }
    const host = endpoint.host;
    tried.add(host);
    entry.attempts = n;
    entry.upstream = host.key;
    const remaining = deadline !== undefined ? deadline - Date.now() : undefined;
    if (remaining !== undefined && remaining <= 0) {
      last = { kind: 'timeout' };
      break;
    }
    const perTry = plan.retries.perTryTimeoutMs;
    const timeoutMs = perTry !== undefined && (remaining === undefined || perTry < remaining) ? perTry : remaining;
    plan.headers['x-envoy-attempt-count'] = String(n);
    const started = Date.now();
    host.active++;
    const outcome = await attempt({
      host,
      method: plan.method,
      path: plan.path,
      headers: plan.headers,
      body,
      timeoutMs,
      signal: abort.signal,
      connectTimeoutMs: plan.cluster.config.connectionPool?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    });
    last = outcome;
    if (outcome.kind === 'cancelled' || downstreamGone) {
      host.active--;
      entry.flags = 'DC';
      return;
    }
    const isLast = n === maxAttempts || (deadline !== undefined && Date.now() >= deadline);
    // A streamed body cannot be sent twice.
    if (!isLast && (body === undefined || Buffer.isBuffer(body)) && retriable(outcome, plan.retries)) {
      if (outcome.kind === 'response') outcome.response.resume();
      host.active--;
      await backoff(n, plan.retries.backoffMs ?? 25);
      continue;
    }
    if (outcome.kind === 'response') {
      relay(ctx, res, outcome.response, plan, Date.now() - started, () => host.active--);
      entry.flags = '-';
      return;
    }
    host.active--;
    break;
  }
  const reply = last ? failureReply(last, entry.attempts > 1) : REPLIES.upstreamReset;
  entry.flags = reply.flag;
  sendLocalReply(res, reply);
}

function relay(ctx: ListenerContext, res: ServerResponse, upstream: IncomingMessage, plan: ForwardPlan, serviceTimeMs: number, done: () => void): void {
  const headers = forwardableResponseHeaders(upstream.headers);
  headers['x-envoy-upstream-service-time'] = String(serviceTimeMs);
  if (ctx.listener.direction !== 'outbound') headers.server = 'istio-envoy';
  for (const ops of plan.responseOps) applyResponseOps(headers, ops);
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    done();
  };
  try {
    res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, headers);
  } catch {
    upstream.destroy();
    res.destroy();
    finish();
    return;
  }
  upstream.on('error', () => {
    res.destroy();
    finish();
  });
  upstream.on('end', finish);
  upstream.on('close', finish);
  upstream.pipe(res);
}
