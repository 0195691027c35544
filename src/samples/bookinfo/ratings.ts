/**
 * bookinfo `ratings`: stars per reviewer.
 *
 *   GET  /ratings/{id}  → {id, ratings: {Reviewer1: 5, Reviewer2: 4}} (or what was POSTed for id)
 *   POST /ratings/{id}  ← a ratings JSON object, kept in memory; answers like GET
 *   GET  /health        → {"status": "Ratings is healthy"}
 *
 * `SERVICE_VERSION` as in the real images: `v-faulty` (half the calls 503), `v-delayed` (half the
 * calls 7 s late), `v-unavailable` (503 every other minute), `v-unhealthy` (503 and a failing
 * /health every other 15 minutes), `v2` (database-backed: no database client here, so 500
 * "could not connect to ratings database", as the real app answers when its database is down).
 */
import type http from 'node:http';
import { pathOf, readBody, scaledMs, sendJson, startApp, versionFromEnv } from './common.js';

const version = process.env.SERVICE_VERSION ?? versionFromEnv('ratings') ?? 'v1';
/** At most this many products with POSTed ratings are remembered. */
const MAX_STORED = 10_000;
const userAdded = new Map<number, { id: number; ratings: unknown }>();

let unavailable = false;
let healthy = true;
const timers: NodeJS.Timeout[] = [];
if (version === 'v-unavailable') {
  timers.push(setInterval(() => (unavailable = !unavailable), scaledMs(60_000)));
}
if (version === 'v-unhealthy') {
  timers.push(
    setInterval(() => {
      healthy = !healthy;
      unavailable = !unavailable;
    }, scaledMs(900_000)),
  );
}
for (const t of timers) t.unref();

function localRatings(productId: number): { id: number; ratings: unknown } {
  return userAdded.get(productId) ?? { id: productId, ratings: { Reviewer1: 5, Reviewer2: 4 } };
}

/** The last path segment as the real app reads it (`parseInt`: leading digits). */
function productIdOf(path: string): number {
  return Number.parseInt(path.split('/').pop() ?? '', 10);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = pathOf(req);
  const method = req.method ?? 'GET';
  if (path === '/health' && method === 'GET') {
    if (healthy) sendJson(res, 200, { status: 'Ratings is healthy' });
    else sendJson(res, 500, { status: 'Ratings is not healthy' });
    return;
  }
  if (!path.startsWith('/ratings/')) {
    sendJson(res, 404, { error: 'not found' });
    return;
  }
  const productId = productIdOf(path);
  if (method === 'POST') {
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      sendJson(res, 413, { error: 'request body too large' });
      return;
    }
    if (Number.isNaN(productId)) {
      sendJson(res, 400, { error: 'please provide numeric product ID' });
      return;
    }
    let ratings: unknown;
    try {
      ratings = JSON.parse(body);
    } catch {
      sendJson(res, 400, { error: 'please provide valid ratings JSON' });
      return;
    }
    if (version === 'v2') {
      sendJson(res, 501, { error: 'Post not implemented for database backed ratings' });
      return;
    }
    if (!userAdded.has(productId) && userAdded.size >= MAX_STORED) {
      const oldest = userAdded.keys().next();
      if (!oldest.done) userAdded.delete(oldest.value);
    }
    userAdded.set(productId, { id: productId, ratings });
    sendJson(res, 200, localRatings(productId));
    return;
  }
  if (method !== 'GET') {
    sendJson(res, 405, { error: 'method not allowed' });
    return;
  }
  if (Number.isNaN(productId)) {
    sendJson(res, 400, { error: 'please provide numeric product ID' });
    return;
  }
  const ok = (): void => sendJson(res, 200, localRatings(productId));
  const down = (): void => sendJson(res, 503, { error: 'Service unavailable' });
  switch (version) {
    case 'v2':
      sendJson(res, 500, { error: 'could not connect to ratings database' });
      return;
    case 'v-faulty':
      if (Math.random() <= 0.5) down();
      else ok();
      return;
    case 'v-delayed':
      if (Math.random() <= 0.5) {
        const timer = setTimeout(() => {
          if (!res.destroyed) ok();
        }, scaledMs(7000));
        res.on('close', () => clearTimeout(timer));
      } else ok();
      return;
    case 'v-unavailable':
    case 'v-unhealthy':
      if (unavailable) down();
      else ok();
      return;
    default:
      ok();
  }
}

const app = startApp('ratings', handle);
app.onShutdown(() => timers.forEach((t) => clearInterval(t)));
