/**
 * Building blocks for the resource schemas. Each helper encodes one of Istio's (or Kubernetes')
 * field rules once, so every kind that uses the field refuses the same inputs with the same words.
 */
import { z } from 'zod';
import { RE2JS } from 're2js';
import { parseDuration } from './duration.js';
import { hostnameProblem, labelKeyProblem, labelValueProblem } from './names.js';

/** An object that refuses fields it does not know (with a did-you-mean, see issues.ts). */
export function obj<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape);
}

export const str = () => z.string();
export const bool = () => z.boolean();
export const int32 = () => z.number().int({ message: 'must be an integer' }).min(-2147483648).max(2147483647);
export const uint32 = () => z.number().int({ message: 'must be an integer' }).min(0, { message: 'must not be negative' }).max(4294967295);
export const int64 = () => z.number().int({ message: 'must be an integer' });

/** A TCP/UDP port number. */
export const port = () =>
  z.number().int({ message: 'must be an integer' }).min(1, { message: 'port must be between 1-65535' }).max(65535, { message: 'port must be between 1-65535' });

/** Protobuf enums are written by name. */
export function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values);
}

/** Durations as Istio's CRDs take them: Go syntax such as `0.5s`, `250ms`, `3m`, `1h30m`. */
export function duration(opts: { minMs?: number } = {}) {
  const min = opts.minMs ?? 0;
  return z.string().superRefine((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `invalid duration "${value}": use a number and a unit, e.g. 500ms, 2s, 3m, 1h` });
    } else if (ms < min) {
      ctx.addIssue({ code: 'custom', message: `duration must be at least ${min}ms (got "${value}")` });
    }
  });
}

/** A regular expression in RE2 syntax, which is what Envoy compiles; JavaScript accepts more. */
export function re2() {
  return z.string().superRefine((value, ctx) => {
    const problem = re2Problem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `invalid RE2 regex "${value}": ${problem}` });
  });
}

export function re2Problem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^error parsing regexp: /, '');
  }
}

/** Kubernetes labels: qualified-name keys, values of at most 63 characters. */
export function labels() {
  return z.record(z.string(), z.string()).superRefine((value, ctx) => {
    for (const [k, v] of Object.entries(value)) {
      const kp = labelKeyProblem(k);
      if (kp) ctx.addIssue({ code: 'custom', path: [k], message: `invalid label key "${k}": ${kp}` });
      const vp = labelValueProblem(v);
      if (vp) ctx.addIssue({ code: 'custom', path: [k], message: `invalid label value "${v}": ${vp}` });
    }
  });
}

export const stringMap = () => z.record(z.string(), z.string());

/** A DNS name, optionally with a leading `*.` wildcard, or `*` alone. */
export function hostname(opts: { allowWildcard?: boolean; allowBareWildcard?: boolean } = {}) {
  return z.string().superRefine((value, ctx) => {
    const problem = hostnameProblem(value, { allowWildcard: opts.allowWildcard ?? true, allowBareWildcard: opts.allowBareWildcard ?? true });
    if (problem) ctx.addIssue({ code: 'custom', message: `invalid host "${value}": ${problem}` });
  });
}

/** Istio's `Percent`: a double between 0 and 100. */
export function percent() {
  return obj({
    value: z.number().min(0, { message: 'percentage must be in range [0, 100]' }).max(100, { message: 'percentage must be in range [0, 100]' }).optional(),
  });
}

/** Kubernetes IntOrString. */
export const intOrString = () => z.union([z.number().int(), z.string()]);

/** Adds "at most one of" (protobuf oneof) to an object schema's value. */
export function atMostOne(value: Record<string, unknown>, keys: readonly string[], ctx: z.RefinementCtx, what = 'fields'): void {
  const set = keys.filter((k) => value[k] !== undefined && value[k] !== null);
  if (set.length > 1) ctx.addIssue({ code: 'custom', message: `only one of ${keys.join(', ')} can be set (${what}); got ${set.join(' and ')}` });
}

/** Marks a field that Istio deprecated: accepted, with a warning naming what to use instead. */
export function deprecated<T extends z.ZodType>(schema: T, advice: string): T {
  return schema.meta({ deprecated: true, deprecationAdvice: advice }) as T;
}

/** The deprecation advice attached with `deprecated`, if any. */
export function deprecationOf(schema: z.ZodType): string | undefined {
  const meta = z.globalRegistry.get(schema) as { deprecationAdvice?: unknown } | undefined;
  return typeof meta?.deprecationAdvice === 'string' ? meta.deprecationAdvice : undefined;
}
