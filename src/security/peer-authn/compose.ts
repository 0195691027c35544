/**
 * PeerAuthentication resolution as Istio's pilot does it (authentication.go addPeerAuthentication,
 * getConfigsForWorkload; policy_applier.go ComposePeerAuthentication): which resources are
 * candidates, which wins in each scope, and how UNSET inherits.
 */
import type { PeerAuthenticationSpec } from '../../api/kinds/peer-authentication.js';
import { labelsInclude } from '../../api/selectors.js';
import type { MtlsMode, PeerAuthnChainEntry, PeerAuthnConfig } from './config.js';

export const DEFAULT_ROOT_NAMESPACE = 'istio-system';

export interface PeerAuthenticationInput {
  namespace: string;
  name: string;
  /** RFC 3339, as Kubernetes writes it. Absent counts as the oldest possible time, as Go's zero time does. */
  creationTimestamp?: string | null;
  spec: PeerAuthenticationSpec;
}

export interface PeerAuthnWorkload {
  namespace: string;
  labels: Readonly<Record<string, string>>;
  /**
   * Namespaces of the Services the workload belongs to. Istio also looks for candidates there, so a
   * namespace-wide or selector policy in a Service's namespace can apply to a workload elsewhere.
   */
  serviceNamespaces?: readonly string[];
}

export interface PeerAuthnOptions {
  rootNamespace?: string;
}

type Declared = 'UNSET' | MtlsMode;

function declaredMode(mtls: { mode?: string | undefined } | undefined): Declared {
  const m = mtls?.mode;
  return m === 'STRICT' || m === 'PERMISSIVE' || m === 'DISABLE' ? m : 'UNSET';
}

function timeOf(p: PeerAuthenticationInput): number {
  const t = p.creationTimestamp ? Date.parse(p.creationTimestamp) : NaN;
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** Istio's ordering: creation time, then name, then namespace. */
function compareByAge(a: PeerAuthenticationInput, b: PeerAuthenticationInput): number {
  const ta = timeOf(a);
  const tb = timeOf(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
}

const isWide = (p: PeerAuthenticationInput) => Object.keys(p.spec.selector?.matchLabels ?? {}).length === 0;
const ref = (p: PeerAuthenticationInput) => `${p.namespace}/${p.name}`;

interface Indexed {
  byNamespace: Map<string, PeerAuthenticationInput[]>;
  /** Namespace/mesh-wide policies that lost to an older one in their namespace. */
  shadowed: Map<PeerAuthenticationInput, PeerAuthenticationInput>;
}

/** Sorted by age per namespace, keeping only the oldest namespace-wide policy of each namespace. */
function index(policies: readonly PeerAuthenticationInput[]): Indexed {
  const byNamespace = new Map<string, PeerAuthenticationInput[]>();
  const wideSeen = new Map<string, PeerAuthenticationInput>();
  const shadowed = new Map<PeerAuthenticationInput, PeerAuthenticationInput>();
  for (const p of [...policies].sort(compareByAge)) {
    if (isWide(p)) {
      const first = wideSeen.get(p.namespace);
      if (first) {
        shadowed.set(p, first);
        continue;
      }
      wideSeen.set(p.namespace, p);
    }
    const list = byNamespace.get(p.namespace) ?? [];
    list.push(p);
    byNamespace.set(p.namespace, list);
  }
  return { byNamespace, shadowed };
}

/** The oldest of `candidates`; on equal times the first one listed stays, as Istio's strict Before does. */
function oldest(candidates: readonly PeerAuthenticationInput[]): PeerAuthenticationInput | undefined {
  let best: PeerAuthenticationInput | undefined;
  for (const c of candidates) if (!best || timeOf(c) < timeOf(best)) best = c;
  return best;
}

/**
 * The effective PeerAuthentication of a workload: PERMISSIVE, then the mesh policy, the namespace
 * policy and the workload policy each override it unless UNSET; `portLevelMtls` is read from the
 * winning workload policy only, its UNSET ports taking the workload's resolved mode.
 */
export function composePeerAuthentication(
  policies: readonly PeerAuthenticationInput[],
  workload: PeerAuthnWorkload,
  options: PeerAuthnOptions = {},
): PeerAuthnConfig {
  const root = options.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
  const { byNamespace, shadowed } = index(policies);
  const lookIn = [...new Set([workload.namespace, root, ...(workload.serviceNamespaces ?? [])])];
  const chain: PeerAuthnChainEntry[] = [];

  const mesh: PeerAuthenticationInput[] = [];
  const namespaceWide: PeerAuthenticationInput[] = [];
  const selected: PeerAuthenticationInput[] = [];
  for (const ns of lookIn) {
    for (const p of byNamespace.get(ns) ?? []) {
      if (!labelsInclude(p.spec.selector?.matchLabels, workload.labels)) continue;
      if (isWide(p)) (p.namespace === root ? mesh : namespaceWide).push(p);
      else if (p.namespace !== root) selected.push(p);
      else chain.push({ scope: 'workload', policy: ref(p), declared: declaredMode(p.spec.mtls), ignored: true, why: `a selector policy in the root namespace ${root} is ignored` });
    }
  }
  for (const [lost, winner] of shadowed) {
    if (!lookIn.includes(lost.namespace)) continue;
    const scope = lost.namespace === root ? 'mesh' : 'namespace';
    chain.push({ scope, policy: ref(lost), declared: declaredMode(lost.spec.mtls), ignored: true, why: `${scope}-wide policy ${ref(winner)} is older (or equally old and first by name)` });
  }

  let mode: MtlsMode = 'PERMISSIVE';
  chain.unshift({ scope: 'default', mode, why: 'no policy sets a mode: PERMISSIVE' });

  const apply = (scope: 'mesh' | 'namespace' | 'workload', winners: PeerAuthenticationInput[]): PeerAuthenticationInput | undefined => {
    const win = oldest(winners);
    for (const p of winners) {
      if (p === win) continue;
      chain.push({ scope, policy: ref(p), declared: declaredMode(p.spec.mtls), ignored: true, why: `${scope} policy ${ref(win as PeerAuthenticationInput)} is older (or equally old and found first)` });
    }
    if (!win) return undefined;
    const declared = declaredMode(win.spec.mtls);
    if (declared === 'UNSET') chain.push({ scope, policy: ref(win), declared, mode, why: `UNSET: inherits ${mode}` });
    else {
      mode = declared;
      chain.push({ scope, policy: ref(win), declared, mode, why: `sets ${declared}` });
    }
    return win;
  };
  apply('mesh', mesh);
  apply('namespace', namespaceWide);
  const workloadPolicy = apply('workload', selected);

  const ports: Record<string, MtlsMode> = {};
  for (const [key, mtls] of Object.entries(workloadPolicy?.spec.portLevelMtls ?? {})) {
    const declared = declaredMode(mtls);
    const portMode = declared === 'UNSET' ? mode : declared;
    ports[String(Number(key))] = portMode;
    chain.push({
      scope: 'port', policy: ref(workloadPolicy as PeerAuthenticationInput), port: Number(key), declared, mode: portMode,
      why: declared === 'UNSET' ? `UNSET: inherits the workload's ${mode}` : `sets ${declared} on target port ${key}`,
    });
  }
  return { defaultMode: mode, ports, chain };
}

/**
 * The namespace-wide mode Istio infers for a Service in `namespace` (GetNamespaceMutualTLSMode with
 * BestEffortInferServiceMTLSMode's fallback): the oldest namespace policy unless UNSET, else the
 * oldest mesh policy (UNSET meaning PERMISSIVE), else PERMISSIVE.
 */
export function namespaceMtlsMode(policies: readonly PeerAuthenticationInput[], namespace: string, options: PeerAuthnOptions = {}): MtlsMode {
  const root = options.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
  const { byNamespace } = index(policies);
  const wideIn = (ns: string) => (byNamespace.get(ns) ?? []).find(isWide);
  const meshDeclared = declaredMode(wideIn(root)?.spec.mtls);
  const meshMode: MtlsMode = meshDeclared === 'UNSET' ? 'PERMISSIVE' : meshDeclared;
  const nsPolicy = namespace === root ? undefined : wideIn(namespace);
  const nsDeclared = declaredMode(nsPolicy?.spec.mtls);
  return nsDeclared === 'UNSET' ? meshMode : nsDeclared;
}
