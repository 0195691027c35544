/**
 * One port, one protocol: the protocol Istio selects for a Service port (kube.ConvertProtocol), and
 * that the registry (what the proxy gets), the schema (which `protocol` values validate) and the
 * port-name analyzer (IST0118) all give the same answer for it.
 */
import { describe, it, expect } from 'vitest';
import { loadText, validateDocuments, Codes, type Resource } from './index.js';
import { analyze } from './analyze/index.js';
import { portNameAnalyzer } from './analyze/analyzers/port-name.js';
import { parseProtocol, servicePortProtocol, type Protocol } from './protocols.js';
import { ConfigStore, buildRegistry, type PortProtocol } from '../store/index.js';

interface Row {
  name?: string;
  port?: number;
  appProtocol?: string;
  ipProtocol?: 'TCP' | 'UDP';
  /** Istio's protocol; undefined: unsupported, so sniffed (and IST0118). */
  istio: Protocol | undefined;
  /** What the registry hands the compiler. */
  registry: PortProtocol;
}

const ROWS: Row[] = [
  { name: 'http', istio: 'HTTP', registry: 'HTTP' },
  // Kubernetes refuses upper case in a Service port name (test below); appProtocol takes it, and case does not matter.
  { name: 'web', appProtocol: 'HTTP-web', istio: 'HTTP', registry: 'HTTP' },
  { name: 'http2', istio: 'HTTP2', registry: 'HTTP2' },
  { name: 'grpc', istio: 'GRPC', registry: 'GRPC' },
  { name: 'grpc-web', istio: 'GRPC-Web', registry: 'GRPC' },
  { name: 'tcp-postgres', istio: 'TCP', registry: 'TCP' },
  { name: 'mongo', istio: 'Mongo', registry: 'TCP' },
  { name: 'redis-x', istio: 'Redis', registry: 'TCP' },
  { name: 'mysql', istio: 'MySQL', registry: 'TCP' },
  { name: 'https', istio: 'HTTPS', registry: 'HTTPS' },
  { name: 'tls', istio: 'TLS', registry: 'TLS' },
  { name: 'udp-dns', istio: 'UDP', registry: 'UDP' },
  // Not a prefix: the name must be the protocol, or the protocol and a `-suffix`.
  { name: 'httpx', istio: undefined, registry: 'UNKNOWN' },
  { name: 'web', istio: undefined, registry: 'UNKNOWN' },
  // Istio knows h2c only as the appProtocol kubernetes.io/h2c.
  { name: 'h2c', istio: undefined, registry: 'UNKNOWN' },
  { istio: undefined, registry: 'UNKNOWN' },
  // Server-first ports (MySQL here) are TCP when nothing names them.
  { port: 3306, istio: 'TCP', registry: 'TCP' },
  { name: 'web', port: 27017, istio: 'TCP', registry: 'TCP' },
  // appProtocol decides alone, even against the name and even when Istio does not know it.
  { name: 'http', appProtocol: 'grpc', istio: 'GRPC', registry: 'GRPC' },
  { name: 'tcp', appProtocol: 'HTTP2', istio: 'HTTP2', registry: 'HTTP2' },
  { name: 'http', appProtocol: 'custom', istio: undefined, registry: 'UNKNOWN' },
  { name: 'web', appProtocol: 'kubernetes.io/h2c', istio: 'HTTP2', registry: 'HTTP2' },
  { name: 'web', appProtocol: 'kubernetes.io/wss', istio: 'HTTPS', registry: 'HTTPS' },
  { name: 'http', ipProtocol: 'UDP', istio: 'UDP', registry: 'UDP' },
];

const label = (r: Row): string => `${r.name ?? '(unnamed)'}${r.port ? ` port ${r.port}` : ''}${r.appProtocol ? ` appProtocol ${r.appProtocol}` : ''}${r.ipProtocol ? ` ${r.ipProtocol}` : ''}`;

function validated(yaml: string): { resources: Resource[]; errors: string[] } {
  const v = validateDocuments(loadText(yaml, 'test.yaml').documents);
  return { resources: v.resources, errors: v.checks.filter((c) => c.level === 'Error').map((c) => c.message) };
}

function serviceYaml(r: Row): string {
  const port = {
    ...(r.name !== undefined ? { name: r.name } : {}),
    port: r.port ?? 8080,
    ...(r.appProtocol !== undefined ? { appProtocol: r.appProtocol } : {}),
    ...(r.ipProtocol !== undefined ? { protocol: r.ipProtocol } : {}),
  };
  return `apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: default}\nspec:\n  selector: {app: svc}\n  ports: [${JSON.stringify(port)}]\n`;
}

/** The `<protocol>` part of a port name, as Istio cuts it (grpc-web is read whole). */
const prefixOf = (name: string): string => (name.toLowerCase().startsWith('grpc-web') ? 'grpc-web' : (name.split('-')[0] ?? ''));

describe('Service port protocol', () => {
  it.each(ROWS.map((r) => [label(r), r] as const))('%s', (_, row) => {
    expect(servicePortProtocol({ port: row.port ?? 8080, name: row.name, appProtocol: row.appProtocol, protocol: row.ipProtocol })).toBe(row.istio);

    const { resources, errors } = validated(serviceYaml(row));
    expect(errors).toEqual([]);

    const store = new ConfigStore();
    store.apply(resources);
    const registered = buildRegistry(store.snapshot()).byHostname.get('svc.default.svc.cluster.local');
    expect(registered?.ports.map((p) => p.protocol)).toEqual([row.registry]);

    // The analyzer warns exactly where Istio would sniff.
    const findings = analyze(resources, { only: [portNameAnalyzer], builtins: false }).map((c) => c.code);
    expect(findings).toEqual(row.istio === undefined ? [Codes.PortNameIsNotUnderNamingConvention] : []);
  });

  it.each(ROWS.filter((r) => r.name !== undefined && r.appProtocol === undefined && r.ipProtocol === undefined && r.port === undefined).map((r) => [prefixOf(r.name ?? ''), r] as const))(
    'the schema accepts "%s" as a ServiceEntry protocol exactly when the port name selects it',
    (prefix, row) => {
      const { resources, errors } = validated(`apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se, namespace: default}\nspec:\n  hosts: [api.example.com]\n  resolution: DNS\n  ports: [{number: 8080, name: p, protocol: ${JSON.stringify(prefix)}}]\n`);
      expect(errors.length === 0).toBe(row.istio !== undefined);
      expect(parseProtocol(prefix)).toBe(row.istio);
      if (row.istio === undefined) return;
      const store = new ConfigStore();
      store.apply(resources);
      expect(buildRegistry(store.snapshot()).byHostname.get('api.example.com')?.ports.map((p) => p.protocol)).toEqual([row.registry]);
    },
  );

  it('matches a port name without regard to case, though Kubernetes only lets a Service port name be lower case', () => {
    expect(servicePortProtocol({ port: 8080, name: 'HTTP-web' })).toBe('HTTP');
    expect(servicePortProtocol({ port: 8080, name: 'GRPC-Web-x' })).toBe('GRPC-Web');
    expect(validated(serviceYaml({ name: 'HTTP-web', istio: 'HTTP', registry: 'HTTP' })).errors).toHaveLength(1);
  });

  it('reads a ServiceEntry port from its protocol field only, never its name', () => {
    const { resources } = validated('apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se, namespace: default}\nspec:\n  hosts: [api.example.com]\n  resolution: DNS\n  ports: [{number: 8080, name: http}]\n');
    const store = new ConfigStore();
    store.apply(resources);
    expect(buildRegistry(store.snapshot()).byHostname.get('api.example.com')?.ports.map((p) => p.protocol)).toEqual(['UNKNOWN']);
  });
});
