/**
 * Which fields take effect in tack today (the rest are validated and stored, but do not yet change
 * behaviour). docs/compatibility.md is generated from this table and the schemas, and a test keeps
 * the two in step: add a field here in the same change that makes it work.
 *
 * Keys are field paths as listFields prints them (`spec.http[].route[].weight`); a path covers the
 * fields below it unless they are listed themselves.
 */
export type Effect = 'yes' | 'partial' | 'no';

export interface FieldSupport {
  effect: Effect;
  note?: string;
}

export const FIELD_SUPPORT: Readonly<Record<string, Readonly<Record<string, FieldSupport>>>> = {};
