/**
 * `http.request`/`http.get` send requests for non-exempt hosts to the proxy in absolute form
 * (`GET http://reviews:9080/x HTTP/1.1`, `Host: reviews:9080`): the call's options are rewritten
 * (host and port become the proxy's, path becomes the absolute URL) and handed to Node's own
 * request function, so the caller gets an ordinary ClientRequest, its agent (keep-alive or not)
 * pools connections to the proxy, and method, headers, body streaming, timeouts and signals are
 * Node's. Anything this code does not understand is passed through untouched.
 */
import type * as http from 'node:http';
import { urlToHttpOptions } from 'node:url';
import type { Log } from './debug.js';
import { authority, proxyFor, type ProxySettings, type ProxyTarget } from './settings.js';
import type { RequestFn } from './tunnel.js';

type Options = Record<string, unknown>;

/** Node's own test for a URL-like first argument (lib/internal/url.js `isURL`). */
function isUrlLike(value: unknown): value is URL {
  if (value instanceof URL) return true;
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return Boolean(v.href && v.protocol && v.auth === undefined && v.path === undefined);
}

/** Node's argument merging for `request(url)`, `request(url, options[, cb])`, `request(options[, cb])`. */
function mergeArguments(args: readonly unknown[]): { options: Options; callback?: unknown } | undefined {
  let [input, options, callback] = args;
  let base: Options | undefined;
  if (typeof input === 'string') base = urlToHttpOptions(new URL(input)) as Options;
  else if (isUrlLike(input)) base = urlToHttpOptions(input) as Options;
  else {
    callback = options;
    options = input;
    input = undefined;
  }
  if (typeof options === 'function') {
    callback = options;
    options = base ?? {};
  } else {
    if (options !== undefined && options !== null && typeof options !== 'object') return undefined;
    options = Object.assign(base ?? {}, options);
  }
  return { options: options as Options, callback };
}

/** Agents that do their own proxying (http-proxy-agent, proxy-agent, hpagent...): leave them alone. */
function isProxyingAgent(agent: object): boolean {
  const a = agent as Record<string, unknown>;
  return 'proxy' in a || typeof a.getProxyForUrl === 'function';
}

function withHostHeader(headers: unknown, host: string | undefined, proxy: ProxyTarget): unknown {
  if (Array.isArray(headers)) {
    // Raw header arrays are sent as given (Node adds no Host to them either).
    return proxy.authorization ? [...headers, 'Proxy-Authorization', proxy.authorization] : headers;
  }
  const out: Record<string, unknown> = {};
  let hasHost = false;
  if (headers !== null && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) {
      out[name] = value;
      if (name.toLowerCase() === 'host') hasHost = true;
    }
  }
  if (!hasHost && host !== undefined) out.Host = host;
  if (proxy.authorization && !Object.keys(out).some((n) => n.toLowerCase() === 'proxy-authorization')) out['Proxy-Authorization'] = proxy.authorization;
  return out;
}

/** The rewritten arguments, or undefined when the request goes out unchanged. */
export function rewriteHttpArguments(args: readonly unknown[], settings: ProxySettings, log: Log): unknown[] | undefined {
  const merged = mergeArguments(args);
  if (!merged) return undefined;
  const { options, callback } = merged;
  if (options.socketPath !== undefined || typeof options.createConnection === 'function') return undefined;
  const method = typeof options.method === 'string' ? options.method.toUpperCase() : 'GET';
  if (method === 'CONNECT') return undefined;
  const agent = options.agent;
  const agentObject = agent !== null && typeof agent === 'object' ? (agent as Options) : undefined;
  if (agentObject && ((agentObject.protocol !== undefined && agentObject.protocol !== 'http:') || isProxyingAgent(agentObject))) return undefined;
  if ((options.protocol ?? 'http:') !== 'http:') return undefined;
  const path = options.path ?? '/';
  // An absolute-form path means the caller already talks to a proxy: never proxy twice.
  if (typeof path !== 'string' || !path.startsWith('/')) return undefined;
  const host = options.hostname || options.host || 'localhost';
  if (typeof host !== 'string') return undefined;
  const defaultPort = Number(options.defaultPort || agentObject?.defaultPort || 80);
  const port = Number(options.port || defaultPort || 80);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  const proxy = proxyFor(settings, 'http', host, port);
  if (!proxy) return undefined;
  const hostHeader = options.setHost === false ? undefined : authority(host, port, defaultPort);
  const url = `http://${authority(host, port, 80)}${path}`;
  const rewritten: Options = {
    ...options,
    host: proxy.host,
    hostname: proxy.host,
    port: proxy.port,
    path: url,
    headers: withHostHeader(options.headers, hostHeader, proxy),
  };
  log(`${method} ${url} via ${authority(proxy.host, proxy.port)}`);
  return callback === undefined ? [rewritten] : [rewritten, callback];
}

/** Replaces `request` and `get` on the `node:http` exports object (shared by `require` and `import`). */
export function patchHttp(exports: typeof http, original: RequestFn, settings: ProxySettings, log: Log): void {
  function request(...args: unknown[]): http.ClientRequest {
    let rewritten: unknown[] | undefined;
    try {
      rewritten = rewriteHttpArguments(args, settings, log);
    } catch {
      rewritten = undefined; // Let Node report its own error for arguments it rejects.
    }
    return original(...(rewritten ?? args));
  }
  function get(...args: unknown[]): http.ClientRequest {
    const req = request(...args);
    req.end();
    return req;
  }
  const target = exports as unknown as Record<string, unknown>;
  target.request = request;
  target.get = get;
}
