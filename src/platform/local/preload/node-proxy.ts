/**
 * Preloaded into a pod's Node processes with `NODE_OPTIONS=--import=<this file>` (DESIGN §3):
 * routes `http.request`/`http.get`, `https.request`/`https.get` and global `fetch` through the
 * sidecar named by `HTTP_PROXY`, as curl, Python and Go clients do by themselves. Patches the
 * `node:http`/`node:https` exports objects in place (what `require` returns and `import` sees) and
 * re-syncs the ESM named exports. Without `http_proxy`/`HTTP_PROXY` it does nothing at all; it
 * never throws, and logs only with `TACK_PRELOAD_DEBUG=1`. See ./README.md.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type * as httpTypes from 'node:http';
import type * as httpsTypes from 'node:https';
import { debugLog } from './debug.js';
import { patchFetch } from './patch-fetch.js';
import { patchHttp } from './patch-http.js';
import { patchHttps } from './patch-https.js';
import { readSettings } from './settings.js';
import type { RequestFn } from './tunnel.js';

/** Set on globalThis once installed (also guards against being loaded twice). */
export const INSTALLED = Symbol.for('tack.preload.node-proxy');

export function install(env: NodeJS.ProcessEnv): void {
  const log = debugLog(env);
  const store = globalThis as unknown as Record<symbol, unknown>;
  if (store[INSTALLED] !== undefined) return;
  const settings = readSettings(env);
  if (!settings) {
    if (env.http_proxy || env.HTTP_PROXY) log(`ignoring unusable proxy setting ${JSON.stringify(env.http_proxy || env.HTTP_PROXY)}`);
    return;
  }
  const require = createRequire(import.meta.url);
  const http = require('node:http') as typeof httpTypes;
  const https = require('node:https') as typeof httpsTypes;
  const originalRequest = http.request as unknown as RequestFn;
  patchHttp(http, originalRequest, settings, log);
  patchHttps(https, originalRequest, settings, log);
  patchFetch(originalRequest, settings, log);
  syncBuiltinESMExports();
  store[INSTALLED] = { http: `${settings.http.host}:${settings.http.port}`, noProxy: settings.noProxy };
  log(`installed: http via ${settings.http.host}:${settings.http.port}, https via CONNECT ${settings.https.host}:${settings.https.port}, no_proxy ${settings.noProxy.join(',') || '(none)'}`);
}

try {
  install(process.env);
} catch (error) {
  debugLog(process.env)(`not installed: ${error instanceof Error ? error.message : String(error)}`);
}
