import { afterEach, describe, expect, it } from 'vitest';
import { request, startSample, type Running } from '../shared/test-support.js';

describe('echo sample (mendhak/http-https-echo)', () => {
  const started: Running[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((app) => app.stop()));
  });
  const start = async (env: Record<string, string>): Promise<Running> => {
    const app = await startSample('samples/echo/main.js', env);
    started.push(app);
    return app;
  };

  it('echoes any method and path with os.hostname = POD_NAME', async () => {
    const app = await start({ POD_NAME: 'echo-v2-5f6d7c8b9-xk2lp', HOSTNAME: 'echo-v2-5f6d7c8b9-xk2lp' });
    const res = await request(`${app.url}/echo/some/path?a=1&a=2&b=c`, {
      method: 'POST',
      headers: { host: 'a.echo.example.com', 'content-type': 'application/json', cookie: 'featureflag=on', 'X-Custom': 'yes' },
      body: '{"hello":"world"}',
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['path', 'headers', 'method', 'body', 'cookies', 'fresh', 'hostname', 'ip', 'ips', 'protocol', 'query', 'subdomains', 'xhr', 'os']));
    expect(body).toMatchObject({
      path: '/echo/some/path',
      method: 'POST',
      body: '{"hello":"world"}',
      json: { hello: 'world' },
      cookies: { featureflag: 'on' },
      hostname: 'a.echo.example.com',
      protocol: 'http',
      query: { a: ['1', '2'], b: 'c' },
      subdomains: ['echo', 'a'],
      xhr: false,
      os: { hostname: 'echo-v2-5f6d7c8b9-xk2lp' },
    });
    expect((body.headers as Record<string, string>)['x-custom']).toBe('yes');
    expect(body.ip).toMatch(/127\.0\.0\.1$/);
    const get = JSON.parse((await request(`${app.url}/`, { method: 'DELETE' })).body) as Record<string, unknown>;
    expect(get).toMatchObject({ method: 'DELETE', body: {}, path: '/' });
  });

  it('honours x-set-response-status-code and PRESERVE_HEADER_CASE', async () => {
    const app = await start({ POD_NAME: 'echo-v1-abc', PRESERVE_HEADER_CASE: 'true' });
    const res = await request(`${app.url}/x?x-set-response-status-code=503`, { headers: { 'X-Mixed-Case': '1' } });
    expect(res.status).toBe(503);
    expect((JSON.parse(res.body) as { headers: Record<string, string> }).headers['X-Mixed-Case']).toBe('1');
    expect((await request(`${app.url}/`, { headers: { 'x-set-response-status-code': '418' } })).status).toBe(418);
  });

  it('ECHO_BACK_TO_CLIENT=false answers with an empty body', async () => {
    const app = await start({ ECHO_BACK_TO_CLIENT: 'false' });
    const res = await request(`${app.url}/anything`);
    expect([res.status, res.body]).toEqual([200, '']);
  });

  it('exits 0 on SIGTERM', async () => {
    const app = await start({});
    expect(await app.stop()).toBe(0);
  });
});
