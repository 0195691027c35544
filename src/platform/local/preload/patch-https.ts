/**
 * `https.request`/`https.get`: every `https.Agent` (the global one, `agent: false`'s throwaway one,
 * the caller's keep-alive agents) opens its connections to non-exempt hosts through a
 * `CONNECT host:port` tunnel to the proxy, then runs TLS over the tunnel as it would over a direct
 * socket (same servername, CA, session cache). Pooling stays per destination, as without a proxy.
 * Agent subclasses that override `createConnection` keep their own behaviour.
 */
import type * as https from 'node:https';
import type { Socket } from 'node:net';
import type { Log } from './debug.js';
import { authority, proxyFor, type ProxySettings } from './settings.js';
import { openTunnel, type RequestFn } from './tunnel.js';

type CreateConnection = (this: https.Agent, ...args: unknown[]) => unknown;
type OnCreate = (error: Error | null, socket?: Socket) => void;

export function patchHttps(exports: typeof https, request: RequestFn, settings: ProxySettings, log: Log): void {
  const proto = exports.Agent.prototype as unknown as { createConnection: CreateConnection };
  const original = proto.createConnection;
  if (typeof original !== 'function') return;
  proto.createConnection = function createConnection(this: https.Agent, ...args: unknown[]): unknown {
    const [options, oncreate] = args;
    // The agent calls createConnection(options, oncreate); any other form is someone else's.
    if (options === null || typeof options !== 'object' || typeof oncreate !== 'function') return original.apply(this, args);
    const o = options as Record<string, unknown>;
    if (o.socket !== undefined || o.socketPath !== undefined) return original.apply(this, args);
    const host = typeof o.host === 'string' ? o.host : typeof o.hostname === 'string' ? o.hostname : 'localhost';
    const port = Number(o.port || 443);
    const proxy = proxyFor(settings, 'https', host, port);
    if (!proxy) return original.apply(this, args);
    const done = oncreate as OnCreate;
    log(`CONNECT ${authority(host, port)} via ${authority(proxy.host, proxy.port)}`);
    openTunnel(request, proxy, host, port, (error, socket) => {
      if (error || !socket) {
        done(error ?? new Error('tunnel closed'));
        return;
      }
      try {
        done(null, original.call(this, { ...o, socket }) as Socket);
      } catch (e) {
        socket.destroy();
        done(e instanceof Error ? e : new Error(String(e)));
      }
    });
    return undefined; // The agent waits for oncreate.
  };
}
