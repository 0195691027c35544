/**
 * Istio regexes are RE2 and must match the whole input (Envoy's safe_regex). They are validated as
 * RE2 before they reach a proxy; here they become JavaScript RegExps, anchored, compiled once.
 */
export function compileFullMatch(pattern: string, ignoreCase = false): RegExp {
  let source = pattern;
  let flags = ignoreCase ? 'i' : '';
  // RE2's leading inline flags, e.g. `(?i)`, become RegExp flags.
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1]?.includes('i') && !flags.includes('i')) flags += 'i';
    if (inline[1]?.includes('s')) flags += 's';
    if (inline[1]?.includes('m')) flags += 'm';
  }
  source = source.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$').replace(/\\A/g, '^');
  return new RegExp(`^(?:${source})$`, flags);
}

/** For rewrites (`uriRegexRewrite`): the pattern finds matches anywhere, as Envoy's regex_rewrite does. */
export function compileSearch(pattern: string): RegExp {
  const source = pattern.replace(/\(\?P</g, '(?<');
  return new RegExp(source, 'g');
}

/** RE2 rewrite templates use `\1`; JavaScript's replace uses `$1`. */
export function rewriteTemplate(template: string): string {
  return template.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
}
