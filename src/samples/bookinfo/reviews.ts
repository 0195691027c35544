/**
 * bookinfo `reviews`: two reviews of the book, with their ratings from v2 on.
 *
 *   GET /reviews/{id}  → {id, podname, clustername, reviews: [{reviewer, text, rating?}, ...]}
 *   GET /health        → {"status": "Reviews is healthy"}
 *
 * One program for the three versions, which differ only in env, as the real images do:
 *   v1: ENABLE_RATINGS=false;  v2: ENABLE_RATINGS=true STAR_COLOR=black;  v3: ... STAR_COLOR=red.
 * The version comes from SERVICE_VERSION, else the image (`TACK_IMAGE`), else the pod name;
 * ENABLE_RATINGS and STAR_COLOR, when set, win. The ratings call times out after 10 s for black
 * stars and 2.5 s otherwise (the v3 "fix" of the fault-injection tutorial).
 */
import type http from 'node:http';
import { CONTEXT_HEADERS, TRACING_HEADERS, envFlag, pathOf, pickHeaders, podName, scaledMs, sendJson, startApp, versionFromEnv } from './common.js';
import { ProxyClient } from './proxy-client.js';

interface VersionDefaults {
  readonly ratings: boolean;
  readonly color: string;
}

const DEFAULTS: Readonly<Record<string, VersionDefaults>> = {
  v1: { ratings: false, color: 'black' },
  v2: { ratings: true, color: 'black' },
  v3: { ratings: true, color: 'red' },
};

const version = process.env.SERVICE_VERSION ?? versionFromEnv('reviews') ?? 'v1';
const defaults = DEFAULTS[version] ?? { ratings: false, color: 'black' };
const ratingsEnabled = envFlag(process.env.ENABLE_RATINGS) ?? defaults.ratings;
const starColor = process.env.STAR_COLOR ?? defaults.color;
const servicesDomain = process.env.SERVICES_DOMAIN ? `.${process.env.SERVICES_DOMAIN}` : '';
const ratingsHost = process.env.RATINGS_HOSTNAME ?? 'ratings';
const ratingsPort = process.env.RATINGS_SERVICE_PORT ?? '9080';
const ratingsService = `http://${ratingsHost}${servicesDomain}:${ratingsPort}/ratings`;
const ratingsTimeoutMs = scaledMs(starColor === 'black' ? 10_000 : 2_500);
const pod = podName();
// The real app prints Java's null as the string "null" when CLUSTER_NAME is unset.
const clusterName = process.env.CLUSTER_NAME ?? 'null';

const REVIEWS = [
  {
    reviewer: 'Reviewer1',
    text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!',
  },
  {
    reviewer: 'Reviewer2',
    text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.',
  },
] as const;

const client = new ProxyClient();

/** Stars per reviewer from the ratings service, or undefined when it cannot be had. */
async function fetchRatings(productId: string, incoming: http.IncomingHttpHeaders): Promise<Record<string, unknown> | undefined> {
  const headers = { ...pickHeaders(incoming, [...TRACING_HEADERS, ...CONTEXT_HEADERS]), accept: 'application/json' };
  try {
    const res = await client.request(`${ratingsService}/${productId}`, { headers, timeoutMs: ratingsTimeoutMs });
    if (res.status !== 200) {
      console.log(`Error: unable to contact ${ratingsService} got status of ${res.status}`);
      return undefined;
    }
    const json = JSON.parse(res.body) as unknown;
    if (json && typeof json === 'object' && 'ratings' in json) {
      const ratings = (json as { ratings: unknown }).ratings;
      if (ratings && typeof ratings === 'object') return ratings as Record<string, unknown>;
    }
    return {};
  } catch (err) {
    console.error(`Error: unable to contact ${ratingsService} got exception ${(err as Error).message}`);
    return undefined;
  }
}

function starsOf(ratings: Record<string, unknown> | undefined, reviewer: string): number | undefined {
  const v = ratings?.[reviewer];
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = pathOf(req);
  if (path === '/health') {
    sendJson(res, 200, { status: 'Reviews is healthy' });
    return;
  }
  const m = /^\/reviews\/([+-]?\d{1,9})\/?$/.exec(path);
  if (!m?.[1] || (req.method ?? 'GET') !== 'GET') {
    sendJson(res, 404, { error: 'not found' });
    return;
  }
  const productId = String(Number.parseInt(m[1], 10));
  const ratings = ratingsEnabled ? await fetchRatings(productId, req.headers) : undefined;
  const reviews = REVIEWS.map((r) => {
    if (!ratingsEnabled) return { reviewer: r.reviewer, text: r.text };
    const stars = starsOf(ratings, r.reviewer);
    const rating = stars === undefined ? { error: 'Ratings service is currently unavailable' } : { stars, color: starColor };
    return { reviewer: r.reviewer, text: r.text, rating };
  });
  sendJson(res, 200, { id: productId, podname: pod, clustername: clusterName, reviews });
}

const app = startApp(`reviews (${version}, ratings ${ratingsEnabled ? `on, ${starColor} stars` : 'off'})`, handle);
app.onShutdown(() => client.close());
