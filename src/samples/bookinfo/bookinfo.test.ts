/**
 * The bookinfo programs as real processes, wired through a tiny test proxy that plays the
 * sidecar: it takes the absolute-form requests the apps send to HTTP_PROXY and maps
 * `details:9080`, `reviews:9080` and `ratings:9080` to the local processes, with optional
 * delays and aborts like a VirtualService's fault injection.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../shared/test-support.js';

const DIST = fileURLToPath(new URL('../../../dist/samples/bookinfo/', import.meta.url));
const LOCALHOST = '127.0.0.1';

// ---- processes ------------------------------------------------------------------------------------

interface Running {
  readonly child: ChildProcess;
  readonly port: number;
  output: string;
}

const children: Running[] = [];
const proxies: TestProxy[] = [];

afterEach(async () => {
  const all = children.splice(0);
  await Promise.all(all.map((r) => stop(r)));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});


async function startApp(app: string, pod: string, proxy: TestProxy | undefined, env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [`${DIST}${app}.js`], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: LOCALHOST,
      PORT: String(port),
      POD_NAME: pod,
      HOSTNAME: pod,
      POD_NAMESPACE: 'default',
      ...(proxy ? { HTTP_PROXY: proxy.url, http_proxy: proxy.url } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running: Running = { child, port, output: '' };
  children.push(running);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} did not start:\n${running.output}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      running.output += chunk.toString();
      if (/listening on http:\/\/127\.0\.0\.1:\d+/.test(running.output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (running.output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${app} exited with ${code}:\n${running.output}`));
    });
  });
  return running;
}

/** SIGTERM by pid; SIGKILL if still there after 2 s. Resolves with the exit code. */
function stop(r: Running): Promise<number | null> {
  const { child } = r;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    }, 2000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    if (child.pid) process.kill(child.pid, 'SIGTERM');
  });
}

// ---- the sidecar stand-in -------------------------------------------------------------------------

interface Seen {
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

interface Fault {
  readonly delayMs?: number;
  readonly abortStatus?: number;
  /** Only requests with this `end-user` header, like a header match in a VirtualService. */
  readonly endUser?: string;
}

class TestProxy {
  readonly routes = new Map<string, number>();
  readonly faults = new Map<string, Fault>();
  readonly seen: Seen[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  async listen(): Promise<this> {
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server.listen(0, LOCALHOST, resolve));
    const addr = this.server.address();
    this.url = `http://${LOCALHOST}:${addr && typeof addr === 'object' ? addr.port : 0}`;
    return this;
  }

  requestsTo(host: string): Seen[] {
    return this.seen.filter((s) => s.url.startsWith(`http://${host}/`));
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '';
    this.seen.push({ url, headers: req.headers });
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      res.writeHead(400).end('not an absolute-form request');
      return;
    }
    const port = this.routes.get(target.host);
    if (port === undefined || req.headers.host !== target.host) {
      res.writeHead(503).end('no healthy upstream');
      return;
    }
    const fault = this.faults.get(target.host);
    const applies = fault && (fault.endUser === undefined || req.headers['end-user'] === fault.endUser);
    if (applies && fault.abortStatus) {
      res.writeHead(fault.abortStatus).end('fault filter abort');
      return;
    }
    const forward = (): void => {
      if (res.destroyed) return;
      const up = http.request(
        { host: LOCALHOST, port, method: req.method, path: `${target.pathname}${target.search}`, headers: req.headers, agent: false },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(503).end('upstream connect error');
        else res.destroy();
      });
      res.on('close', () => up.destroy());
      req.pipe(up);
    };
    if (applies && fault.delayMs) {
      const timer = setTimeout(forward, fault.delayMs);
      res.on('close', () => clearTimeout(timer));
    } else forward();
  }
}

async function newProxy(): Promise<TestProxy> {
  const p = await new TestProxy().listen();
  proxies.push(p);
  return p;
}

// ---- a user's browser -----------------------------------------------------------------------------

interface Page {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function fetchPage(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Page> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: LOCALHOST, port, path, method: init.method ?? 'GET', headers: init.headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

const countFull = (html: string): number => (html.match(/glyphicon-star"/g) ?? []).length;
const REVIEWS_DOWN = 'Sorry, product reviews are currently unavailable for this book.';

/** Starts the whole app: details, ratings, one reviews version, productpage, all behind `proxy`. */
async function bookinfo(version: 'v1' | 'v2' | 'v3', env: Record<string, string> = {}): Promise<{ proxy: TestProxy; page: Running }> {
  const proxy = await newProxy();
  const [details, ratings, reviews, page] = await Promise.all([
    startApp('details', 'details-v1-7d4d9c7d5-abcde', proxy, env),
    startApp('ratings', 'ratings-v1-6c8b9f8d4-fghij', proxy, env),
    startApp('reviews', `reviews-${version}-5b4c9d7f6d-x8k2p`, proxy, {
      TACK_IMAGE: `registry.istio.io/release/examples-bookinfo-reviews-${version}:1.20.3`,
      LOG_DIR: '/tmp/logs',
      ...env,
    }),
    startApp('productpage', 'productpage-v1-8d5c4b7b9-klmno', proxy, env),
  ]);
  proxy.routes.set('details:9080', details.port);
  proxy.routes.set('ratings:9080', ratings.port);
  proxy.routes.set('reviews:9080', reviews.port);
  return { proxy, page };
}

// ---- tests ----------------------------------------------------------------------------------------

describe('bookinfo samples', () => {
  it('has been built', () => {
    expect(existsSync(`${DIST}productpage.js`)).toBe(true);
  });

  it('details and ratings answer like the real apps', async () => {
    const [details, ratings] = await Promise.all([
      startApp('details', 'details-v1-1-a', undefined),
      startApp('ratings', 'ratings-v1-1-b', undefined),
    ]);
    const d = await fetchPage(details.port, '/details/0');
    expect(d.status).toBe(200);
    expect(JSON.parse(d.body)).toEqual({
      id: 0,
      author: 'William Shakespeare',
      year: 1595,
      type: 'paperback',
      pages: 200,
      publisher: 'PublisherA',
      language: 'English',
      'ISBN-10': '1234567890',
      'ISBN-13': '123-1234567890',
    });
    expect((await fetchPage(details.port, '/details/abc')).status).toBe(400);
    expect(JSON.parse((await fetchPage(details.port, '/health')).body)).toEqual({ status: 'Details is healthy' });

    expect(JSON.parse((await fetchPage(ratings.port, '/ratings/0')).body)).toEqual({ id: 0, ratings: { Reviewer1: 5, Reviewer2: 4 } });
    const posted = await fetchPage(ratings.port, '/ratings/7', { method: 'POST', body: '{"Reviewer1":1,"Reviewer2":2}' });
    expect(JSON.parse(posted.body)).toEqual({ id: 7, ratings: { Reviewer1: 1, Reviewer2: 2 } });
    expect(JSON.parse((await fetchPage(ratings.port, '/ratings/7')).body).ratings.Reviewer1).toBe(1);
    expect((await fetchPage(ratings.port, '/ratings/7', { method: 'POST', body: '{nope' })).status).toBe(400);
    expect((await fetchPage(ratings.port, '/ratings/x')).status).toBe(400);
    expect((await fetchPage(ratings.port, '/health')).status).toBe(200);
  });

  it('reviews v1 shows no stars; the page says which pod served the reviews', async () => {
    const { proxy, page } = await bookinfo('v1');
    const res = await fetchPage(page.port, '/productpage');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>Simple Bookstore App</title>');
    expect(res.body).toContain('The Comedy of Errors');
    expect(res.body).toContain('PublisherA');
    expect(res.body).toContain('123-1234567890');
    expect(res.body).toContain('An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!');
    expect(res.body).toContain('Reviews served by: reviews-v1-5b4c9d7f6d-x8k2p');
    expect(res.body).not.toContain('glyphicon-star');
    expect(proxy.requestsTo('ratings:9080')).toHaveLength(0);
    // The apps spoke to the proxy in absolute form, Host kept.
    expect(proxy.requestsTo('reviews:9080')[0]?.headers.host).toBe('reviews:9080');
  });

  it('reviews v2 shows black stars and v3 red stars', async () => {
    for (const [version, color] of [['v2', 'black'], ['v3', 'red']] as const) {
      const { page } = await bookinfo(version);
      const res = await fetchPage(page.port, '/productpage');
      expect(res.body).toContain(`Reviews served by: reviews-${version}-`);
      expect(res.body).toContain(`<font color="${color}">`);
      expect(countFull(res.body)).toBe(9); // 5 + 4
      const api = JSON.parse((await fetchPage(page.port, '/api/v1/products/0/reviews')).body);
      expect(api.reviews[0].rating).toEqual({ stars: 5, color });
    }
  });

  it('login sends end-user: jason to details and reviews, and tracing headers go all the way', async () => {
    const { proxy, page } = await bookinfo('v2');
    const login = await fetchPage(page.port, '/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', referer: 'http://localhost/productpage' },
      body: 'username=jason&passwd=',
    });
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe('http://localhost/productpage');
    const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^session=/);

    const trace = { 'x-request-id': 'req-42', 'x-b3-traceid': 'abc123', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const res = await fetchPage(page.port, '/productpage', { headers: { cookie, ...trace } });
    expect(res.body).toContain('jason');
    expect(countFull(res.body)).toBe(9);
    for (const host of ['details:9080', 'reviews:9080', 'ratings:9080']) {
      const seen = proxy.requestsTo(host).at(-1);
      expect(seen?.headers['end-user'], host).toBe('jason');
      expect(seen?.headers['x-request-id'], host).toBe('req-42');
      expect(seen?.headers.traceparent, host).toBe(trace.traceparent);
    }

    const logout = await fetchPage(page.port, '/logout', { headers: { cookie } });
    expect(logout.status).toBe(302);
    expect(String(logout.headers['set-cookie'])).toMatch(/^session=;/);
    await fetchPage(page.port, '/productpage');
    expect(proxy.requestsTo('reviews:9080').at(-1)?.headers['end-user']).toBeUndefined();
  });

  it('details down: the page still renders, with the details error', async () => {
    const { proxy, page } = await bookinfo('v1');
    proxy.faults.set('details:9080', { abortStatus: 503 });
    const res = await fetchPage(page.port, '/productpage');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Sorry, product details are currently unavailable for this book.');
    expect(res.body).toContain('Reviewer1');
    expect((await fetchPage(page.port, '/api/v1/products/0')).status).toBe(503);
  });

  it('the fault-injection story at real timings: 7 s ratings delay for jason, v2 → reviews unavailable after ~6 s', async () => {
    const { proxy, page } = await bookinfo('v2');
    proxy.faults.set('ratings:9080', { delayMs: 7000, endUser: 'jason' });
    const started = Date.now();
    const res = await fetchPage(page.port, '/productpage', { headers: { 'end-user': 'jason', cookie: 'user=jason' } });
    const elapsed = Date.now() - started;
    expect(res.body).toContain(REVIEWS_DOWN);
    expect(res.body).toContain('PublisherA');
    expect(elapsed).toBeGreaterThanOrEqual(5900);
    expect(elapsed).toBeLessThan(6900);
    expect(proxy.requestsTo('reviews:9080')).toHaveLength(2); // one retry
    // Everyone else is unaffected.
    const other = await fetchPage(page.port, '/productpage');
    expect(countFull(other.body)).toBe(9);
  }, 20_000);

  it('scaled timings: v3 gives up on ratings first (2.5 s < 3 s), so the page shows reviews without stars', async () => {
    const scale = { TACK_BOOKINFO_TIME_SCALE: '0.4' }; // 3 s → 1.2 s, 2.5 s → 1 s, 10 s → 4 s
    const { proxy, page } = await bookinfo('v3', scale);
    proxy.faults.set('ratings:9080', { delayMs: 2800, endUser: 'jason' }); // 7 s × 0.4
    const login = await fetchPage(page.port, '/login', { method: 'POST', body: 'user=jason' });
    const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    const started = Date.now();
    const res = await fetchPage(page.port, '/productpage', { headers: { cookie } });
    const elapsed = Date.now() - started;
    expect(res.body).not.toContain(REVIEWS_DOWN);
    expect(res.body).toContain('Ratings service is currently unavailable');
    expect(res.body).not.toContain('glyphicon-star');
    expect(res.body).toContain('Reviews served by: reviews-v3-');
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2400);
    expect(proxy.requestsTo('reviews:9080')).toHaveLength(1);

    // The same delay behind v2 (which waits 10 s × 0.4) exhausts productpage's 3 s + retry.
    const v2 = await bookinfo('v2', scale);
    v2.proxy.faults.set('ratings:9080', { delayMs: 2800, endUser: 'jason' });
    const t2 = Date.now();
    const res2 = await fetchPage(v2.page.port, '/productpage', { headers: { cookie } });
    expect(res2.body).toContain(REVIEWS_DOWN);
    expect(Date.now() - t2).toBeGreaterThanOrEqual(2300);
    expect(v2.proxy.requestsTo('reviews:9080')).toHaveLength(2);
  }, 20_000);

  it('survives bad input and exits 0 promptly on SIGTERM', async () => {
    const { proxy, page } = await bookinfo('v2');
    const reviewsPort = proxy.routes.get('reviews:9080') ?? 0;
    const ratingsPort = proxy.routes.get('ratings:9080') ?? 0;
    expect((await fetchPage(reviewsPort, '/reviews/abc')).status).toBe(404);
    expect((await fetchPage(reviewsPort, '/reviews/99999999999999999999')).status).toBe(404);
    expect((await fetchPage(ratingsPort, '/ratings/1', { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) })).status).toBe(413);
    expect((await fetchPage(page.port, '/api/v1/products/%ZZ%2F..')).status).toBe(400);
    expect((await fetchPage(page.port, '/productpage', { headers: { cookie: 'session=garbage.%%%; user' } })).status).toBe(200);
    expect((await fetchPage(page.port, '/login', { method: 'POST', body: '%%%=%' })).status).toBe(302);
    expect((await fetchPage(page.port, '/nope')).status).toBe(404);
    // A malformed request line, raw.
    await new Promise<void>((resolve) => {
      const s = net.connect(page.port, LOCALHOST, () => s.end('GARBAGE\r\n\r\n'));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
      s.resume();
    });
    expect((await fetchPage(page.port, '/health')).body).toBe('Product page is healthy');
    expect(JSON.parse((await fetchPage(reviewsPort, '/health')).body)).toEqual({ status: 'Reviews is healthy' });

    for (const r of children.splice(0)) {
      const started = Date.now();
      expect(await stop(r)).toBe(0);
      expect(Date.now() - started).toBeLessThan(1000);
    }
  });
});
