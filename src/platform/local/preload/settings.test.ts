import { describe, expect, it } from 'vitest';
import { authority, isLoopback, noProxyMatches, parseProxy, proxyFor, readSettings } from './settings.js';

const settings = (env: NodeJS.ProcessEnv) => {
  const s = readSettings(env);
  if (!s) throw new Error('no settings');
  return s;
};

describe('readSettings', () => {
  it('needs http_proxy or HTTP_PROXY naming an http:// proxy', () => {
    expect(readSettings({})).toBeUndefined();
    expect(readSettings({ HTTP_PROXY: '' })).toBeUndefined();
    expect(readSettings({ HTTP_PROXY: 'https://127.0.0.1:1' })).toBeUndefined();
    expect(readSettings({ HTTP_PROXY: 'http://[::bad' })).toBeUndefined();
    expect(readSettings({ HTTPS_PROXY: 'http://127.0.0.1:1' })).toBeUndefined();
    expect(settings({ HTTP_PROXY: 'http://127.0.0.1:15001' }).http).toEqual({ host: '127.0.0.1', port: 15001 });
    expect(settings({ http_proxy: '127.0.0.1:15002', HTTP_PROXY: 'http://127.0.0.1:15001' }).http.port).toBe(15002);
  });

  it('https goes to https_proxy/HTTPS_PROXY when set, else the http proxy', () => {
    expect(settings({ HTTP_PROXY: 'http://127.0.0.1:1' }).https.port).toBe(1);
    expect(settings({ HTTP_PROXY: 'http://127.0.0.1:1', HTTPS_PROXY: 'http://127.0.0.1:2' }).https.port).toBe(2);
  });

  it('credentials become a Proxy-Authorization value', () => {
    expect(parseProxy('http://u%40x:p@proxy:8080')).toEqual({ host: 'proxy', port: 8080, authorization: `Basic ${Buffer.from('u@x:p').toString('base64')}` });
    expect(parseProxy('http://proxy')).toEqual({ host: 'proxy', port: 80 });
  });
});

describe('exemptions', () => {
  it('loopback names and addresses', () => {
    for (const host of ['localhost', 'LOCALHOST.', 'a.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '0.0.0.0', '::']) {
      expect(isLoopback(host), host).toBe(true);
    }
    for (const host of ['reviews', '10.0.0.1', '::2', 'localhost.example.com', '128.0.0.1']) expect(isLoopback(host), host).toBe(false);
  });

  it("curl's no_proxy rules", () => {
    const entries = ['.example.com', 'svc.local', '10.1.2.3', '192.168.0.0/16', 'api:9090', '[fd00::1]'];
    const cases: [string, number, boolean][] = [
      ['example.com', 80, true],
      ['www.example.com', 80, true],
      ['notexample.com', 80, false],
      ['svc.local', 80, true],
      ['a.b.svc.local', 80, true],
      ['xsvc.local', 80, false],
      ['10.1.2.3', 80, true],
      ['10.1.2.4', 80, false],
      ['192.168.7.9', 80, true],
      ['api', 9090, true],
      ['api', 9091, false],
      ['fd00::1', 80, true],
      ['reviews', 9080, false],
    ];
    for (const [host, port, expected] of cases) expect(noProxyMatches(host, port, entries), `${host}:${port}`).toBe(expected);
    expect(noProxyMatches('anything', 1, ['*'])).toBe(true);
  });

  it('proxyFor: loopback, the proxy itself and NO_PROXY go direct', () => {
    const s = settings({ HTTP_PROXY: 'http://sidecar.test:15001', NO_PROXY: 'ext.example.com' });
    expect(proxyFor(s, 'http', 'reviews', 9080)).toEqual({ host: 'sidecar.test', port: 15001 });
    expect(proxyFor(s, 'http', 'sidecar.test', 15001)).toBeUndefined();
    expect(proxyFor(s, 'http', 'sidecar.test', 15002)).toBeDefined();
    expect(proxyFor(s, 'http', '127.0.0.1', 9080)).toBeUndefined();
    expect(proxyFor(s, 'https', 'api.ext.example.com', 443)).toBeUndefined();
    expect(proxyFor(s, 'https', 'api.github.com', 443)).toEqual({ host: 'sidecar.test', port: 15001 });
  });

  it('authority brackets IPv6 and drops the default port', () => {
    expect(authority('reviews', 9080)).toBe('reviews:9080');
    expect(authority('reviews', 80, 80)).toBe('reviews');
    expect(authority('::1', 8080)).toBe('[::1]:8080');
    expect(authority('[fd00::1]', 443, 443)).toBe('[fd00::1]');
  });
});
