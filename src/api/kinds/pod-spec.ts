/**
 * Kubernetes core/v1 PodSpec and the types it holds (Container, Probe, EnvVar, ...), shared by Pod and
 * by Deployment's template. Fields the local runner uses are typed one by one; fields with no meaning
 * on a laptop (volumes' sources, affinity, securityContext, resources...) are named, so typos are
 * caught, with loosely typed insides. Rules follow pkg/apis/core/validation/validation.go.
 * The name rules at the top (port names, DNS-1035 names, rules across top-level fields) are shared
 * by the other Kubernetes kinds.
 */
import { z } from 'zod';
import { obj, str, bool, int32, int64, port, enumOf, intOrString, labels, deprecated } from '../schema/fields.js';
import { objectMetaSchema } from '../schema/meta.js';
import { dns1123LabelProblem, dns1123SubdomainProblem, isIP } from '../schema/names.js';

// ---- name rules shared by the Kubernetes kinds ----

/** A string checked by a `xProblem` function, reported as `invalid WHAT "value": problem`. */
export function checkedString(problem: (v: string) => string | undefined, what: string) {
  return z.string().superRefine((v, ctx) => {
    const p = problem(v);
    if (p) ctx.addIssue({ code: 'custom', message: `invalid ${what} "${v}": ${p}` });
  });
}

export const dnsLabel = (what: string) => checkedString(dns1123LabelProblem, what);
export const dnsSubdomain = (what: string) => checkedString(dns1123SubdomainProblem, what);

/** IANA_SVC_NAME, the rule for container port names and named target ports. */
export function ianaSvcNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 15) return 'must be no more than 15 characters';
  if (!/^[-a-z0-9]+$/.test(name)) return 'must contain only lower case alphanumeric characters or "-"';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter (a-z)';
  if (name.includes('--')) return 'must not contain consecutive hyphens';
  if (name.startsWith('-') || name.endsWith('-')) return 'must not begin or end with a hyphen';
  return undefined;
}

/** A port given by number (1-65535) or by the name of a container port (IANA_SVC_NAME). */
export const portNumOrName = () =>
  intOrString().superRefine((v, ctx) => {
    if (typeof v === 'number') {
      if (v < 1 || v > 65535) ctx.addIssue({ code: 'custom', message: `port must be between 1-65535 (got ${v})` });
    } else {
      const p = ianaSvcNameProblem(v);
      if (p) ctx.addIssue({ code: 'custom', message: `invalid port name "${v}": ${p}` });
    }
  });

/**
 * defineKind has no place for rules across top-level fields (kinds without a spec keep their fields
 * there), so this adds them to the kind's whole-object schema.
 */
export function withObjectRules<S extends z.ZodType, I extends { schema: z.ZodType }>(
  kind: { info: I; schema: S },
  rules: (value: z.infer<S>, ctx: z.RefinementCtx) => void,
) {
  const schema = kind.schema.superRefine(rules);
  return { info: { ...kind.info, schema }, schema };
}

/** Why `name` is not a DNS-1035 label (Service names: must start with a letter), or undefined. */
export function dns1035LabelProblem(name: string): string | undefined {
  const p = dns1123LabelProblem(name);
  if (p) return p;
  if (!/^[a-z]/.test(name)) return 'a DNS-1035 label must start with an alphabetic character';
  return undefined;
}

/** Adds a rule on metadata.name to a kind whose names are stricter than ObjectMeta's DNS-1123 subdomain. */
export function nameRule(problem: (name: string) => string | undefined) {
  return (value: { metadata: { name: string } }, ctx: z.RefinementCtx): void => {
    const p = problem(value.metadata.name);
    if (p) ctx.addIssue({ code: 'custom', path: ['metadata', 'name'], message: `invalid name "${value.metadata.name}": ${p}` });
  };
}

const nonNegative = () => int32().min(0, { message: 'must be greater than or equal to 0' });
const loose = () => z.record(z.string(), z.unknown());
const ipAddress = () => z.string().superRefine((v, ctx) => {
  if (!isIP(v)) ctx.addIssue({ code: 'custom', message: `invalid IP address "${v}"` });
});
/** Named fields whose insides tack does not read. */
function looseFields<const K extends readonly string[]>(keys: K) {
  return Object.fromEntries(keys.map((k) => [k, loose().optional()])) as { [P in K[number]]: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodUnknown>> };
}
const localObjectReference = obj({ name: str().optional() });

/** Reports a oneof whose members are all unset, or more than one set (Kubernetes' "handler type" rules). */
function exactlyOne(value: Record<string, unknown>, keys: readonly string[], ctx: z.RefinementCtx, what: string, required = true): void {
  const set = keys.filter((k) => value[k] !== undefined && value[k] !== null);
  if (set.length === 0 && required) ctx.addIssue({ code: 'custom', message: `must specify ${what}: one of ${keys.join(', ')}` });
  if (set.length > 1) ctx.addIssue({ code: 'custom', path: [set[1] as string], message: `may not specify more than 1 ${what} (got ${set.join(' and ')})` });
}

// ---- probes and lifecycle handlers ----

export const httpHeaderSchema = obj({ name: z.string().min(1, { message: 'must not be empty' }), value: str() });

export const httpGetActionSchema = obj({
  path: str().optional(),
  port: portNumOrName(),
  host: str().optional(),
  scheme: enumOf(['HTTP', 'HTTPS']).optional(),
  httpHeaders: z.array(httpHeaderSchema).optional(),
});
export type HTTPGetAction = z.infer<typeof httpGetActionSchema>;

export const tcpSocketActionSchema = obj({ port: portNumOrName(), host: str().optional() });
export type TCPSocketAction = z.infer<typeof tcpSocketActionSchema>;

export const execActionSchema = obj({ command: z.array(str()).optional() });
export type ExecAction = z.infer<typeof execActionSchema>;

export const grpcActionSchema = obj({ port: port(), service: str().optional() });
export type GRPCAction = z.infer<typeof grpcActionSchema>;

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

export const probeSchema = obj({
  exec: execActionSchema.optional(),
  httpGet: httpGetActionSchema.optional(),
  tcpSocket: tcpSocketActionSchema.optional(),
  grpc: grpcActionSchema.optional(),
  initialDelaySeconds: nonNegative().optional(),
  timeoutSeconds: nonNegative().optional(),
  periodSeconds: nonNegative().optional(),
  successThreshold: nonNegative().optional(),
  failureThreshold: nonNegative().optional(),
  terminationGracePeriodSeconds: int64().min(1, { message: 'must be greater than 0' }).optional(),
}).superRefine((p, ctx) => exactlyOne(p, PROBE_HANDLERS, ctx, 'handler type'));
export type Probe = z.infer<typeof probeSchema>;

const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;
export const lifecycleHandlerSchema = obj({
  exec: execActionSchema.optional(),
  httpGet: httpGetActionSchema.optional(),
  tcpSocket: deprecated(tcpSocketActionSchema, 'kept for compatibility and never run by Kubernetes; use exec, httpGet or sleep').optional(),
  sleep: obj({ seconds: int64().min(0, { message: 'must be greater than or equal to 0' }) }).optional(),
}).superRefine((h, ctx) => exactlyOne(h, LIFECYCLE_HANDLERS, ctx, 'handler type'));
export type LifecycleHandler = z.infer<typeof lifecycleHandlerSchema>;

export const lifecycleSchema = obj({
  postStart: lifecycleHandlerSchema.optional(),
  preStop: lifecycleHandlerSchema.optional(),
  stopSignal: str().optional(),
});
export type Lifecycle = z.infer<typeof lifecycleSchema>;

// ---- environment ----

/** Kubernetes (1.30+, RelaxedEnvironmentVariableValidation): printable ASCII other than "=". */
export function envVarNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (!/^[\x20-\x7e]+$/.test(name) || name.includes('=')) return 'a valid environment variable name must consist only of printable ASCII characters other than "="';
  return undefined;
}

/** Keys of ConfigMap and Secret data (and the keys env references name). */
export function configKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (key.length > 253) return 'must be no more than 253 characters';
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) return 'a valid config key must consist of alphanumeric characters, "-", "_" or "."';
  if (key === '.' || key === '..') return `must not be "${key}"`;
  if (key.startsWith('..')) return 'must not start with ".."';
  return undefined;
}

const FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels', 'metadata.annotations',
  'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];

export const objectFieldSelectorSchema = obj({
  apiVersion: str().optional(),
  fieldPath: z.string().superRefine((v, ctx) => {
    if (FIELD_PATHS.includes(v) || /^metadata\.(labels|annotations)\['[^']+'\]$/.test(v)) return;
    ctx.addIssue({ code: 'custom', message: `unsupported fieldPath "${v}": use one of ${FIELD_PATHS.join(', ')}, metadata.labels['KEY'] or metadata.annotations['KEY']` });
  }),
});

const keySelector = () =>
  obj({
    name: z.string().min(1, { message: 'must not be empty' }),
    key: checkedString(configKeyProblem, 'key'),
    optional: bool().optional(),
  });

export const envVarSourceSchema = obj({
  fieldRef: objectFieldSelectorSchema.optional(),
  resourceFieldRef: obj({ containerName: str().optional(), resource: str(), divisor: z.union([z.string(), z.number()]).optional() }).optional(),
  configMapKeyRef: keySelector().optional(),
  secretKeyRef: keySelector().optional(),
  fileKeyRef: obj({ volumeName: str(), path: str(), key: str(), optional: bool().optional() }).optional(),
}).superRefine((s, ctx) => exactlyOne(s, ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'], ctx, 'source'));
export type EnvVarSource = z.infer<typeof envVarSourceSchema>;

export const envVarSchema = obj({
  name: checkedString(envVarNameProblem, 'environment variable name'),
  value: str().optional(),
  valueFrom: envVarSourceSchema.optional(),
}).superRefine((e, ctx) => {
  if (e.valueFrom !== undefined && e.value !== undefined && e.value !== '') {
    ctx.addIssue({ code: 'custom', path: ['valueFrom'], message: 'may not be specified when `value` is not empty' });
  }
});
export type EnvVar = z.infer<typeof envVarSchema>;

const refWithOptional = () => obj({ name: str().optional(), optional: bool().optional() });
export const envFromSourceSchema = obj({
  prefix: str().optional(),
  configMapRef: refWithOptional().optional(),
  secretRef: refWithOptional().optional(),
}).superRefine((s, ctx) => exactlyOne(s, ['configMapRef', 'secretRef'], ctx, 'source'));
export type EnvFromSource = z.infer<typeof envFromSourceSchema>;

// ---- containers ----

export const containerPortSchema = obj({
  name: checkedString(ianaSvcNameProblem, 'port name').optional(),
  containerPort: port(),
  protocol: enumOf(['TCP', 'UDP', 'SCTP']).optional(),
  hostPort: port().optional(),
  hostIP: ipAddress().optional(),
});
export type ContainerPort = z.infer<typeof containerPortSchema>;

export const volumeMountSchema = obj({
  name: str(),
  mountPath: z.string().min(1, { message: 'must not be empty' }),
  readOnly: bool().optional(),
  recursiveReadOnly: enumOf(['Disabled', 'IfPossible', 'Enabled']).optional(),
  subPath: str().optional(),
  subPathExpr: str().optional(),
  mountPropagation: enumOf(['None', 'HostToContainer', 'Bidirectional']).optional(),
});
export type VolumeMount = z.infer<typeof volumeMountSchema>;

export const resourceRequirementsSchema = obj({
  limits: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  requests: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  claims: z.array(obj({ name: str(), request: str().optional() })).optional(),
});
export type ResourceRequirements = z.infer<typeof resourceRequirementsSchema>;

export const containerSchema = obj({
  name: dnsLabel('container name'),
  image: z.string().min(1, { message: 'must not be empty' }),
  command: z.array(str()).optional(),
  args: z.array(str()).optional(),
  workingDir: str().optional(),
  ports: z.array(containerPortSchema).optional(),
  env: z.array(envVarSchema).optional(),
  envFrom: z.array(envFromSourceSchema).optional(),
  resources: resourceRequirementsSchema.optional(),
  resizePolicy: z.array(loose()).optional(),
  restartPolicy: enumOf(['Always']).optional(),
  restartPolicyRules: z.array(loose()).optional(),
  volumeMounts: z.array(volumeMountSchema).optional(),
  volumeDevices: z.array(obj({ name: str(), devicePath: str() })).optional(),
  livenessProbe: probeSchema.optional(),
  readinessProbe: probeSchema.optional(),
  startupProbe: probeSchema.optional(),
  lifecycle: lifecycleSchema.optional(),
  terminationMessagePath: str().optional(),
  terminationMessagePolicy: enumOf(['File', 'FallbackToLogsOnError']).optional(),
  imagePullPolicy: enumOf(['Always', 'Never', 'IfNotPresent']).optional(),
  securityContext: loose().optional(),
  stdin: bool().optional(),
  stdinOnce: bool().optional(),
  tty: bool().optional(),
}).superRefine((c, ctx) => {
  const portNames = new Set<string>();
  const portKeys = new Set<string>();
  (c.ports ?? []).forEach((p, i) => {
    if (p.name !== undefined) {
      if (portNames.has(p.name)) ctx.addIssue({ code: 'custom', path: ['ports', i, 'name'], message: `duplicate port name "${p.name}"` });
      portNames.add(p.name);
    }
    const key = `${p.containerPort}/${p.protocol ?? 'TCP'}`;
    if (portKeys.has(key)) ctx.addIssue({ code: 'custom', path: ['ports', i, 'containerPort'], message: `duplicate container port ${key}` });
    portKeys.add(key);
  });
  for (const probe of ['livenessProbe', 'startupProbe'] as const) {
    const t = c[probe]?.successThreshold;
    if (t !== undefined && t !== 1) ctx.addIssue({ code: 'custom', path: [probe, 'successThreshold'], message: `must be 1 for ${probe} (got ${t})` });
  }
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    if (mountPaths.has(m.mountPath)) ctx.addIssue({ code: 'custom', path: ['volumeMounts', i, 'mountPath'], message: `duplicate mountPath "${m.mountPath}": must be unique` });
    mountPaths.add(m.mountPath);
    if (m.subPath !== undefined && m.subPathExpr !== undefined) ctx.addIssue({ code: 'custom', path: ['volumeMounts', i, 'subPathExpr'], message: 'subPathExpr and subPath are mutually exclusive' });
  });
});
export type Container = z.infer<typeof containerSchema>;

// ---- volumes and scheduling (named, loosely typed) ----

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos',
  'csi', 'ephemeral', 'image',
] as const;

export const volumeSchema = obj({
  name: dnsLabel('volume name'),
  ...looseFields(VOLUME_SOURCES),
}).superRefine((v, ctx) => exactlyOne(v, VOLUME_SOURCES, ctx, 'volume type', false));
export type Volume = z.infer<typeof volumeSchema>;

export const tolerationSchema = obj({
  key: str().optional(),
  operator: enumOf(['Exists', 'Equal']).optional(),
  value: str().optional(),
  effect: enumOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: int64().optional(),
});

export const affinitySchema = obj({
  nodeAffinity: loose().optional(),
  podAffinity: loose().optional(),
  podAntiAffinity: loose().optional(),
});

export const podDNSConfigSchema = obj({
  nameservers: z.array(ipAddress()).optional(),
  searches: z.array(str()).optional(),
  options: z.array(obj({ name: str().optional(), value: str().optional() })).optional(),
});

// ---- PodSpec ----

export const podSpecSchema = obj({
  containers: z.array(containerSchema).min(1, { message: 'a pod needs at least one container' }),
  initContainers: z.array(containerSchema).optional(),
  ephemeralContainers: z.array(loose()).optional(),
  volumes: z.array(volumeSchema).optional(),
  restartPolicy: enumOf(['Always', 'OnFailure', 'Never']).optional(),
  terminationGracePeriodSeconds: int64().min(0, { message: 'must be greater than or equal to 0' }).optional(),
  activeDeadlineSeconds: int64().min(1, { message: 'must be greater than or equal to 1' }).optional(),
  dnsPolicy: enumOf(['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']).optional(),
  dnsConfig: podDNSConfigSchema.optional(),
  nodeSelector: labels().optional(),
  serviceAccountName: dnsSubdomain('service account name').optional(),
  serviceAccount: deprecated(dnsSubdomain('service account name'), 'use serviceAccountName').optional(),
  automountServiceAccountToken: bool().optional(),
  nodeName: str().optional(),
  hostNetwork: bool().optional(),
  hostPID: bool().optional(),
  hostIPC: bool().optional(),
  hostUsers: bool().optional(),
  shareProcessNamespace: bool().optional(),
  securityContext: loose().optional(),
  imagePullSecrets: z.array(localObjectReference).optional(),
  hostname: dnsLabel('hostname').optional(),
  hostnameOverride: str().optional(),
  subdomain: dnsLabel('subdomain').optional(),
  setHostnameAsFQDN: bool().optional(),
  affinity: affinitySchema.optional(),
  schedulerName: str().optional(),
  tolerations: z.array(tolerationSchema).optional(),
  hostAliases: z.array(obj({ ip: ipAddress(), hostnames: z.array(str()).optional() })).optional(),
  priorityClassName: str().optional(),
  priority: int32().optional(),
  preemptionPolicy: enumOf(['PreemptLowerPriority', 'Never']).optional(),
  readinessGates: z.array(obj({ conditionType: str() })).optional(),
  runtimeClassName: str().optional(),
  enableServiceLinks: bool().optional(),
  overhead: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  topologySpreadConstraints: z.array(loose()).optional(),
  os: obj({ name: enumOf(['linux', 'windows']) }).optional(),
  schedulingGates: z.array(obj({ name: str() })).optional(),
  resourceClaims: z.array(loose()).optional(),
  resources: resourceRequirementsSchema.optional(),
}).superRefine((s, ctx) => {
  const names = new Map<string, string>();
  const all = [...(s.initContainers ?? []).map((c, i) => ['initContainers', i, c] as const), ...s.containers.map((c, i) => ['containers', i, c] as const)];
  for (const [field, i, c] of all) {
    const prior = names.get(c.name);
    if (prior) ctx.addIssue({ code: 'custom', path: [field, i, 'name'], message: `duplicate container name "${c.name}" (already used by ${prior})` });
    else names.set(c.name, `${field}[${i}]`);
  }
  s.containers.forEach((c, i) => {
    if (c.restartPolicy !== undefined) ctx.addIssue({ code: 'custom', path: ['containers', i, 'restartPolicy'], message: 'may not be set for non-init containers' });
  });
  (s.initContainers ?? []).forEach((c, i) => {
    if (c.restartPolicy === 'Always') return;
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (c[probe]) ctx.addIssue({ code: 'custom', path: ['initContainers', i, probe], message: 'may not be set for init containers without restartPolicy=Always' });
    }
    if (c.lifecycle) ctx.addIssue({ code: 'custom', path: ['initContainers', i, 'lifecycle'], message: 'may not be set for init containers without restartPolicy=Always' });
  });
  const volumes = new Set<string>();
  (s.volumes ?? []).forEach((v, i) => {
    if (volumes.has(v.name)) ctx.addIssue({ code: 'custom', path: ['volumes', i, 'name'], message: `duplicate volume name "${v.name}"` });
    volumes.add(v.name);
  });
  for (const [field, i, c] of all) {
    (c.volumeMounts ?? []).forEach((m, j) => {
      if (!volumes.has(m.name)) ctx.addIssue({ code: 'custom', path: [field, i, 'volumeMounts', j, 'name'], message: `volume "${m.name}" not found: add it to spec.volumes` });
    });
  }
  if (s.dnsPolicy === 'None' && s.dnsConfig === undefined) ctx.addIssue({ code: 'custom', path: ['dnsConfig'], message: 'must provide `dnsConfig` when `dnsPolicy` is None' });
  if (s.hostNetwork) {
    for (const [field, i, c] of all) {
      (c.ports ?? []).forEach((p, j) => {
        if (p.hostPort !== undefined && p.hostPort !== p.containerPort) ctx.addIssue({ code: 'custom', path: [field, i, 'ports', j, 'hostPort'], message: 'must match `containerPort` when `hostNetwork` is true' });
      });
    }
  }
});
export type PodSpec = z.infer<typeof podSpecSchema>;

/** Metadata of a pod template: an ObjectMeta whose name is optional (the controller names pods). */
export const templateMetaSchema = objectMetaSchema.extend({ name: objectMetaSchema.shape.name.optional() });
export type TemplateMeta = z.infer<typeof templateMetaSchema>;

export const podTemplateSpecSchema = obj({
  metadata: templateMetaSchema.optional(),
  spec: podSpecSchema,
});
export type PodTemplateSpec = z.infer<typeof podTemplateSpecSchema>;
