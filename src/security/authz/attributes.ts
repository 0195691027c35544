/** What the proxy hands the engine per connection or request. Header names are lower case. */

export interface TcpAttributes {
  /** The peer's SPIFFE id from its mTLS certificate (`spiffe://td/ns/NS/sa/SA`); '' without mTLS. */
  sourcePrincipal: string;
  /** The direct peer address (`source.ip`, `ipBlocks`). */
  sourceIp: string;
  /** The original client (`remote.ip`, `remoteIpBlocks`); see `remoteAddress`. Defaults to sourceIp. */
  remoteIp?: string;
  destinationIp: string;
  destinationPort: number;
  /** TLS SNI the client sent (`connection.sni`); '' or absent without one. */
  sni?: string;
}

export interface HttpAttributes extends TcpAttributes {
  /** `:authority` / Host. */
  host: string;
  method: string;
  /** `:path` as received (after the proxy's path normalisation), query included. */
  path: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The validated JWT's payload (`request.auth.claims`). */
  jwtClaims?: Readonly<Record<string, unknown>>;
  /** `iss/sub` of the validated JWT; read only when `jwtClaims` is absent. */
  requestPrincipal?: string;
}

/** A TCP check sees the connection fields only; HTTP-only fields were dropped when the engine was built. */
export type AnyAttributes = TcpAttributes & Partial<Omit<HttpAttributes, keyof TcpAttributes>>;

/**
 * The original client address as Envoy derives it from x-forwarded-for. With `useRemoteAddress`
 * (gateways), N trusted hops select the Nth address from the right, and 0 means the peer itself;
 * without it (sidecars), the (N+1)th from the right. Too few addresses: the peer address.
 */
export function remoteAddress(directIp: string, xff: string | undefined, opts: { useRemoteAddress?: boolean; trustedHops?: number } = {}): string {
  const hops = opts.trustedHops ?? 0;
  const fromRight = opts.useRemoteAddress ? hops : hops + 1;
  if (fromRight === 0 || !xff) return directIp;
  let end = xff.length;
  for (let k = 1; ; k++) {
    const comma = xff.lastIndexOf(',', end - 1);
    if (k === fromRight) {
      const ip = xff.slice(comma + 1, end).trim();
      return ip === '' ? directIp : ip;
    }
    if (comma < 0) return directIp;
    end = comma;
  }
}
