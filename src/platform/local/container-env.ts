/** The environment a container's process gets, as DESIGN §3 lays it out. */
import type { Container, EnvVar } from '../../api/kinds/pod-spec.js';
import type { Resource } from '../../api/index.js';

/** Variables of tack's own environment a program needs to run at all. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'TERM', 'USER', 'SHELL', 'JAVA_HOME', 'NODE_PATH', 'SYSTEMROOT'];

export interface PodIdentity {
  namespace: string;
  name: string;
  serviceAccount: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface EnvContext {
  pod: PodIdentity;
  /** Looks up a Secret or ConfigMap key for `valueFrom`. */
  lookup(kind: 'Secret' | 'ConfigMap', namespace: string, name: string): Resource | undefined;
}

function fieldRef(path: string, pod: PodIdentity): string {
  switch (path) {
    case 'metadata.name':
      return pod.name;
    case 'metadata.namespace':
      return pod.namespace;
    case 'spec.serviceAccountName':
      return pod.serviceAccount;
    case 'status.podIP':
    case 'status.hostIP':
      return '127.0.0.1';
    case 'spec.nodeName':
      return 'localhost';
    default: {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
      if (m) return (m[1] === 'labels' ? pod.labels : pod.annotations)[m[2] ?? ''] ?? '';
      return '';
    }
  }
}

function keyOf(r: Resource | undefined, key: string): string | undefined {
  if (!r) return undefined;
  const obj = r.object as { data?: Record<string, string>; stringData?: Record<string, string> };
  if (r.kind === 'Secret') {
    if (obj.stringData?.[key] !== undefined) return obj.stringData[key];
    const b64 = obj.data?.[key];
    return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
  }
  return obj.data?.[key];
}

/** `$(VAR)` references to earlier variables expand, as in Kubernetes; `$$(VAR)` escapes. */
function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : name !== undefined && env[name] !== undefined ? env[name] : m));
}

export function containerEnv(container: Container, ctx: EnvContext, base: Record<string, string>): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const name of INHERITED) if (process.env[name] !== undefined) env[name] = process.env[name] as string;
  Object.assign(env, base);
  for (const from of container.envFrom ?? []) {
    const kind = from.secretRef ? 'Secret' : 'ConfigMap';
    const ref = from.secretRef ?? from.configMapRef;
    if (!ref?.name) continue;
    const r = ctx.lookup(kind, ctx.pod.namespace, ref.name);
    if (!r) {
      if (!ref.optional) problems.push(`${kind} "${ref.name}" for envFrom not found`);
      continue;
    }
    const obj = r.object as { data?: Record<string, string>; stringData?: Record<string, string> };
    for (const key of Object.keys({ ...(obj.data ?? {}), ...(obj.stringData ?? {}) })) {
      const v = keyOf(r, key);
      if (v !== undefined) env[`${from.prefix ?? ''}${key}`] = v;
    }
  }
  for (const e of container.env ?? []) {
    const v = envValue(e, ctx, env, problems);
    if (v !== undefined) env[e.name] = v;
  }
  return { env, problems };
}

function envValue(e: EnvVar, ctx: EnvContext, env: Record<string, string>, problems: string[]): string | undefined {
  if (e.value !== undefined) return expand(e.value, env);
  const from = e.valueFrom;
  if (!from) return '';
  if (from.fieldRef) return fieldRef(from.fieldRef.fieldPath, ctx.pod);
  if (from.resourceFieldRef) return '0';
  const ref = from.secretKeyRef ?? from.configMapKeyRef;
  if (ref) {
    const kind = from.secretKeyRef ? 'Secret' : 'ConfigMap';
    const v = keyOf(ctx.lookup(kind, ctx.pod.namespace, ref.name ?? ''), ref.key);
    if (v === undefined && !ref.optional) problems.push(`${kind} "${ref.name ?? ''}" key "${ref.key}" for env ${e.name} not found`);
    return v;
  }
  return undefined;
}
