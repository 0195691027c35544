/**
 * A FetchJwks over plain HTTP(S) with Node's fetch: what tests and a proxy without mesh routing
 * for the JWKS host use. The proxy can pass its own fetcher that goes through the right cluster.
 */
import type { FetchJwks } from './jwks-cache.js';

export const httpFetchJwks: FetchJwks = async (uri, timeoutMs) => {
  const res = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  const body = await res.text();
  // Envoy's JWKS fetcher accepts only 200.
  if (res.status !== 200) throw new Error(`GET ${uri}: HTTP ${res.status}`);
  return body;
};
