/** Where a VirtualService sends traffic: every route, mirror and mirrors destination, with its path. */
import type { TypedResource } from '../context.js';
import type { Destination } from '../../kinds/common.js';

export interface DestinationUse {
  /** Absent only in an invalid (unchecked) VirtualService. */
  destination: Destination | undefined;
  path: (string | number)[];
  /** The route is HTTP (so it may carry a port selector that must name a service port). */
  protocol: 'http' | 'tls' | 'tcp';
}

export function destinationsOf(vs: TypedResource<'VirtualService'>): DestinationUse[] {
  const out: DestinationUse[] = [];
  const spec = vs.object.spec ?? {};
  (spec.http ?? []).forEach((r, i) => {
    (r.route ?? []).forEach((d, j) => out.push({ destination: d?.destination, path: ['spec', 'http', i, 'route', j, 'destination'], protocol: 'http' }));
    if (r.mirror) out.push({ destination: r.mirror, path: ['spec', 'http', i, 'mirror'], protocol: 'http' });
    (r.mirrors ?? []).forEach((m, j) => out.push({ destination: m?.destination, path: ['spec', 'http', i, 'mirrors', j, 'destination'], protocol: 'http' }));
  });
  (spec.tls ?? []).forEach((r, i) => (r.route ?? []).forEach((d, j) => out.push({ destination: d?.destination, path: ['spec', 'tls', i, 'route', j, 'destination'], protocol: 'tls' })));
  (spec.tcp ?? []).forEach((r, i) => (r.route ?? []).forEach((d, j) => out.push({ destination: d?.destination, path: ['spec', 'tcp', i, 'route', j, 'destination'], protocol: 'tcp' })));
  return out;
}
