/** evaluateCors: exact outcomes for preflights and actual requests, as Envoy's CORS filter. */
import { describe, it, expect } from 'vitest';
import type { IncomingHttpHeaders } from 'node:http';
import type { CorsConfig, VirtualHostConfig } from '../../../compile/config.js';
import { RouteTable } from '../../runtime/route-table.js';
import { corsSettings, evaluateCors, type CorsOutcome } from './settings.js';

const BASE: CorsConfig = {
  allowOrigins: [{ exact: 'https://app.example.com' }, { prefix: 'https://dev.' }, { regex: 'https://[a-z]+\\.corp\\.example' }],
  allowMethods: 'GET,POST',
  allowHeaders: 'x-custom,content-type',
  exposeHeaders: 'x-trace',
  maxAge: '86400',
  allowCredentials: true,
  unmatchedPreflights: 'FORWARD',
};

const preflight = (origin: string, extra: IncomingHttpHeaders = {}): IncomingHttpHeaders => ({ origin, 'access-control-request-method': 'POST', ...extra });

const PREFLIGHT_ANSWER = (origin: string): Record<string, string> => ({
  'access-control-allow-origin': origin,
  'access-control-allow-methods': 'GET,POST',
  'access-control-allow-headers': 'x-custom,content-type',
  'access-control-max-age': '86400',
  'access-control-allow-credentials': 'true',
});

const ACTUAL_HEADERS = (origin: string): Record<string, string> => ({
  'access-control-allow-origin': origin,
  'access-control-expose-headers': 'x-trace',
  'access-control-allow-credentials': 'true',
});

describe('evaluateCors', () => {
  const cases: { name: string; config?: CorsConfig; method: string; headers: IncomingHttpHeaders; want: CorsOutcome }[] = [
    { name: 'no Origin: not a CORS request', method: 'GET', headers: {}, want: { kind: 'pass' } },
    { name: 'empty Origin: not a CORS request', method: 'OPTIONS', headers: { origin: '', 'access-control-request-method': 'GET' }, want: { kind: 'pass' } },
    { name: 'preflight from an exact allowed origin: answered', method: 'OPTIONS', headers: preflight('https://app.example.com'), want: { kind: 'preflight', headers: PREFLIGHT_ANSWER('https://app.example.com') } },
    { name: 'preflight from a prefix-allowed origin', method: 'OPTIONS', headers: preflight('https://dev.example.com'), want: { kind: 'preflight', headers: PREFLIGHT_ANSWER('https://dev.example.com') } },
    { name: 'preflight from a regex-allowed origin', method: 'OPTIONS', headers: preflight('https://team.corp.example'), want: { kind: 'preflight', headers: PREFLIGHT_ANSWER('https://team.corp.example') } },
    { name: 'the regex matches the whole origin only', method: 'OPTIONS', headers: preflight('https://team.corp.example.evil.com'), want: { kind: 'pass' } },
    { name: 'exact is case-sensitive', method: 'OPTIONS', headers: preflight('https://APP.example.com'), want: { kind: 'pass' } },
    { name: 'unmatched preflight, FORWARD: passed to the app', method: 'OPTIONS', headers: preflight('https://evil.com'), want: { kind: 'pass' } },
    { name: 'unmatched preflight, IGNORE: answered without CORS headers', config: { ...BASE, unmatchedPreflights: 'IGNORE' }, method: 'OPTIONS', headers: preflight('https://evil.com'), want: { kind: 'not-allowed-preflight' } },
    { name: 'OPTIONS without Access-Control-Request-Method is an actual request', method: 'OPTIONS', headers: { origin: 'https://app.example.com' }, want: { kind: 'pass', responseHeaders: ACTUAL_HEADERS('https://app.example.com') } },
    { name: 'actual request from an allowed origin: response headers', method: 'GET', headers: { origin: 'https://app.example.com' }, want: { kind: 'pass', responseHeaders: ACTUAL_HEADERS('https://app.example.com') } },
    { name: 'actual request with Access-Control-Request-Method but not OPTIONS: actual', method: 'POST', headers: preflight('https://dev.x'), want: { kind: 'pass', responseHeaders: ACTUAL_HEADERS('https://dev.x') } },
    { name: 'actual request from another origin: nothing added', method: 'GET', headers: { origin: 'https://evil.com' }, want: { kind: 'pass' } },
    { name: 'actual request, IGNORE does not matter', config: { ...BASE, unmatchedPreflights: 'IGNORE' }, method: 'GET', headers: { origin: 'https://evil.com' }, want: { kind: 'pass' } },
    {
      name: 'minimal policy: only the origin is echoed',
      config: { allowOrigins: [{ exact: 'https://a.b' }], unmatchedPreflights: 'FORWARD' },
      method: 'OPTIONS',
      headers: preflight('https://a.b'),
      want: { kind: 'preflight', headers: { 'access-control-allow-origin': 'https://a.b' } },
    },
    {
      name: 'minimal policy, actual request',
      config: { allowOrigins: [{ exact: 'https://a.b' }], unmatchedPreflights: 'FORWARD' },
      method: 'GET',
      headers: { origin: 'https://a.b' },
      want: { kind: 'pass', responseHeaders: { 'access-control-allow-origin': 'https://a.b' } },
    },
    {
      name: 'allowCredentials false: no credentials header',
      config: { allowOrigins: [{ exact: 'https://a.b' }], allowCredentials: false, unmatchedPreflights: 'FORWARD' },
      method: 'GET',
      headers: { origin: 'https://a.b' },
      want: { kind: 'pass', responseHeaders: { 'access-control-allow-origin': 'https://a.b' } },
    },
    {
      name: 'no allowed origins: nothing is allowed',
      config: { allowOrigins: [], unmatchedPreflights: 'IGNORE' },
      method: 'OPTIONS',
      headers: preflight('https://a.b'),
      want: { kind: 'not-allowed-preflight' },
    },
    {
      name: 'exact "*" allows any origin (Envoy), which is echoed',
      config: { allowOrigins: [{ exact: '*' }], unmatchedPreflights: 'IGNORE' },
      method: 'OPTIONS',
      headers: preflight('https://anyone.example'),
      want: { kind: 'preflight', headers: { 'access-control-allow-origin': 'https://anyone.example' } },
    },
    {
      name: 'regex ".*" allows any origin',
      config: { allowOrigins: [{ regex: '.*' }], unmatchedPreflights: 'FORWARD' },
      method: 'GET',
      headers: { origin: 'https://anyone.example' },
      want: { kind: 'pass', responseHeaders: { 'access-control-allow-origin': 'https://anyone.example' } },
    },
    {
      name: 'allowMethods/allowHeaders "*" echo what the preflight asks for (Envoy)',
      config: { allowOrigins: [{ exact: 'https://a.b' }], allowMethods: '*', allowHeaders: '*', unmatchedPreflights: 'FORWARD' },
      method: 'OPTIONS',
      headers: preflight('https://a.b', { 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'x-one,x-two' }),
      want: { kind: 'preflight', headers: { 'access-control-allow-origin': 'https://a.b', 'access-control-allow-methods': 'PATCH', 'access-control-allow-headers': 'x-one,x-two' } },
    },
  ];

  it.each(cases)('$name', ({ config, method, headers, want }) => {
    expect(evaluateCors(corsSettings(config ?? BASE), method, headers)).toEqual(want);
  });

  it('is built once per configuration, when the route table is, never per request', () => {
    const vhost: VirtualHostConfig = { name: 'app', domains: ['*'], routes: [{ name: 'r', match: {}, action: { kind: 'direct', status: 200 }, filters: { 'envoy.filters.http.cors': BASE } }] };
    const settingsOf = (t: RouteTable) => t.virtualHost('x')?.routes[0]?.filterSettings?.get('envoy.filters.http.cors');
    const first = settingsOf(new RouteTable({ name: 't', virtualHosts: [vhost] }));
    expect(first).toMatchObject({ config: BASE });
    // A later version that keeps this virtual host object (a delta elsewhere) keeps its settings.
    expect(settingsOf(new RouteTable({ name: 't', virtualHosts: [vhost] }))).toBe(first);
    expect(settingsOf(new RouteTable({ name: 't', virtualHosts: [{ ...vhost }] }))).not.toBe(first);
  });

});
