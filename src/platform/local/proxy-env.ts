/**
 * The environment the local runner adds to a sidecar-injected container so that its HTTP clients
 * go through the sidecar's outbound listener (DESIGN §3): the proxy variables curl, Python and Go
 * read; `NODE_OPTIONS` preloading ./preload/node-proxy.js for Node; `JAVA_TOOL_OPTIONS` for the JVM.
 * Pure, apart from reading this module's own location.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Hosts that never go through the sidecar (the pod's own loopback). */
const LOOPBACK_NO_PROXY = ['localhost', '127.0.0.1', '::1'];

/**
 * Absolute path of the compiled preload, `dist/platform/local/preload/node-proxy.js`. From the
 * compiled package that is beside this module; when this module runs from `src/` (tsx, vitest) it
 * is the same file under `dist/` (build first).
 */
export function preloadPath(moduleUrl: string = import.meta.url): string {
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith('.ts')) return resolve(dirname(here), '../../../dist/platform/local/preload/node-proxy.js');
  return resolve(dirname(here), 'preload/node-proxy.js');
}

/**
 * One `NODE_OPTIONS` token: `--import=<path>`. Node splits NODE_OPTIONS on spaces and honours
 * double quotes (with `\` escapes inside them), so a path with spaces is quoted. A path with URL
 * syntax in it (`%`, `#`, `?`, `\`) is given as a `file:` URL, since `--import` resolves its value
 * as a module specifier.
 */
export function importFlag(path: string): string {
  const value = /[%#?\\]/.test(path) ? pathToFileURL(path).href : path;
  if (!/[\s"]/.test(value)) return `--import=${value}`;
  return `--import="${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** `existing` NODE_OPTIONS with the preload's `--import` appended (once). */
export function nodeOptionsWithPreload(existing: string | undefined, path: string = preloadPath()): string {
  const flag = importFlag(path);
  const current = (existing ?? '').trim();
  if (current.split(/\s+/).includes(flag)) return current;
  return current === '' ? flag : `${current} ${flag}`;
}

/** Java's proxy properties, read by HttpURLConnection and java.net.http.HttpClient's default selector. */
export function javaProxyOptions(outboundPort: number): string {
  return `-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=${outboundPort} -Dhttp.nonProxyHosts=localhost|127.*|[::1]`;
}

function noProxyList(inherited: NodeJS.ProcessEnv): string {
  const entries: string[] = [...LOOPBACK_NO_PROXY];
  const seen = new Set(entries);
  for (const raw of [inherited.NO_PROXY, inherited.no_proxy]) {
    for (const entry of (raw ?? '').split(/[\s,]+/)) {
      const key = entry.trim().toLowerCase();
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      entries.push(entry.trim());
    }
  }
  return entries.join(',');
}

/**
 * What the runner adds to a container's environment (overriding the same names): `HTTP_PROXY` and
 * `http_proxy` = `http://127.0.0.1:<outboundPort>`; `NO_PROXY`/`no_proxy` = loopback plus the
 * container's own entries; `NODE_OPTIONS` and `JAVA_TOOL_OPTIONS` = the container's own value with
 * tack's appended. `inherited` is the container's own environment (its `env` entries).
 */
export function proxyEnvironment(outboundPort: number, inherited: NodeJS.ProcessEnv): Record<string, string> {
  if (!Number.isInteger(outboundPort) || outboundPort <= 0 || outboundPort > 65535) {
    throw new RangeError(`outbound port must be an integer in 1..65535, got ${outboundPort}`);
  }
  const proxy = `http://127.0.0.1:${outboundPort}`;
  const noProxy = noProxyList(inherited);
  const java = javaProxyOptions(outboundPort);
  const existingJava = (inherited.JAVA_TOOL_OPTIONS ?? '').trim();
  return {
    HTTP_PROXY: proxy,
    http_proxy: proxy,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    NODE_OPTIONS: nodeOptionsWithPreload(inherited.NODE_OPTIONS),
    JAVA_TOOL_OPTIONS: existingJava === '' ? java : existingJava.includes(java) ? existingJava : `${existingJava} ${java}`,
  };
}
