/**
 * The HTTP request path shared by outbound, inbound and gateway listeners: read the request
 * target, select the route, then hand the exchange to the listener's filter chain, whose last
 * stage is the router. The handler knows no filter by name.
 */
import { randomUUID } from 'node:crypto';
import type { DownstreamRequest, DownstreamResponse } from './downstream.js';
import type { ListenerContext } from './request-context.js';
import { Exchange } from './exchange.js';
import { RequestLog } from './request-log.js';
import { REPLIES } from './local-reply.js';
import { headerString } from './headers.js';
import { requestView, selectRoute, targetOf, type RequestTarget } from './route-selection.js';

const NO_TARGET: RequestTarget = { authority: '', port: 0, path: '', query: '' };

export function handleHttp(ctx: ListenerContext, req: DownstreamRequest, res: DownstreamResponse): void {
  const runtime = ctx.current();
  const listener = ctx.listener;
  const log = new RequestLog(runtime.clock.now(), req.method, headerString(req.headers, 'x-request-id') ?? '', listener.direction);
  const chain = runtime.chainFor(listener);
  const target = targetOf(req, listener);
  if (!target) {
    const ex = new Exchange(ctx, runtime, req, res, log, NO_TARGET, { kind: 'no-route', routeTable: '' }, chain);
    res.onClose(() => ex.complete());
    ex.sendLocalReply(REPLIES.badRequest);
    return;
  }
  log.authority = target.authority;
  log.path = target.path;
  if (!log.requestId) {
    log.requestId = randomUUID();
    req.headers['x-request-id'] = log.requestId;
  }
  const selection = selectRoute(listener, runtime.routeTables, target, requestView(req.method, req.headers, target));
  if (selection.kind === 'route') log.route = selection.route.name;
  const ex = new Exchange(ctx, runtime, req, res, log, target, selection, chain);
  res.onClose(() => ex.complete());
  ex.continueRequest();
}
