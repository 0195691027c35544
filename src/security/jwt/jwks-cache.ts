/**
 * Remote JWKS, fetched through an injected fetcher and kept for the provider's cache duration.
 * Requests that arrive while the first fetch is under way all wait on that one fetch. Once keys
 * are held, an expired set keeps serving while one background fetch replaces it, so requests never
 * wait on a refresh. A failed fetch leaves earlier keys in place; with none, requests fail as
 * Envoy's do (`Jwks remote fetch is failed`) and the next fetch waits a short retry interval.
 */
import type { JwksSourceConfig } from './config.js';
import { parseJwks, type KeySet } from './jwks.js';

/** Fetches a URL's body as text; rejects on a transport error, a non-2xx answer or `timeoutMs`. */
export type FetchJwks = (uri: string, timeoutMs: number) => Promise<string>;

export interface JwtClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export type RemoteJwksSource = Exclude<JwksSourceConfig, { kind: 'inline' }>;

/** Keys now; 'failed' when the last fetch failed and no keys are held; a promise while the first fetch runs. */
export type JwksLookup = KeySet | 'failed' | Promise<void>;

export interface JwksCacheEntryStatus {
  uri: string;
  /** When the held keys were fetched (ms), or undefined when none are held. */
  fetchedAt: number | undefined;
  keyIds: string[];
  fetches: number;
  lastError: string | undefined;
}

export interface JwksCache {
  lookup(source: RemoteJwksSource): JwksLookup;
  status(): JwksCacheEntryStatus[];
}

/** Envoy's failed_refetch_duration default: how long a failure is answered before fetching again. */
export const JWKS_RETRY_MS = 1000;

interface Entry {
  keySet: KeySet | undefined;
  fetchedAt: number;
  inflight: Promise<void> | undefined;
  failedAt: number | undefined;
  lastError: string | undefined;
  fetches: number;
}

export function createJwksCache(deps: { fetchJwks: FetchJwks; clock: JwtClock }): JwksCache {
  const entries = new Map<string, Entry>();

  async function fetchKeys(source: RemoteJwksSource): Promise<KeySet> {
    let uri = source.uri;
    if (source.kind === 'discovery') {
      const doc: unknown = JSON.parse(await deps.fetchJwks(uri, source.timeoutMs));
      const jwksUri = typeof doc === 'object' && doc !== null ? (doc as { jwks_uri?: unknown }).jwks_uri : undefined;
      if (typeof jwksUri !== 'string') throw new Error(`no jwks_uri in the discovery document at ${uri}`);
      uri = jwksUri;
    }
    const parsed = parseJwks(await deps.fetchJwks(uri, source.timeoutMs));
    if (!parsed.ok) throw new Error(`${uri}: ${parsed.problem}`);
    return parsed.keySet;
  }

  function start(e: Entry, source: RemoteJwksSource): Promise<void> {
    e.fetches++;
    const run = fetchKeys(source).then(
      (keySet) => {
        e.keySet = keySet;
        e.fetchedAt = deps.clock.now();
        e.failedAt = undefined;
        e.lastError = undefined;
      },
      (err: unknown) => {
        e.failedAt = deps.clock.now();
        e.lastError = err instanceof Error ? err.message : String(err);
      },
    );
    e.inflight = run.finally(() => {
      e.inflight = undefined;
    });
    return e.inflight;
  }

  const retryDue = (e: Entry, now: number) => e.failedAt === undefined || now - e.failedAt >= JWKS_RETRY_MS;

  return {
    lookup(source) {
      let e = entries.get(source.uri);
      if (!e) {
        e = { keySet: undefined, fetchedAt: 0, inflight: undefined, failedAt: undefined, lastError: undefined, fetches: 0 };
        entries.set(source.uri, e);
      }
      const now = deps.clock.now();
      if (e.keySet) {
        if (now - e.fetchedAt >= source.cacheDurationMs && !e.inflight && retryDue(e, now)) void start(e, source);
        return e.keySet;
      }
      if (e.inflight) return e.inflight;
      if (!retryDue(e, now)) return 'failed';
      return start(e, source);
    },
    status() {
      return [...entries.entries()].map(([uri, e]) => ({
        uri,
        fetchedAt: e.keySet ? e.fetchedAt : undefined,
        keyIds: e.keySet ? e.keySet.keys.map((k) => k.kid) : [],
        fetches: e.fetches,
        lastError: e.lastError,
      }));
    },
  };
}
