import { describe, it, expect } from 'vitest';
import { errorsOf, specDoc, validateYaml, type InvalidCase } from '../../../test/support/validate.js';

const vs = (spec: string) => specDoc('networking.istio.io/v1', 'VirtualService', spec, 'reviews');
const route = (extra: string) => vs(`hosts: [reviews]\nhttp:\n- route:\n  - destination: {host: reviews}\n${extra.replace(/^/gm, '  ')}`);

type Case = InvalidCase;

const invalid: Case[] = [
  { name: 'negative weight', yaml: vs('hosts: [r]\nhttp:\n- route:\n  - destination: {host: r, subset: v1}\n    weight: -10\n  - destination: {host: r, subset: v2}\n    weight: 110'), path: 'spec.http[0].route[0].weight', reason: /negative/ },
  { name: 'all-zero weights', yaml: vs('hosts: [r]\nhttp:\n- route:\n  - destination: {host: r, subset: v1}\n    weight: 0\n  - destination: {host: r, subset: v2}\n    weight: 0'), path: 'spec.http[0].route', reason: /total destination weight is 0/ },
  { name: 'weight as a string', yaml: vs('hosts: [r]\nhttp:\n- route:\n  - destination: {host: r}\n    weight: "75"'), path: 'spec.http[0].route[0].weight', reason: /must be a number, got string "75"/ },
  { name: 'fractional weight', yaml: vs('hosts: [r]\nhttp:\n- route:\n  - destination: {host: r}\n    weight: 7.5'), path: 'spec.http[0].route[0].weight', reason: /integer/ },
  { name: 'unknown field with suggestion', yaml: vs('hosts: [r]\nhttp:\n- route:\n  - destination: {host: r}\n    wieght: 5'), path: 'spec.http[0].route[0].wieght', reason: /unknown field "wieght"; did you mean "weight"\?/ },
  { name: 'unknown top-level spec field', yaml: vs('host: [r]\nhttp:\n- route:\n  - destination: {host: r}'), path: 'spec.host', reason: /did you mean "hosts"/ },
  { name: 'misspelled destination', yaml: vs('hosts: [r]\nhttp:\n- route:\n  - destinaton: {host: r}'), path: 'spec.http[0].route[0].destinaton', reason: /did you mean "destination"/ },
  { name: 'missing destination host', yaml: vs('hosts: [r]\nhttp:\n- route:\n  - destination: {subset: v1}'), path: 'spec.http[0].route[0].destination.host', reason: /required field is missing/ },
  { name: 'no routes at all', yaml: vs('hosts: [r]'), path: 'spec', reason: /http, tcp or tls must be provided/ },
  { name: 'route without action', yaml: vs('hosts: [r]\nhttp:\n- match:\n  - uri: {prefix: /}'), path: 'spec.http[0]', reason: /must have one of route, redirect, directResponse or delegate/ },
  { name: 'route and redirect together', yaml: route('redirect: {uri: /x}'), path: 'spec.http[0].redirect', reason: /cannot have both route and redirect/ },
  { name: 'bad timeout', yaml: route('timeout: 5 seconds'), path: 'spec.http[0].timeout', reason: /invalid duration "5 seconds"/ },
  { name: 'timeout below 1ms', yaml: route('timeout: 0.5ms'), path: 'spec.http[0].timeout', reason: /at least 1ms/ },
  { name: 'negative retry attempts', yaml: route('retries: {attempts: -1}'), path: 'spec.http[0].retries.attempts', reason: /negative/ },
  { name: 'unknown retryOn', yaml: route('retries: {attempts: 2, retryOn: "5xx,sometimes"}'), path: 'spec.http[0].retries.retryOn', reason: /unknown retryOn condition "sometimes"/ },
  { name: 'fault percentage above 100', yaml: route('fault:\n  abort: {httpStatus: 500, percentage: {value: 150}}'), path: 'spec.http[0].fault.abort.percentage.value', reason: /range \[0, 100\]/ },
  { name: 'abort status out of range', yaml: route('fault:\n  abort: {httpStatus: 700}'), path: 'spec.http[0].fault.abort.httpStatus', reason: /200-599/ },
  { name: 'delay without fixedDelay', yaml: route('fault:\n  delay: {percentage: {value: 10}}'), path: 'spec.http[0].fault.delay.fixedDelay', reason: /must specify fixedDelay/ },
  { name: 'empty fault', yaml: route('fault: {}'), path: 'spec.http[0].fault', reason: /delay or abort/ },
  { name: 'uri match with two kinds', yaml: vs('hosts: [r]\nhttp:\n- match:\n  - uri: {exact: /a, prefix: /b}\n  route:\n  - destination: {host: r}'), path: 'spec.http[0].match[0].uri', reason: /only one of exact, prefix, regex/ },
  { name: 'regex RE2 refuses (lookbehind)', yaml: vs('hosts: [r]\nhttp:\n- match:\n  - uri: {regex: "(?<=/api)/v1"}\n  route:\n  - destination: {host: r}'), path: 'spec.http[0].match[0].uri.regex', reason: /invalid RE2 regex/ },
  { name: 'regex RE2 refuses (backreference)', yaml: vs('hosts: [r]\nhttp:\n- match:\n  - headers:\n      cookie: {regex: "(a)\\\\1"}\n  route:\n  - destination: {host: r}'), path: 'spec.http[0].match[0].headers.cookie.regex', reason: /invalid RE2 regex/ },
  { name: 'uppercase header match name', yaml: vs('hosts: [r]\nhttp:\n- match:\n  - headers:\n      End-User: {exact: jason}\n  route:\n  - destination: {host: r}'), path: 'spec.http[0].match[0].headers.End-User', reason: /lowercase/ },
  { name: 'match port out of range', yaml: vs('hosts: [r]\nhttp:\n- match:\n  - port: 70000\n  route:\n  - destination: {host: r}'), path: 'spec.http[0].match[0].port', reason: /1-65535/ },
  { name: 'bad host name', yaml: vs('hosts: ["bad_host!"]\nhttp:\n- route:\n  - destination: {host: r}'), path: 'spec.hosts[0]', reason: /invalid host/ },
  { name: 'bare * destination host', yaml: vs('hosts: [r]\nhttp:\n- route:\n  - destination: {host: "*"}'), path: 'spec.http[0].route[0].destination.host', reason: /wildcard/ },
  { name: 'bare * host bound to mesh', yaml: vs('hosts: ["*"]\nhttp:\n- route:\n  - destination: {host: r}'), path: 'spec.hosts[0]', reason: /mesh gateway/ },
  { name: 'subset name not a DNS label', yaml: vs('hosts: [r]\nhttp:\n- route:\n  - destination: {host: r, subset: V_1}'), path: 'spec.http[0].route[0].destination.subset', reason: /invalid subset name/ },
  { name: 'redirect code not 3xx', yaml: vs('hosts: [r]\nhttp:\n- redirect: {uri: /new, redirectCode: 200}'), path: 'spec.http[0].redirect.redirectCode', reason: /3xx/ },
  { name: 'redirect port and derivePort', yaml: vs('hosts: [r]\nhttp:\n- redirect: {port: 8080, derivePort: FROM_REQUEST_PORT}'), path: 'spec.http[0].redirect', reason: /only one of port, derivePort/ },
  { name: 'direct response status', yaml: vs('hosts: [r]\nhttp:\n- directResponse: {status: 99}'), path: 'spec.http[0].directResponse.status', reason: /200-599/ },
  { name: 'bad derivePort enum', yaml: vs('hosts: [r]\nhttp:\n- redirect: {derivePort: FROM_NOWHERE}'), path: 'spec.http[0].redirect.derivePort', reason: /unsupported value "FROM_NOWHERE"/ },
  { name: 'cors bad method', yaml: route('corsPolicy: {allowMethods: [GET, FETCH]}'), path: 'spec.http[0].corsPolicy.allowMethods[1]', reason: /invalid HTTP method "FETCH"/ },
  { name: 'mirror percentage over 100', yaml: route('mirror: {host: r2}\nmirrorPercentage: {value: 101}'), path: 'spec.http[0].mirrorPercentage.value', reason: /range \[0, 100\]/ },
  { name: 'rewrite with redirect', yaml: vs('hosts: [r]\nhttp:\n- redirect: {uri: /x}\n  rewrite: {uri: /y}'), path: 'spec.http[0].rewrite', reason: /rewrite and redirect/ },
  { name: 'tcp route without route', yaml: vs('hosts: [r]\ntcp:\n- match:\n  - port: 27017'), path: 'spec.tcp[0].route', reason: /required/ },
  { name: 'tls sni host outside vs hosts', yaml: vs('hosts: ["*.a.com"]\ngateways: [gw]\ntls:\n- match:\n  - sniHosts: [x.b.com]\n  route:\n  - destination: {host: x.b.com}'), path: 'spec.tls[0].match[0].sniHosts[0]', reason: /not a subset/ },
  { name: 'sourceLabels with bad key', yaml: vs('hosts: [r]\nhttp:\n- match:\n  - sourceLabels: {"bad key": x}\n  route:\n  - destination: {host: r}'), path: 'spec.http[0].match[0].sourceLabels[bad key]', reason: /invalid label key/ },
  { name: 'delegate vs with gateways', yaml: vs('gateways: [gw]\nhttp:\n- route:\n  - destination: {host: r}'), path: 'spec.gateways', reason: /delegate/ },
  { name: 'gateway name malformed', yaml: vs('hosts: [r]\ngateways: ["a/b/c"]\nhttp:\n- route:\n  - destination: {host: r}'), path: 'spec.gateways[0]', reason: /invalid gateway name/ },
];

describe('VirtualService validation', () => {
  it.each(invalid)('refuses $name at $path', ({ yaml, path, reason }) => {
    const errors = errorsOf(yaml);
    const hit = errors.find((e) => e.path === path);
    expect(hit, `no error at ${path}; got ${JSON.stringify(errors.map((e) => [e.path, e.message]))}`).toBeDefined();
    expect(hit?.message).toMatch(reason);
    expect(hit?.resource).toEqual({ kind: 'VirtualService', namespace: 'default', name: 'reviews' });
    expect(hit?.source?.file).toBe('test.yaml');
    expect(hit?.source?.line).toBeGreaterThan(0);
  });

  it('accepts weights of any total, as Istio has since 2022', () => {
    const { checks, kinds } = validateYaml(vs('hosts: [r]\nhttp:\n- route:\n  - destination: {host: r, subset: v1}\n    weight: 3\n  - destination: {host: r, subset: v2}\n    weight: 1'));
    expect(checks).toEqual([]);
    expect(kinds).toEqual(['VirtualService']);
  });

  it('accepts a full-featured route', () => {
    const yaml = vs(`hosts: [reviews, "reviews.prod.svc.cluster.local"]
gateways: [mesh, istio-system/ingress]
http:
- name: canary
  match:
  - headers:
      cookie: {regex: "^(.*?;)?(user=jason)(;.*)?$"}
    uri: {prefix: /api}
    ignoreUriCase: true
    queryParams: {v: {exact: "2"}}
    sourceLabels: {app: todoui}
  route:
  - destination: {host: reviews, subset: v2, port: {number: 9080}}
    weight: 90
    headers: {response: {set: {x-canary: "yes"}}}
  - destination: {host: reviews, subset: v1}
    weight: 10
  timeout: 0.5s
  retries: {attempts: 3, perTryTimeout: 2s, retryOn: "gateway-error,connect-failure,503"}
  fault:
    delay: {fixedDelay: 7s, percentage: {value: 100}}
    abort: {httpStatus: 500, percentage: {value: 10}}
  mirror: {host: reviews-shadow}
  mirrorPercentage: {value: 5.5}
  corsPolicy: {allowOrigins: [{exact: "https://a.com"}], allowMethods: [GET, POST], maxAge: 24h}
  headers: {request: {add: {x-a: b}, remove: [x-b]}}
  rewrite: {uri: /v2}
- redirect: {uri: /new, authority: b.com, redirectCode: 301}
- directResponse: {status: 503, body: {string: "down"}}`);
    expect(validateYaml(yaml).checks).toEqual([]);
  });

  it('warns about deprecated fields and still accepts them', () => {
    const { checks, kinds } = validateYaml(route('fault:\n  delay: {fixedDelay: 7s, percent: 100}'));
    expect(kinds).toEqual(['VirtualService']);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ level: 'Warning', code: 'IST0002', path: 'spec.http[0].fault.delay.percent' });
  });

  it('accepts every apiVersion Istio serves', () => {
    for (const v of ['v1alpha3', 'v1beta1', 'v1']) {
      const yaml = route('').replace('networking.istio.io/v1', `networking.istio.io/${v}`);
      expect(validateYaml(yaml).kinds).toEqual(['VirtualService']);
    }
    const bad = errorsOf(route('').replace('networking.istio.io/v1', 'networking.istio.io/v2'));
    expect(bad[0]).toMatchObject({ path: 'apiVersion' });
    expect(bad[0]?.message).toMatch(/unsupported apiVersion "networking.istio.io\/v2"/);
  });

  it('names the line of the offending field', () => {
    const yaml = vs('hosts: [r]\nhttp:\n- route:\n  - destination: {host: r}\n    weight: -1');
    const e = errorsOf(yaml)[0];
    expect(e?.source?.line).toBe(yaml.split('\n').findIndex((l) => l.includes('weight: -1')) + 1);
  });
});
