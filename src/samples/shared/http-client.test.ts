import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, noProxyMatches, proxyFor } from './http-client.js';

describe('proxyFor (curl semantics)', () => {
  const url = (s: string): URL => new URL(s);
  it('uses http_proxy or HTTP_PROXY for http URLs', () => {
    expect(proxyFor(url('http://httpbin:8000/get'), { HTTP_PROXY: 'http://127.0.0.1:15001' })?.host).toBe('127.0.0.1:15001');
    expect(proxyFor(url('http://httpbin:8000/get'), { http_proxy: '127.0.0.1:15002', HTTP_PROXY: 'http://127.0.0.1:15001' })?.host).toBe('127.0.0.1:15002');
    expect(proxyFor(url('http://httpbin:8000/get'), {})).toBeUndefined();
    expect(proxyFor(url('https://httpbin.org/get'), { HTTP_PROXY: 'http://127.0.0.1:15001' })).toBeUndefined();
  });

  it('skips the proxy for NO_PROXY matches', () => {
    const env = { http_proxy: 'http://127.0.0.1:15001', NO_PROXY: 'localhost,127.0.0.1,.svc.cluster.local,example.com,10.0.0.0/8,api:9090' };
    expect(proxyFor(url('http://localhost:8080/'), env)).toBeUndefined();
    expect(proxyFor(url('http://127.0.0.1:8080/'), env)).toBeUndefined();
    expect(proxyFor(url('http://reviews.default.svc.cluster.local:9080/'), env)).toBeUndefined();
    expect(proxyFor(url('http://www.example.com/'), env)).toBeUndefined();
    expect(proxyFor(url('http://10.1.2.3/'), env)).toBeUndefined();
    expect(proxyFor(url('http://api:9090/'), env)).toBeUndefined();
    expect(proxyFor(url('http://api:9091/'), env)).toBeDefined();
    expect(proxyFor(url('http://notexample.com/'), env)).toBeDefined();
    expect(proxyFor(url('http://httpbin:8000/'), env)).toBeDefined();
    expect(noProxyMatches(url('http://anything/'), '*')).toBe(true);
  });
});

describe('HttpClient through a proxy', () => {
  let proxy: Server | undefined;
  afterEach(async () => {
    proxy?.closeAllConnections();
    await new Promise((r) => proxy?.close(r) ?? r(undefined));
  });

  it('sends absolute-form requests with the Host kept, over one kept-alive connection', async () => {
    const seen: Array<{ url: string; host: string | undefined }> = [];
    let connections = 0;
    proxy = createServer((req, res) => {
      seen.push({ url: req.url ?? '', host: req.headers.host });
      res.end('via proxy');
    });
    proxy.on('connection', () => connections++);
    await new Promise<void>((r) => proxy?.listen(0, '127.0.0.1', r));
    const address = proxy.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const client = new HttpClient({ maxSockets: 1, env: { HTTP_PROXY: `http://127.0.0.1:${port}` } });
    try {
      for (let i = 0; i < 3; i++) expect((await client.request('http://httpbin:8000/get?x=1', { timeoutMs: 3000 })).body.toString()).toBe('via proxy');
      expect(seen).toEqual(Array(3).fill({ url: 'http://httpbin:8000/get?x=1', host: 'httpbin:8000' }));
      expect(connections).toBe(1);
      expect(client.socketsUsed).toBe(1);
    } finally {
      client.close();
    }
  });
});
