import * as http from 'node:http';
import * as https from 'node:https';
import { describe, expect, it } from 'vitest';
import { rewriteHttpArguments } from './patch-http.js';
import { readSettings } from './settings.js';

const settings = readSettings({ HTTP_PROXY: 'http://127.0.0.1:15001', NO_PROXY: 'ext.example.com' })!;
const rewrite = (...args: unknown[]) => rewriteHttpArguments(args, settings, () => {});
const options = (args: unknown[] | undefined) => args?.[0] as Record<string, unknown> | undefined;

describe('rewriteHttpArguments', () => {
  it('every call form becomes an absolute-form request to the proxy with the original Host', () => {
    const cb = () => {};
    const forms: unknown[][] = [
      ['http://reviews:9080/r?x=1'],
      [new URL('http://reviews:9080/r?x=1')],
      [{ host: 'reviews', port: 9080, path: '/r?x=1' }],
      [{ hostname: 'reviews', port: '9080', path: '/r?x=1' }, cb],
      ['http://other/ignored', { hostname: 'reviews', port: 9080, path: '/r?x=1' }, cb],
    ];
    for (const form of forms) {
      const out = rewrite(...form);
      expect(options(out), JSON.stringify(form)).toMatchObject({ host: '127.0.0.1', hostname: '127.0.0.1', port: 15001, path: 'http://reviews:9080/r?x=1', headers: { Host: 'reviews:9080' } });
      expect(out?.length).toBe(form.includes(cb) ? 2 : 1);
    }
  });

  it('keeps headers, a caller Host, the agent, raw header arrays, and default ports', () => {
    const agent = new http.Agent({ keepAlive: true });
    const out = options(rewrite({ host: 'ratings', path: '/', method: 'POST', agent, headers: { HOST: 'x.example', 'x-a': '1' } }));
    expect(out).toMatchObject({ method: 'POST', agent, path: 'http://ratings/', headers: { HOST: 'x.example', 'x-a': '1' } });
    expect(Object.keys(out?.headers as object)).toEqual(['HOST', 'x-a']);
    expect(options(rewrite({ host: 'ratings', headers: ['X-A', '1'] }))?.headers).toEqual(['X-A', '1']);
    expect(options(rewrite({ host: 'ratings', setHost: false }))?.headers).toEqual({});
    expect(options(rewrite({ host: 'fd00::1', port: 8080 }))).toMatchObject({ path: 'http://[fd00::1]:8080/', headers: { Host: '[fd00::1]:8080' } });
    agent.destroy();
  });

  it('leaves exempt and foreign requests alone', () => {
    const exempt: unknown[][] = [
      ['http://127.0.0.1:8080/'],
      ['http://localhost/'],
      ['http://[::1]:80/'],
      ['http://api.ext.example.com/'],
      [{ host: 'reviews', socketPath: '/tmp/x.sock' }],
      [{ host: 'reviews', createConnection: () => undefined }],
      [{ host: 'sidecar.test', port: 15001, path: 'http://reviews:9080/abs' }],
      [{ host: 'reviews', port: 9080, method: 'CONNECT', path: 'db:5432' }],
      [{ host: 'reviews', agent: Object.assign(new http.Agent(), { proxy: new URL('http://p:1') }) }],
      [{ host: 'reviews', agent: new https.Agent() }],
      ['https://reviews/'],
      [{ host: 'reviews', path: '*' }],
      [42],
    ];
    for (const form of exempt) expect(rewrite(...form), String(form[0] && JSON.stringify(form[0]))).toBeUndefined();
  });
});
