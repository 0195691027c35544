/** One request's token check: Envoy's jwt_authn outcome applied to the request before authorization. */
import type { Exchange } from '../../http/exchange.js';
import { CONTINUE, STOP, type RequestVerdict } from '../filter.js';
import { headerString } from '../../http/headers.js';
import type { JwtAuthenticator, JwtOutcome, JwtRequest } from '../../../security/jwt/index.js';

function requestOf(ex: Exchange): JwtRequest {
  const t = ex.target;
  return {
    method: ex.req.method,
    scheme: headerString(ex.req.headers, 'x-forwarded-proto') ?? 'http',
    host: t.authority,
    path: t.query ? `${t.path}?${t.query}` : t.path,
    header: (name) => ex.req.headers[name],
  };
}

/** Applies an outcome: headers edited, the principal kept for authorization, or Envoy's 401/403. */
function apply(ex: Exchange, outcome: JwtOutcome): RequestVerdict {
  if (outcome.kind === 'denied') {
    return { status: outcome.status, body: outcome.body, flag: '-', headers: { 'www-authenticate': outcome.wwwAuthenticate } };
  }
  const headers = ex.req.headers;
  for (const name of outcome.headersToRemove) delete headers[name];
  if (outcome.kind === 'ok') {
    for (const [name, value] of outcome.headersToSet) {
      const prior = headers[name];
      headers[name] = prior === undefined ? value : `${Array.isArray(prior) ? prior.join(',') : prior},${value}`;
    }
    ex.requestAuth = { principal: outcome.principal, claims: outcome.claims };
  }
  return CONTINUE;
}

export function checkToken(ex: Exchange, authenticator: JwtAuthenticator): RequestVerdict {
  const outcome = authenticator.authenticate(requestOf(ex));
  if (!(outcome instanceof Promise)) return apply(ex, outcome);
  // Only while a remote key set is fetched for the first time: the request waits for it.
  outcome.then(
    (o) => {
      const verdict = apply(ex, o);
      if (verdict === CONTINUE) ex.continueRequest();
      else if (verdict !== STOP) ex.sendLocalReply(verdict);
    },
    () => ex.sendLocalReply({ status: 401, body: 'Jwks remote fetch is failed', flag: '-' }),
  );
  return STOP;
}
