/** A read-only view over a set of validated resources, shaped for the questions analyzers ask. */
import { formatPath, type Check, type Level } from '../checks.js';
import { labelsInclude } from '../selectors.js';
import { builtinResources, isBuiltin } from '../builtins.js';
import { refOf, type Resource } from '../resource.js';
import { CLUSTER_DOMAIN, resolveHost } from '../hosts.js';
import { applicableDestinationRule } from '../destination-rules.js';
import { knownHosts, visibleFrom, type KnownHost } from './registry-view.js';
import type { VirtualServiceObject } from '../kinds/virtual-service.js';
import type { DestinationRuleObject } from '../kinds/destination-rule.js';
import type { GatewayObject } from '../kinds/gateway.js';
import type { ServiceEntryObject } from '../kinds/service-entry.js';
import type { WorkloadEntryObject } from '../kinds/workload-entry.js';
import type { SidecarObject } from '../kinds/sidecar.js';
import type { PeerAuthenticationObject } from '../kinds/peer-authentication.js';
import type { AuthorizationPolicyObject } from '../kinds/authorization-policy.js';
import type { RequestAuthenticationObject } from '../kinds/request-authentication.js';
import type { ServiceObject } from '../kinds/service.js';
import type { DeploymentObject } from '../kinds/deployment.js';
import type { PodObject } from '../kinds/pod.js';
import type { NamespaceObject } from '../kinds/namespace.js';
import type { SecretObject } from '../kinds/secret.js';
import type { ConfigMapObject } from '../kinds/config-map.js';
import type { ServiceAccountObject } from '../kinds/service-account.js';

export interface KindObjects {
  VirtualService: VirtualServiceObject;
  DestinationRule: DestinationRuleObject;
  Gateway: GatewayObject;
  ServiceEntry: ServiceEntryObject;
  WorkloadEntry: WorkloadEntryObject;
  Sidecar: SidecarObject;
  PeerAuthentication: PeerAuthenticationObject;
  AuthorizationPolicy: AuthorizationPolicyObject;
  RequestAuthentication: RequestAuthenticationObject;
  Service: ServiceObject;
  Deployment: DeploymentObject;
  Pod: PodObject;
  Namespace: NamespaceObject;
  Secret: SecretObject;
  ConfigMap: ConfigMapObject;
  ServiceAccount: ServiceAccountObject;
}
export type KindName = keyof KindObjects;
export type TypedResource<K extends KindName> = Resource<KindObjects[K]> & { kind: K };

/** Something that runs with labels: a Deployment's pods, a bare Pod or a WorkloadEntry. */
export interface Workload {
  kind: 'Deployment' | 'Pod' | 'WorkloadEntry';
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** Pod annotations (a Deployment's pod template, a Pod's own). */
  annotations: Record<string, string>;
  /** Declared container ports (Deployments and Pods). */
  ports: { name?: string; containerPort: number }[];
  resource?: Resource;
}

export interface AnalysisOptions {
  /**
   * Add what a tack mesh always has: the ingress gateway (Deployment and Service
   * `istio-ingressgateway` in `istio-system`, labels `istio: ingressgateway`). On by default,
   * because a `tack up` mesh runs it whether or not the manifests mention it.
   */
  builtins?: boolean;
  /** The time certificates are checked against; now by default (tests pass a fixed date). */
  now?: Date;
}

/** The namespace in a Kubernetes Service's host `name.namespace.svc.cluster.local`, if it is one. */
function namespaceInServiceHost(host: string): string | undefined {
  const suffix = `.svc.${CLUSTER_DOMAIN}`;
  if (!host.endsWith(suffix)) return undefined;
  const parts = host.slice(0, -suffix.length).split('.');
  return parts.length === 2 ? parts[1] : undefined;
}

export class AnalysisContext {
  readonly resources: readonly Resource[];
  private readonly byKind = new Map<string, Resource[]>();
  private readonly checks: Check[] = [];

  constructor(given: readonly Resource[], readonly options: AnalysisOptions = {}) {
    const resources = options.builtins === false ? given : withBuiltins(given);
    this.resources = resources;
    for (const r of resources) {
      const list = this.byKind.get(r.kind) ?? [];
      list.push(r);
      this.byKind.set(r.kind, list);
    }
  }

  all<K extends KindName>(kind: K): TypedResource<K>[] {
    return (this.byKind.get(kind) ?? []) as TypedResource<K>[];
  }

  namespaceOf(r: Resource): string {
    return r.namespace ?? 'default';
  }

  /** Namespaces that exist: declared ones, those any resource lives in, and the system ones. */
  namespaces(): Set<string> {
    const out = new Set<string>(['default', 'istio-system', 'kube-system']);
    for (const r of this.resources) {
      if (r.kind === 'Namespace') out.add(r.name);
      if (r.namespace) out.add(r.namespace);
    }
    return out;
  }

  workloads(): Workload[] {
    const out: Workload[] = [];
    for (const d of this.all('Deployment')) {
      const tpl = d.object.spec?.template;
      out.push({ kind: 'Deployment', name: d.name, namespace: this.namespaceOf(d), labels: tpl?.metadata?.labels ?? {}, annotations: tpl?.metadata?.annotations ?? {}, ports: containerPorts(tpl?.spec?.containers), resource: d });
    }
    for (const p of this.all('Pod')) {
      out.push({ kind: 'Pod', name: p.name, namespace: this.namespaceOf(p), labels: p.metadata?.labels ?? {}, annotations: p.metadata?.annotations ?? {}, ports: containerPorts(p.object.spec?.containers), resource: p });
    }
    for (const w of this.all('WorkloadEntry')) {
      out.push({ kind: 'WorkloadEntry', name: w.name, namespace: this.namespaceOf(w), labels: { ...(w.metadata?.labels ?? {}), ...(w.object.spec?.labels ?? {}) }, annotations: w.metadata?.annotations ?? {}, ports: [], resource: w });
    }
    return out;
  }

  /** Services as `{namespace, name, selector, ports}`, including the built-in gateway's. */
  services(): ServiceView[] {
    const out: ServiceView[] = this.all('Service').map((s) => ({
      name: s.name,
      namespace: this.namespaceOf(s),
      selector: s.object.spec?.selector,
      ports: (s.object.spec?.ports ?? []).map((p) => ({ port: p.port, ...(p.name !== undefined ? { name: p.name } : {}), ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}), ...(p.protocol !== undefined ? { protocol: p.protocol } : {}) })),
      resource: s,
    }));
    return out;
  }

  private drsByNamespace: Map<string, TypedResource<'DestinationRule'>[]> | undefined;
  private hosts: KnownHost[] | undefined;

  /**
   * The DestinationRule a proxy in `clientNamespace` uses for `hostname` (an FQDN), by the rule the
   * compiler uses (src/api/destination-rules.ts): exportTo and namespace order decide, so an analyzer
   * sees only what the running proxy would.
   */
  destinationRuleFor(hostname: string, clientNamespace: string): TypedResource<'DestinationRule'> | undefined {
    if (!this.drsByNamespace) {
      this.drsByNamespace = new Map();
      for (const dr of this.all('DestinationRule')) {
        const ns = this.namespaceOf(dr);
        this.drsByNamespace.set(ns, [...(this.drsByNamespace.get(ns) ?? []), dr]);
      }
    }
    this.hosts ??= knownHosts(this);
    // The service's namespace, as the client's registry holds it: one it can see first.
    const exact = this.hosts.filter((h) => h.host === hostname);
    const service = exact.find((h) => visibleFrom(h.exportTo, h.namespace, clientNamespace)) ?? exact[0];
    // A Service the manifests do not declare still names its namespace in its host; the missing host
    // itself is destination-host's finding, not a reason to call its subsets unknown too.
    const serviceNamespace = service?.namespace ?? namespaceInServiceHost(hostname);
    const byNamespace = this.drsByNamespace;
    return applicableDestinationRule(
      { hostname, clientNamespace, serviceNamespace },
      (ns) => byNamespace.get(ns) ?? [],
      (dr) => ({ namespace: this.namespaceOf(dr), host: resolveHost(dr.object.spec?.host ?? '', this.namespaceOf(dr)), exportTo: dr.object.spec?.exportTo, hasWorkloadSelector: dr.object.spec?.workloadSelector !== undefined }),
    );
  }

  report(resource: Resource, code: string, level: Level, message: string, path: readonly (string | number)[] = []): void {
    // The built-in resources are tack's own; findings about them are not the user's to fix.
    if (isBuiltin(resource)) return;
    this.checks.push({
      code,
      level,
      path: formatPath(path),
      message,
      resource: refOf(resource),
      source: { file: resource.source.file, line: resource.lineOf(path) },
    });
  }

  findings(): Check[] {
    return this.checks;
  }
}

export interface ServiceView {
  name: string;
  namespace: string;
  selector: Record<string, string> | undefined;
  ports: { port: number; name?: string; targetPort?: number | string; protocol?: string }[];
  resource?: Resource;
}


function containerPorts(containers: readonly { ports?: readonly { name?: string | undefined; containerPort: number }[] | undefined }[] | undefined): Workload['ports'] {
  const out: Workload['ports'] = [];
  for (const c of containers ?? []) for (const p of c.ports ?? []) out.push({ ...(p.name !== undefined ? { name: p.name } : {}), containerPort: p.containerPort });
  return out;
}

/** `a=1,b=2`, sorted by key, as kubectl prints a label selector. */
export function selectorText(selector: Record<string, string> | undefined): string {
  return Object.entries(selector ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Is every label of `sub` also in `sup`, with the same value? (An empty selector is in every one.) */
export function selectorSubset(sub: Record<string, string> | undefined, sup: Record<string, string> | undefined): boolean {
  return labelsInclude(sub, sup);
}

/** A workload opted out of the sidecar with `sidecar.istio.io/inject: "false"` (annotation or label) is not in the mesh. */
export function inMesh(w: Workload): boolean {
  return w.annotations['sidecar.istio.io/inject'] !== 'false' && w.labels['sidecar.istio.io/inject'] !== 'false';
}

/** An absent selector selects nothing here (a Gateway or policy without one names no workload). */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return selector !== undefined && labelsInclude(selector, labels);
}

/** User resources plus the built-in ones they do not replace (same kind, namespace and name). */
function withBuiltins(resources: readonly Resource[]): Resource[] {
  const key = (r: Resource) => `${r.kind}/${r.namespace ?? ''}/${r.name}`;
  const taken = new Set(resources.map(key));
  return [...resources, ...builtinResources().filter((b) => !taken.has(key(b)))];
}
