/**
 * Envoy's cluster circuit breakers for HTTP/1.1 upstreams, per cluster and per proxy: at most
 * `maxConnections` connections, `maxRequests` requests in flight, `maxPendingRequests` requests
 * waiting for a usable connection (queued, or waiting for a new connection to be established), and
 * `maxRetries` retries in flight. Beyond a limit the request overflows: 503, flag UO.
 */
import type { Socket } from 'node:net';
import type { ConnectionPoolConfig } from '../../compile/config.js';
import type { CancelSignal } from '../cancellation.js';

const UNLIMITED = Number.MAX_SAFE_INTEGER;

export interface Limits {
  maxConnections: number;
  maxPending: number;
  maxRequests: number;
  maxRetries: number;
  maxRequestsPerConnection: number;
}

export function limitsOf(pool: ConnectionPoolConfig | undefined): Limits {
  return {
    maxConnections: pool?.maxConnections ?? UNLIMITED,
    maxPending: pool?.maxPendingRequests ?? UNLIMITED,
    maxRequests: pool?.maxRequests ?? UNLIMITED,
    maxRetries: pool?.maxRetries ?? UNLIMITED,
    maxRequestsPerConnection: pool?.maxRequestsPerConnection ?? 0,
  };
}

/** One request's hold on the breaker, released exactly once. */
export interface Admission {
  /** Call when the request gets its socket; `reused` says whether it was an idle keep-alive one. */
  onSocket(socket: Socket): void;
  /** Call when the exchange is over; the socket goes back to the pool unless it is closing. */
  release(socket: Socket | undefined, keepAlive: boolean): void;
}

interface SocketInfo {
  key: string;
  requests: number;
  idle: boolean;
}

export class CircuitBreaker {
  limits: Limits;
  active = 0;
  pending = 0;
  connections = 0;
  retries = 0;
  overflows = 0;
  private readonly sockets = new Map<Socket, SocketInfo>();
  /** Idle connections by host: admission looks one up per request, so it must not scan every socket. */
  private readonly idleByHost = new Map<string, Set<Socket>>();
  private readonly waiters: (() => void)[] = [];

  constructor(pool: ConnectionPoolConfig | undefined) {
    this.limits = limitsOf(pool);
  }

  update(pool: ConnectionPoolConfig | undefined): void {
    this.limits = limitsOf(pool);
    this.wake();
  }

  private idleFor(key: string): Socket | undefined {
    const set = this.idleByHost.get(key);
    if (set === undefined) return undefined;
    for (const s of set) {
      if (!s.destroyed) return s;
    }
    return undefined;
  }

  private anyIdleOther(key: string): Socket | undefined {
    for (const [k, set] of this.idleByHost) {
      if (k === key) continue;
      for (const s of set) if (!s.destroyed) return s;
    }
    return undefined;
  }

  private setIdle(socket: Socket, info: SocketInfo, idle: boolean): void {
    if (info.idle === idle) return;
    info.idle = idle;
    let set = this.idleByHost.get(info.key);
    if (idle) {
      if (set === undefined) this.idleByHost.set(info.key, (set = new Set()));
      set.add(socket);
    } else if (set !== undefined) {
      set.delete(socket);
      if (set.size === 0) this.idleByHost.delete(info.key);
    }
  }

  private canConnect(hostKey: string): boolean {
    return this.idleFor(hostKey) !== undefined || this.connections < this.limits.maxConnections;
  }

  /**
   * Admits a request to `hostKey`, waiting for a connection when the cluster is at its limit.
   * Answers at once (no promise) unless the request has to wait; 'overflow' when a limit is exceeded.
   */
  admit(hostKey: string, signal?: CancelSignal): Admission | 'overflow' | Promise<Admission | 'overflow'> {
    if (this.active >= this.limits.maxRequests) return this.overflow();
    if (!this.canConnect(hostKey)) return this.admitAfterWait(hostKey, signal);
    let counted = false;
    if (this.idleFor(hostKey) === undefined) {
      // A new connection: the request is pending until it is established, as in Envoy.
      if (this.pending >= this.limits.maxPending) return this.overflow();
      this.pending++;
      counted = true;
    }
    return this.grant(hostKey, counted);
  }

  private async admitAfterWait(hostKey: string, signal?: CancelSignal): Promise<Admission | 'overflow'> {
    if (this.pending >= this.limits.maxPending) return this.overflow();
    this.pending++;
    while (!this.canConnect(hostKey)) {
      // Another host's idle connection holds the only slots: close it so this request can connect
      // (checked again on every wake-up: a connection may have gone idle while this one waited).
      this.anyIdleOther(hostKey)?.destroy();
      if (this.canConnect(hostKey)) break;
      const ok = await new Promise<boolean>((resolve) => {
        const onAbort = (): void => resolve(false);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        });
      });
      if (!ok) {
        this.pending--;
        return this.overflow();
      }
    }
    return this.grant(hostKey, true);
  }

  private grant(hostKey: string, counted: boolean): Admission {
    this.active++;
    // Claim an idle connection to this host, or reserve the slot of the connection about to open.
    const claimed = this.idleFor(hostKey);
    let claimHeld = claimed !== undefined;
    let reservedNew = !claimHeld;
    if (claimed) this.setIdle(claimed, this.sockets.get(claimed) as SocketInfo, false);
    else this.connections++;
    let pendingHeld = counted;
    let released = false;
    /** The claimed idle connection was not used after all (the pool chose another, or none): idle again. */
    const unclaim = (except?: Socket): void => {
      if (!claimHeld) return;
      claimHeld = false;
      if (!claimed || claimed === except) return;
      const info = this.sockets.get(claimed);
      if (info && !claimed.destroyed) {
        this.setIdle(claimed, info, true);
        this.wake();
      }
    };
    const dropPending = (): void => {
      if (pendingHeld) {
        pendingHeld = false;
        this.pending--;
      }
    };
    return {
      onSocket: (socket) => {
        unclaim(socket);
        const known = this.sockets.get(socket);
        if (known) {
          // Reused: a slot reserved for a new connection is not needed.
          this.setIdle(socket, known, false);
          known.requests++;
          if (reservedNew) {
            reservedNew = false;
            this.connections--;
          }
          dropPending();
          return;
        }
        const info: SocketInfo = { key: hostKey, requests: 1, idle: false };
        this.sockets.set(socket, info);
        // A new connection takes the reserved slot; one opened where an idle one was expected counts now.
        if (reservedNew) reservedNew = false;
        else this.connections++;
        socket.once('close', () => {
          this.setIdle(socket, info, false);
          this.sockets.delete(socket);
          this.connections--;
          this.wake();
        });
        if (socket.connecting) socket.once('connect', dropPending);
        else dropPending();
      },
      release: (socket, keepAlive) => {
        if (released) return;
        released = true;
        dropPending();
        this.active--;
        if (reservedNew) {
          // Never got a socket (failed before connecting).
          reservedNew = false;
          this.connections--;
        }
        unclaim();
        const info = socket ? this.sockets.get(socket) : undefined;
        if (socket && info) {
          const exhausted = this.limits.maxRequestsPerConnection > 0 && info.requests >= this.limits.maxRequestsPerConnection;
          if (!keepAlive || exhausted || socket.destroyed) socket.destroy();
          else this.setIdle(socket, info, true);
        }
        this.wake();
      },
    };
  }

  private overflow(): 'overflow' {
    this.overflows++;
    return 'overflow';
  }

  /** Whether one more retry may start; the caller calls `retryDone` when it ends. */
  tryRetry(): boolean {
    if (this.retries >= this.limits.maxRetries) return false;
    this.retries++;
    return true;
  }

  retryDone(): void {
    this.retries--;
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w();
  }

  snapshot(): { active: number; pending: number; connections: number; retries: number; overflows: number } {
    return { active: this.active, pending: this.pending, connections: this.connections, retries: this.retries, overflows: this.overflows };
  }
}
