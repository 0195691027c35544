/** Header handling a proxy owes the hop it sits on. */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { HeaderOpsConfig } from '../../compile/config.js';
import { headerBag } from '../h1/header-bag.js';

/** Connection values that name no header to drop. */
const PLAIN_CONNECTION = /^(keep-alive|close)$/i;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Request headers to send upstream: hop-by-hop ones removed (including those named in Connection). */
export function forwardableHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out = headerBag<OutgoingHttpHeaders>();
  const connection = headers.connection;
  // `keep-alive` and `close` name no header; only other tokens need a set to consult.
  const plain = connection === undefined || connection.length === 0 || PLAIN_CONNECTION.test(connection);
  const named = plain ? undefined : new Set(connection.toLowerCase().split(',').map((s) => s.trim()));
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || named?.has(name)) continue;
    out[name] = headers[name];
  }
  return out;
}

/** Response headers to send downstream. */
export function forwardableResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return forwardableHeaders(headers);
}

export function applyRequestOps(headers: OutgoingHttpHeaders, ops: HeaderOpsConfig | undefined): void {
  if (!ops) return;
  if (ops.requestRemove) for (const n of ops.requestRemove) delete headers[n];
  if (ops.requestSet) for (const [k, v] of Object.entries(ops.requestSet)) headers[k] = v;
  if (ops.requestAdd) for (const [k, v] of Object.entries(ops.requestAdd)) appendHeader(headers, k, v);
}

export function applyResponseOps(headers: OutgoingHttpHeaders, ops: HeaderOpsConfig | undefined): void {
  if (!ops) return;
  if (ops.responseRemove) for (const n of ops.responseRemove) delete headers[n];
  if (ops.responseSet) for (const [k, v] of Object.entries(ops.responseSet)) headers[k] = v;
  if (ops.responseAdd) for (const [k, v] of Object.entries(ops.responseAdd)) appendHeader(headers, k, v);
}

function appendHeader(headers: OutgoingHttpHeaders, name: string, value: string): void {
  const prior = headers[name];
  if (prior === undefined) headers[name] = value;
  else if (Array.isArray(prior)) headers[name] = [...prior, value];
  else headers[name] = [String(prior), value];
}

export function headerString(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function cookieValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const cookie = headers.cookie;
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
