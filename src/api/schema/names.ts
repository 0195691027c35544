const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

export function isIPv6(s: string): boolean {
  if (!s.includes(':')) return false;
  return /^[0-9a-fA-F:.]+$/.test(s) && s.split('::').length <= 2;
}

export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** CIDR `a.b.c.d/n` or IPv6 `x::/n`, or a plain IP. */
export function cidrProblem(s: string): string | undefined {
  const [ip, bits, extra] = s.split('/');
  if (extra !== undefined || ip === undefined) return 'not an IP address or CIDR';
  if (!isIP(ip)) return 'not an IP address or CIDR';
  if (bits === undefined) return undefined;
  const n = Number(bits);
  const max = isIPv4(ip) ? 32 : 128;
  if (!/^\d+$/.test(bits) || n > max) return `prefix length must be between 0 and ${max}`;
  return undefined;
}

/** Why `name` is not a DNS-1123 subdomain (Kubernetes object names), or undefined. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 253) return 'must be no more than 253 characters';
  for (const label of name.split('.')) {
    if (!DNS1123_LABEL.test(label)) return 'must consist of lower case alphanumeric characters, "-" or ".", and must start and end with an alphanumeric character';
  }
  return undefined;
}

/** Why `name` is not a DNS-1123 label (namespaces, service names, port names), or undefined. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(name)) return 'must consist of lower case alphanumeric characters or "-", and must start and end with an alphanumeric character';
  return undefined;
}

export function hostnameProblem(host: string, opts: { allowWildcard: boolean; allowBareWildcard: boolean }): string | undefined {
  if (host.length === 0) return 'must not be empty';
  if (host === '*') return opts.allowBareWildcard ? undefined : 'hostname cannot be wildcard';
  if (host.length > 255) return 'domain name too long (max 255)';
  let rest = host;
  if (host.startsWith('*')) {
    if (!opts.allowWildcard) return 'wildcards are not allowed here';
    if (!host.startsWith('*.')) return 'a wildcard must be the whole first label, as in "*.example.com"';
    rest = host.slice(2);
  }
  if (rest.endsWith('.')) rest = rest.slice(0, -1);
  const labels = rest.split('.');
  for (const label of labels) {
    if (label.length === 0) return 'empty label in domain name';
    if (label.length > 63) return `label "${label}" is longer than 63 characters`;
    if (label.includes('*')) return 'a wildcard is only allowed as the whole first label';
    if (!DNS_LABEL.test(label)) return `label "${label}" may contain only letters, digits and "-", and must not start or end with "-"`;
  }
  return undefined;
}

export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    const p = dns1123SubdomainProblem(prefix);
    if (p) return `prefix ${p}`;
  }
  if (name.length === 0 || name.length > 63) return 'name part must be 1-63 characters';
  if (!LABEL_NAME.test(name)) return 'name part must consist of alphanumeric characters, "-", "_" or ".", and must start and end with an alphanumeric character';
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_NAME.test(value)) return 'must consist of alphanumeric characters, "-", "_" or ".", and must start and end with an alphanumeric character';
  return undefined;
}
