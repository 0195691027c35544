/**
 * AuthorizationPolicy on an inbound TCP listener (Envoy's network RBAC filter): a connection the
 * policies deny is closed before a byte reaches the app; HTTP-only fields were already handled as
 * Istio handles them on TCP when the policies were compiled.
 */
import type { NetworkFilterFactory } from './network-chain.js';
import { authorizerFor } from '../filters/rbac/settings.js';
import { peerIdentity } from '../tls/peer-identity.js';

export const rbacNetworkFilter: NetworkFilterFactory = {
  name: 'envoy.filters.network.rbac',
  create(conn) {
    const listener = conn.ctx.listener;
    const config = listener.authorization;
    if (!config) return undefined;
    const decision = authorizerFor(config).checkTcp({
      sourcePrincipal: peerIdentity(conn.socket)?.principal ?? '',
      sourceIp: conn.socket.remoteAddress ?? '',
      destinationIp: listener.address,
      destinationPort: listener.targetPort ?? listener.port,
    });
    return { onConnection: () => (decision.allowed ? 'continue' : 'close') };
  },
};
