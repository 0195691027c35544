/** One request's authorization: the attributes Istio's policies read, checked before the router. */
import type { Exchange } from '../../http/exchange.js';
import type { RequestVerdict } from '../filter.js';
import { CONTINUE } from '../filter.js';
import type { Authorizer } from '../../../security/authz/engine.js';
import { RBAC_DENIED_BODY, RBAC_DENIED_STATUS } from '../../../security/authz/engine.js';

/** Envoy's answer to a denied request. */
const DENIED = { status: RBAC_DENIED_STATUS, body: RBAC_DENIED_BODY, flag: '-' as const };

export function checkRequest(ex: Exchange, authorizer: Authorizer): RequestVerdict {
  const listener = ex.listener;
  const target = ex.target;
  const decision = authorizer.checkHttp({
    sourcePrincipal: ex.peer?.principal ?? '',
    sourceIp: ex.req.remoteAddress,
    destinationIp: listener.address,
    destinationPort: listener.targetPort ?? listener.port,
    host: target.authority,
    method: ex.req.method,
    path: target.query ? `${target.path}?${target.query}` : target.path,
    headers: ex.req.headers,
    ...(ex.requestAuth ? { jwtClaims: ex.requestAuth.claims, ...(ex.requestAuth.principal ? { requestPrincipal: ex.requestAuth.principal } : {}) } : {}),
  });
  return decision.allowed ? CONTINUE : DENIED;
}
