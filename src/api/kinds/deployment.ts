/** Kubernetes apps/v1 Deployment: fields and rules of apps/validation (ValidateDeploymentSpec). */
import { z } from 'zod';
import { obj, str, bool, int32, enumOf, intOrString, labels } from '../schema/fields.js';
import { labelKeyProblem, labelValueProblem } from '../schema/names.js';
import { defineKind, statusField } from './define.js';
import { podTemplateSpecSchema } from './pod-spec.js';

const nonNegative = () => int32().min(0, { message: 'must be greater than or equal to 0' });

export const labelSelectorRequirementSchema = obj({
  key: z.string().superRefine((v, ctx) => {
    const p = labelKeyProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: `invalid label key "${v}": ${p}` });
  }),
  operator: enumOf(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(str()).optional(),
}).superRefine((r, ctx) => {
  const values = r.values ?? [];
  if ((r.operator === 'In' || r.operator === 'NotIn') && values.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: `must be specified when \`operator\` is '${r.operator}'` });
  }
  if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && values.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: `may not be specified when \`operator\` is '${r.operator}'` });
  }
  values.forEach((v, i) => {
    const p = labelValueProblem(v);
    if (p) ctx.addIssue({ code: 'custom', path: ['values', i], message: `invalid label value "${v}": ${p}` });
  });
});
export type LabelSelectorRequirement = z.infer<typeof labelSelectorRequirementSchema>;

export const labelSelectorSchema = obj({
  matchLabels: labels().optional(),
  matchExpressions: z.array(labelSelectorRequirementSchema).optional(),
});
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

/** Whether `labels` satisfy a Kubernetes label selector (matchLabels AND every matchExpression). */
export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    const inValues = has && value !== undefined && (e.values ?? []).includes(value);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Whether every requirement has the values its operator needs (an invalid one is reported by itself). */
function selectorIsValid(sel: LabelSelector): boolean {
  return (sel.matchExpressions ?? []).every((e) => ((e.operator === 'In' || e.operator === 'NotIn') === ((e.values ?? []).length > 0)));
}

/** An int (≥ 0) or a percentage such as "25%". */
const intOrPercent = () =>
  intOrString().superRefine((v, ctx) => {
    if (typeof v === 'number') {
      if (v < 0) ctx.addIssue({ code: 'custom', message: `must be greater than or equal to 0 (got ${v})` });
    } else if (!/^[0-9]+%$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: `invalid value "${v}": a valid percent string must be a numeric string followed by an ending '%' (e.g. '25%')` });
    }
  });

const isZero = (v: number | string | undefined): boolean => v === 0 || v === '0%';

export const rollingUpdateDeploymentSchema = obj({
  maxUnavailable: intOrPercent().optional(),
  maxSurge: intOrPercent().optional(),
}).superRefine((r, ctx) => {
  if (typeof r.maxUnavailable === 'string' && Number.parseInt(r.maxUnavailable, 10) > 100) {
    ctx.addIssue({ code: 'custom', path: ['maxUnavailable'], message: `must not be greater than 100% (got ${r.maxUnavailable})` });
  }
  if (isZero(r.maxUnavailable) && isZero(r.maxSurge)) {
    ctx.addIssue({ code: 'custom', path: ['maxUnavailable'], message: 'may not be 0 when `maxSurge` is 0' });
  }
});

export const deploymentStrategySchema = obj({
  type: enumOf(['Recreate', 'RollingUpdate']).optional(),
  rollingUpdate: rollingUpdateDeploymentSchema.optional(),
}).superRefine((s, ctx) => {
  if (s.type === 'Recreate' && s.rollingUpdate !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['rollingUpdate'], message: "may not be specified when strategy `type` is 'Recreate'" });
  }
});
export type DeploymentStrategy = z.infer<typeof deploymentStrategySchema>;

export const deploymentSpecSchema = obj({
  replicas: nonNegative().optional(),
  selector: labelSelectorSchema,
  template: podTemplateSpecSchema,
  strategy: deploymentStrategySchema.optional(),
  minReadySeconds: nonNegative().optional(),
  revisionHistoryLimit: nonNegative().optional(),
  progressDeadlineSeconds: nonNegative().optional(),
  paused: bool().optional(),
}).superRefine((d, ctx) => {
  const sel = d.selector;
  if (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
    ctx.addIssue({ code: 'custom', path: ['selector'], message: 'empty selector is invalid for deployment' });
  } else if (selectorIsValid(sel) && !labelSelectorMatches(sel, d.template.metadata?.labels ?? {})) {
    ctx.addIssue({ code: 'custom', path: ['template', 'metadata', 'labels'], message: 'selector does not match template labels' });
  }
  const restart = d.template.spec.restartPolicy;
  if (restart !== undefined && restart !== 'Always') {
    ctx.addIssue({ code: 'custom', path: ['template', 'spec', 'restartPolicy'], message: `unsupported value "${restart}": a Deployment's pods must use "Always"` });
  }
  if (d.progressDeadlineSeconds !== undefined && d.progressDeadlineSeconds <= (d.minReadySeconds ?? 0)) {
    ctx.addIssue({ code: 'custom', path: ['progressDeadlineSeconds'], message: 'must be greater than minReadySeconds' });
  }
});
export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;

export const Deployment = defineKind({
  kind: 'Deployment',
  group: 'apps',
  versions: ['v1'],
  namespaced: true,
  plural: 'deployments',
  shortNames: ['deploy'],
  body: { spec: deploymentSpecSchema, status: statusField },
});
export type DeploymentObject = z.infer<typeof Deployment.schema>;
