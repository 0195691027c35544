/**
 * Envoy's StringMatcher compiled once into a test over `s[0, end)`, so a path can be matched
 * without cutting its query off. ignore_case compares ASCII letters, as Envoy does.
 */
import type { StringMatchConfig } from './config.js';

export type StringTest = (s: string, end: number) => boolean;

function lowerAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** `lowerPattern` is already lower case. */
function equalsIgnoreCaseAt(s: string, offset: number, lowerPattern: string): boolean {
  for (let i = 0; i < lowerPattern.length; i++) if (lowerAt(s, offset + i) !== lowerPattern.charCodeAt(i)) return false;
  return true;
}

export function compileStringMatch(m: StringMatchConfig): StringTest {
  switch (m.kind) {
    case 'exact': {
      const v = m.value;
      if (m.ignoreCase) {
        const lv = v.toLowerCase();
        return (s, end) => end === lv.length && equalsIgnoreCaseAt(s, 0, lv);
      }
      return (s, end) => end === v.length && s.startsWith(v);
    }
    case 'prefix': {
      const v = m.value;
      if (m.ignoreCase) {
        const lv = v.toLowerCase();
        return (s, end) => end >= lv.length && equalsIgnoreCaseAt(s, 0, lv);
      }
      return (s, end) => end >= v.length && s.startsWith(v);
    }
    case 'suffix': {
      const v = m.value;
      if (m.ignoreCase) {
        const lv = v.toLowerCase();
        return (s, end) => end >= lv.length && equalsIgnoreCaseAt(s, end - lv.length, lv);
      }
      return (s, end) => end >= v.length && s.endsWith(v, end);
    }
    case 'regex': {
      // The common `*` form needs no regex engine.
      if (m.regex === '.+') return (s, end) => end > 0 && !hasNewline(s, end);
      const re = new RegExp(`^(?:${m.regex})$`);
      return (s, end) => re.test(end === s.length ? s : s.slice(0, end));
    }
  }
}

function hasNewline(s: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (s.charCodeAt(i) === 10) return true;
  return false;
}

/** Envoy's URI template (`*` one non-empty segment, `**` any rest including none), as a full-match regex. */
export function compilePathTemplate(template: string): RegExp {
  const segment = "[a-zA-Z0-9\\-._~%!$&'()+,;:@=]";
  let out = '';
  for (let i = 0; i < template.length; i++) {
    if (template.startsWith('**', i)) {
      out += `${segment.slice(0, -1)}/]*`;
      i++;
    } else if (template[i] === '*') out += `${segment}+`;
    else out += (template[i] as string).replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
