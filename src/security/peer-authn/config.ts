/**
 * The compiled, JSON-serialisable result of PeerAuthentication resolution for one workload. Plain
 * data only: the proxy's listener and the control plane's auto-mTLS decision both read it.
 */

/** An effective mTLS mode; UNSET never survives resolution. */
export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/** One step of the resolution, in the order Istio applies them, for `tack explain`. */
export interface PeerAuthnChainEntry {
  scope: 'default' | 'mesh' | 'namespace' | 'workload' | 'port';
  /** `namespace/name` of the resource this entry is about; absent for the built-in default. */
  policy?: string;
  /** Port-level entries: the workload (target) port. */
  port?: number;
  /** The mode the resource wrote (UNSET when left out). */
  declared?: 'UNSET' | MtlsMode;
  /** The mode in force after this entry; absent when the resource was ignored. */
  mode?: MtlsMode;
  ignored?: boolean;
  why: string;
}

export interface PeerAuthnConfig {
  /** The workload's mode on every port not listed in `ports`. */
  defaultMode: MtlsMode;
  /** Keyed by workload (container) port, written as text so the object stays JSON. */
  ports: Record<string, MtlsMode>;
  chain: PeerAuthnChainEntry[];
}

/** The mode a connection to `targetPort` of the workload meets (Istio's GetMutualTLSModeForPort). */
export function mtlsModeForPort(config: PeerAuthnConfig, targetPort: number): MtlsMode {
  return config.ports[String(targetPort)] ?? config.defaultMode;
}
