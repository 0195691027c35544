/**
 * bookinfo `productpage`: the web page, assembled from details and reviews.
 *
 *   GET  /, /index.html          the services table and links to the product page
 *   GET  /productpage            the book, its details and its reviews (with stars from v2 on)
 *   POST /login  (username=...)  signs in: a session cookie; calls then carry `end-user: <name>`
 *   GET  /logout                 signs out
 *   GET  /health                 "Product page is healthy"
 *   GET  /api/v1/products, /api/v1/products/{id}, /api/v1/products/{id}/reviews, .../ratings
 *
 * Timeouts as in the real app, on purpose: details 3 s; reviews 3 s with one retry (so a 7 s delay
 * behind reviews shows "Sorry, product reviews are currently unavailable" after about 6 s).
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import {
  CONTEXT_HEADERS,
  TRACING_HEADERS,
  pathOf,
  pickHeaders,
  readBody,
  scaledMs,
  send,
  sendJson,
  startApp,
} from './common.js';
import { PRODUCTS, renderIndex, renderProductPage, type Outcome } from './html.js';
import { ProxyClient } from './proxy-client.js';

const env = process.env;
const domain = env.SERVICES_DOMAIN ? `.${env.SERVICES_DOMAIN}` : '';
const DETAILS = `http://${env.DETAILS_HOSTNAME ?? 'details'}${domain}:9080`;
const RATINGS = `http://${env.RATINGS_HOSTNAME ?? 'ratings'}${domain}:9080`;
const REVIEWS = `http://${env.REVIEWS_HOSTNAME ?? 'reviews'}${domain}:9080`;
const floodFactor = Math.min(100, Math.max(0, Number.parseInt(env.FLOOD_FACTOR ?? '0', 10) || 0));
const CALL_TIMEOUT_MS = scaledMs(3000);

/** What the index page shows: productpage calls details and reviews; reviews calls ratings. */
const SERVICES = {
  name: DETAILS,
  endpoint: 'details',
  children: [
    { name: DETAILS, endpoint: 'details', children: [] },
    { name: REVIEWS, endpoint: 'reviews', children: [{ name: RATINGS, endpoint: 'ratings', children: [] }] },
  ],
};

const client = new ProxyClient();

// ---- the session: a signed cookie holding the user name --------------------------------------

const SESSION_COOKIE = 'session';
const SESSION_KEY = env.TACK_BOOKINFO_SESSION_KEY ?? 'tack-bookinfo-productpage';

function sign(payload: string): string {
  return crypto.createHmac('sha256', SESSION_KEY).update(payload).digest('base64url');
}

function sessionCookie(user: string): string {
  const payload = Buffer.from(JSON.stringify({ user })).toString('base64url');
  return `${SESSION_COOKIE}=${payload}.${sign(payload)}; HttpOnly; Path=/`;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // Keep it as sent.
    }
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

/** The signed-in user: our session cookie, or the plain `user` cookie of older bookinfo versions. */
function sessionUser(req: http.IncomingMessage): string {
  const cookies = parseCookies(req.headers.cookie);
  const session = cookies.get(SESSION_COOKIE);
  if (session) {
    const [payload, mac] = session.split('.');
    if (payload && mac && mac.length === sign(payload).length && crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(sign(payload)))) {
      try {
        const user = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { user?: unknown }).user;
        if (typeof user === 'string') return user;
      } catch {
        // A bad cookie is no session.
      }
    }
  }
  return cookies.get('user') ?? '';
}

// ---- calls to the other services ----------------------------------------------------------------

function forwardHeaders(req: http.IncomingMessage): Record<string, string> {
  const headers = pickHeaders(req.headers, [...TRACING_HEADERS, ...CONTEXT_HEADERS]);
  const user = sessionUser(req);
  if (user !== '') headers['end-user'] = user;
  return headers;
}

async function call(url: string, headers: Record<string, string>): Promise<{ status: number; json?: unknown }> {
  try {
    const res = await client.request(url, { headers, timeoutMs: CALL_TIMEOUT_MS });
    if (res.status !== 200) return { status: res.status };
    try {
      return { status: 200, json: JSON.parse(res.body) as unknown };
    } catch {
      return { status: 500 };
    }
  } catch (err) {
    console.log(`call to ${url} failed: ${(err as Error).message}`);
    return { status: 0 };
  }
}

async function productDetails(id: string, headers: Record<string, string>): Promise<Outcome> {
  const res = await call(`${DETAILS}/details/${encodeURIComponent(id)}`, headers);
  if (res.status === 200) return { status: 200, body: res.json };
  return { status: res.status || 500, body: { error: 'Sorry, product details are currently unavailable for this book.' } };
}

/** Two tries of 3 s each: the timeout-plus-retry of the real app that the fault tutorial exposes. */
async function productReviews(id: string, headers: Record<string, string>): Promise<Outcome> {
  let last = 0;
  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await call(`${REVIEWS}/reviews/${encodeURIComponent(id)}`, headers);
    if (res.status === 200) return { status: 200, body: res.json };
    last = res.status;
  }
  return { status: last || 500, body: { error: 'Sorry, product reviews are currently unavailable for this book.' } };
}

async function productRatings(id: string, headers: Record<string, string>): Promise<Outcome> {
  const res = await call(`${RATINGS}/ratings/${encodeURIComponent(id)}`, headers);
  if (res.status === 200) return { status: 200, body: res.json };
  return { status: res.status || 500, body: { error: 'Sorry, product ratings are currently unavailable for this book.' } };
}

// ---- routes -------------------------------------------------------------------------------------

function redirectBack(req: http.IncomingMessage, res: http.ServerResponse, cookie: string): void {
  const referer = req.headers.referer;
  const location = referer && !/[\r\n]/.test(referer) ? referer : 'productpage';
  res.writeHead(302, { location, 'set-cookie': cookie, 'content-type': 'text/html; charset=utf-8', 'content-length': 0 });
  res.end();
}

async function login(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let body = '';
  try {
    body = await readBody(req, 64 * 1024);
  } catch {
    send(res, 413, 'text/plain; charset=utf-8', 'Request Entity Too Large\n');
    return;
  }
  const form = new URLSearchParams(body);
  const query = new URL(req.url ?? '/', 'http://x').searchParams;
  const user = form.get('username') ?? form.get('user') ?? query.get('username') ?? query.get('user') ?? '';
  const cookie = user === '' ? `${SESSION_COOKIE}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/` : sessionCookie(user);
  redirectBack(req, res, cookie);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = pathOf(req);
  const method = req.method ?? 'GET';
  if (path === '/login') {
    if (method === 'POST') await login(req, res);
    else send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
    return;
  }
  if (method !== 'GET' && method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
    return;
  }
  if (path === '/' || path === '/index.html') {
    send(res, 200, 'text/html; charset=utf-8', renderIndex(SERVICES));
    return;
  }
  if (path === '/health') {
    send(res, 200, 'text/html; charset=utf-8', 'Product page is healthy');
    return;
  }
  if (path === '/logout') {
    redirectBack(req, res, `${SESSION_COOKIE}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/`);
    return;
  }
  if (path === '/productpage') {
    const headers = forwardHeaders(req);
    const product = PRODUCTS[0];
    if (!product) throw new Error('no product');
    const details = await productDetails('0', headers);
    if (floodFactor > 0) await Promise.all(Array.from({ length: floodFactor }, () => productReviews('0', headers)));
    const reviews = await productReviews('0', headers);
    send(res, 200, 'text/html; charset=utf-8', renderProductPage(product, details, reviews, sessionUser(req)));
    return;
  }
  if (path === '/api/v1/products') {
    sendJson(res, 200, PRODUCTS);
    return;
  }
  const api = /^\/api\/v1\/products\/([^/]+)(?:\/(reviews|ratings))?$/.exec(path);
  if (api?.[1]) {
    const id = decodeSegment(api[1]);
    const headers = forwardHeaders(req);
    const fetcher = api[2] === 'reviews' ? productReviews : api[2] === 'ratings' ? productRatings : productDetails;
    const out = await fetcher(id, headers);
    sendJson(res, out.status, out.body);
    return;
  }
  send(res, 404, 'text/html; charset=utf-8', '<h1>Not Found</h1>');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const app = startApp('productpage', handle);
app.onShutdown(() => client.close());
