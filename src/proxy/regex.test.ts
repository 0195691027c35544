/** RE2 semantics for route regexes, and linear time on inputs that make a backtracking engine blow up. */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileFullMatch, compileRewrite } from './regex.js';
import { RouteTable } from './runtime/route-table.js';

describe('compileFullMatch', () => {
  it.each([
    ['^(.*?;)?(user=jason)(;.*)?$', 'a=1;user=jason;b=2', true],
    ['^(.*?;)?(user=jason)(;.*)?$', 'a=1; user=jason', false],
    ['^(.*?;)?(user=jason)(;.*)?$', 'user=jasonx', false],
    ['/api/v[0-9]+/.*', '/api/v2/hello', true],
    // Full match, as Envoy's safe_regex: a pattern that matches only part of the input fails.
    ['/api', '/api/v2', false],
    ['(?i)Chrome.*', 'chrome/118', true],
    ['(?P<ver>v[12])', 'v2', true],
    ['abc\\z', 'abc', true],
    ['[[:alpha:]]+', 'héllo', false],
    ['\\p{Greek}+', 'αβγ', true],
    ['a|b', 'ab', false],
  ])('%s on %s → %s', (pattern, input, want) => {
    expect(compileFullMatch(pattern).test(input)).toBe(want);
  });

  it('ignores case when asked', () => {
    expect(compileFullMatch('/API/.*', true).test('/api/x')).toBe(true);
    expect(compileFullMatch('/API/.*').test('/api/x')).toBe(false);
  });
});

describe('compileRewrite', () => {
  it('replaces every match with the template, \\N naming groups and $ staying literal', () => {
    expect(compileRewrite('^/service/([^/]+)(/.*)$', '\\2/instance/\\1')('/service/foo/v1/api')).toBe('/v1/api/instance/foo');
    expect(compileRewrite('o', '0')('/foo/boo')).toBe('/f00/b00');
    expect(compileRewrite('^/old', '/new$1')('/old/x')).toBe('/new$1/x');
  });
});

describe('linear time on hostile input', () => {
  const regexModule = fileURLToPath(new URL('./regex.ts', import.meta.url));

  it('answers catastrophic patterns on 5,000-character inputs (in a child with a hard deadline)', () => {
    // Backtracking takes about 2^n steps on these: hours at 40 characters, so the deadline would hit.
    const code = `
      import { compileFullMatch } from ${JSON.stringify(regexModule)};
      const cases = [['(a+)+b', 'a'.repeat(5000)], ['(a|a)*c', 'a'.repeat(5000)], ['(.*a){20}', 'a'.repeat(5000) + 'b'], ['(x+x+)+y', 'x'.repeat(5000)]];
      process.stdout.write(JSON.stringify(cases.map(([p, s]) => compileFullMatch(p).test(s))));
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
    expect(run.error, 'the matcher did not answer within 20 s').toBeUndefined();
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([false, false, false, false]);
  });

  it('a header regex route with a hostile header value gets its answer (no match, the next route)', () => {
    const table = new RouteTable({
      name: 't',
      virtualHosts: [
        {
          name: 'h',
          domains: ['*'],
          routes: [
            { name: 'evil', match: { headers: [{ name: 'x-user', match: { regex: '(a+)+b' } }] }, action: { kind: 'direct', status: 500 } },
            { name: 'rest', match: {}, action: { kind: 'direct', status: 200 } },
          ],
        },
      ],
    });
    const routes = table.virtualHost('any')?.routes ?? [];
    const view = { method: 'GET', path: '/', query: '', scheme: 'http', authority: 'any', headers: { 'x-user': 'a'.repeat(40) } };
    expect(routes.find((r) => r.test(view))?.name).toBe('rest');
  });
});
