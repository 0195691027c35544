/**
 * Istio regexes are RE2 and must match the whole input (Envoy's safe_regex). They run on `re2js`,
 * the RE2 engine the validator already checks them with: matching takes time linear in the input
 * whatever the pattern (JavaScript's backtracking `RegExp` takes exponential time on `(a+)+b`), and
 * RE2's own syntax — `(?i)`, `(?P<name>…)`, `\z` — needs no translation. Compiled once per config.
 */
import { RE2JS } from 're2js';

export interface FullMatcher {
  test(value: string): boolean;
}

export function compileFullMatch(pattern: string, ignoreCase = false): FullMatcher {
  const re = RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  return { test: (value) => re.matches(value) };
}

/**
 * `uriRegexRewrite` (Envoy's regex_rewrite): every match of the pattern anywhere in the input is
 * replaced by the template, whose `\1` name capture groups.
 */
export function compileRewrite(pattern: string, template: string): (input: string) => string {
  const re = RE2JS.compile(pattern);
  // re2js templates use `$1` and `$$`; RE2's use `\1`, and a `$` there is literal.
  const replacement = template.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
  return (input) => re.matcher(input).replaceAll(replacement);
}
