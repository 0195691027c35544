/**
 * The control API in process, over real HTTP: a resource the compiler must leave out of a proxy's
 * config shows in /v1/proxy-status and /v1/analyze; request bodies over the limit are answered 413.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { meshFromYaml } from '../../test/support/mesh-fixture.js';
import type { Check, Resource } from '../api/index.js';
import type { WorkloadInstance } from '../store/index.js';
import { PushServer, type ProxyStatus } from '../push/index.js';
import { createControlServer } from './server.js';
import { MAX_BODY_BYTES } from './http-util.js';

const MESH = `apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}, ports: [{name: http, port: 8080}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api}
spec:
  hosts: [api]
  http:
  - match: [{uri: {prefix: /v2}}]
    directResponse: {status: 418}
`;

const CLIENT: WorkloadInstance = { namespace: 'default', name: 'client-0', labels: { app: 'client' }, serviceAccount: 'default', address: '127.0.0.1', ports: [], sidecar: true, ready: true, phase: 'Running', restarts: 0, startedAt: 0, outboundPort: 15001 };

function request(port: number, method: string, path: string, body?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false, headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('control API', () => {
  let server: http.Server;
  let push: PushServer;
  let port: number;
  let stream: http.ClientRequest | undefined;
  beforeAll(async () => {
    const { store } = meshFromYaml(MESH);
    // Validation keeps such a resource out of the store; shaped by hand, as a compiler bug would meet a valid one.
    const api = store.get('VirtualService', 'default', 'api') as Resource<{ spec: { http: object[] } }>;
    store.apply([{ ...api, object: { ...api.object, spec: { ...api.object.spec, http: [{ match: [{ uri: { prefix: '/v2' }, gateways: 'mesh' }], directResponse: { status: 418 } }] } } } as unknown as Resource]);
    store.putWorkload(CLIENT);
    push = new PushServer(store);
    server = createControlServer({ store, push, version: 'test', log: () => undefined });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    stream?.destroy();
    push.close();
    server.closeAllConnections();
    server.close();
  });

  it('reports a resource left out of a proxy config in proxy-status and analyze', async () => {
    // The proxy's config stream: subscribing compiles its config.
    const first = new Promise<string>((resolve) => {
      stream = http.get({ host: '127.0.0.1', port, path: '/v1/proxies/default/client-0/config', agent: false }, (res) => res.once('data', (c: Buffer) => resolve(c.toString())));
    });
    expect(await first).toContain('"type":"config"');
    const status = JSON.parse((await request(port, 'GET', '/v1/proxy-status')).body) as ProxyStatus[];
    expect(status[0]?.skipped).toEqual([{ resource: { kind: 'VirtualService', namespace: 'default', name: 'api' }, source: { file: 'fixture.yaml', line: 6 }, error: expect.stringContaining('is not a function') as string }]);
    const analysis = JSON.parse((await request(port, 'GET', '/v1/analyze')).body) as { checks: Check[] };
    const finding = analysis.checks.find((c) => c.code === 'TK0301');
    expect(finding).toMatchObject({ level: 'Error', resource: { kind: 'VirtualService', namespace: 'default', name: 'api' }, source: { file: 'fixture.yaml', line: 6 } });
    expect(finding?.message).toMatch(/^cannot be compiled for proxy client-0\.default: .*is not a function.*; it is left out of that proxy's configuration$/);
  });

  it('answers a body over the limit with 413 and a JSON error, and keeps serving', async () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, 0x20);
    const answer = await request(port, 'POST', '/v1/apply', huge);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: `request body too large: the control API reads at most ${MAX_BODY_BYTES / (1024 * 1024)} MiB` });
    expect((await request(port, 'GET', '/v1/version')).status).toBe(200);
  });
});
