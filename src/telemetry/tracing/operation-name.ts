/**
 * Route decorators as Istio writes them (compiler side; plain strings). Outbound: `host:port` of
 * the single destination, else `<vs-name>:port`, followed by the path match — `/*` when none, the
 * prefix plus `*`, the exact path, or the regex. Inbound: `<service fqdn>:<port>/*`.
 */
export type PathMatch = { prefix: string } | { exact: string } | { regex: string } | undefined;

function pathPart(m: PathMatch): string {
  if (m === undefined) return '/*';
  if ('prefix' in m) return `${m.prefix}*`;
  if ('exact' in m) return m.exact;
  return m.regex;
}

export function outboundOperation(opts: { destination?: { host: string; port: number }; vsName: string; port: number; match?: PathMatch }): string {
  const head = opts.destination ? `${opts.destination.host}:${opts.destination.port}` : `${opts.vsName}:${opts.port}`;
  return head + pathPart(opts.match);
}

export function inboundOperation(serviceFqdn: string, port: number): string {
  return `${serviceFqdn}:${port}/*`;
}
